"""Reading numbers from URLs and query strings without trusting them.

``str.isdigit`` accepts "²" and "٣" (which ``int`` then refuses or reads), and a database
integer column overflows past 2^31-1 on PostgreSQL: every id or number taken from a request
goes through here, so junk gets a 4xx instead of a 500.
"""

from __future__ import annotations

import re

from werkzeug.routing import IntegerConverter

#: The largest value of a PostgreSQL ``integer`` column (every id in this schema).
MAX_ID = 2**31 - 1


def parse_int(value: str | None, low: int = 0, high: int = MAX_ID) -> int | None:
    """The ASCII decimal number in ``value`` when it lies in [low, high], else None."""
    value = (value or "").strip()
    if not re.fullmatch(r"[0-9]{1,10}", value):
        return None
    number = int(value)
    return number if low <= number <= high else None


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in routes: ids beyond what the database can hold are simply not found."""

    regex = r"[0-9]{1,10}"

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)
