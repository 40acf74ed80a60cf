"""Kerncijfers: the monitors' figures per year, their trends, and the actions they inform."""
