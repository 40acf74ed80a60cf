"""Reading numbers from URLs and query strings without trusting them.

``str.isdigit`` accepts "²" and "٣" (which ``int`` then refuses or reads), and a database
integer column overflows past 2^31-1 on PostgreSQL: every id or number taken from a request
goes through here, so junk gets a 4xx instead of a 500.
"""

from __future__ import annotations

import re
from datetime import date

from werkzeug.routing import IntegerConverter

#: The largest value of a PostgreSQL ``integer`` column (every id in this schema).
MAX_ID = 2**31 - 1

#: Dates anyone may ask for or type. Plans lie well inside; beyond, date arithmetic (the day
#: before, a conversion to UTC) overflows: 0001-01-01 and 9999-12-31 gave a 500.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)
DATE_RANGE_MESSAGE = "Kies een datum tussen 2000 en 2100."
DATE_FORMAT_MESSAGE = "Gebruik een datum als jjjj-mm-dd, bijvoorbeeld 2025-03-12."


def parse_date(value: str | None) -> tuple[date | None, str | None]:
    """``(the date, None)`` for an ISO date between ``EARLIEST_DATE`` and ``LATEST_DATE``;
    ``(None, a Dutch message)`` for anything else; ``(None, None)`` when empty."""
    value = (value or "").strip()
    if not value:
        return None, None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return None, DATE_FORMAT_MESSAGE
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None, "Deze datum bestaat niet."
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        return None, DATE_RANGE_MESSAGE
    return day, None


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
