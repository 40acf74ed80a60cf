"""The public progress page: what the VAR chooses to show councils and residents."""
