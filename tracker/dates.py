"""Dutch dates and Europe/Amsterdam times for everything users read."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from flask import current_app
from sqlalchemy import and_

#: Parsed once per process: Babel parses a locale given by name on every call.
LOCALE = Locale.parse("nl_NL")
#: The months' names as a date says them ("maart"), from Babel's Dutch locale data.
_MONTHS = dict(LOCALE.months["format"]["wide"])
#: The days' names ("maandag"), by ``date.weekday()`` (Babel's keys: 0 is Monday).
_WEEKDAYS = dict(LOCALE.days["format"]["wide"])


def utcnow() -> datetime:
    """Naive UTC now: the database stores UTC without zone (portable across SQLite and PG)."""
    return datetime.now(UTC).replace(tzinfo=None)


def today_local(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


def app_timezone() -> str:
    """The zone users live in (``TIMEZONE``, Europe/Amsterdam): the one place views ask."""
    return current_app.config["TIMEZONE"]


def local_today() -> date:
    """Today where the users are."""
    return today_local(app_timezone())


def to_local(moment: datetime, timezone: str) -> datetime:
    """A stored (naive UTC) datetime as an aware time in ``timezone``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(timezone))


def local_day(moment: datetime) -> date:
    """The users' calendar day of a stored (naive UTC) moment."""
    return to_local(moment, app_timezone()).date()


def local_to_utc(day: date, clock: time, timezone: str) -> datetime | None:
    """Naive UTC of a wall-clock time in ``timezone``; None when that time does not exist
    there (the hour skipped when summer time starts). In the hour that occurs twice when
    summer time ends, the first (summer-time) occurrence is meant."""
    zone = ZoneInfo(timezone)
    local = datetime.combine(day, clock, tzinfo=zone)
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return moment.replace(tzinfo=None)


def end_of_day_utc(day: date, timezone: str) -> datetime:
    """The last moment of ``day`` in local time, as naive UTC (what the database stores)."""
    local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC).replace(tzinfo=None)


def year_utc(year: int, timezone: str) -> tuple[datetime, datetime]:
    """The local calendar ``year`` as naive UTC moments ``[start, end)``: a meeting at half
    past midnight on 1 January is stored on 31 December in UTC, yet belongs to the new year."""
    zone = ZoneInfo(timezone)
    start, end = (datetime(y, 1, 1, tzinfo=zone).astimezone(UTC) for y in (year, year + 1))
    return start.replace(tzinfo=None), end.replace(tzinfo=None)


def in_local_year(column, year: int):
    """SQL condition: the stored (naive UTC) moment in ``column`` falls in local ``year``."""
    start, end = year_utc(year, app_timezone())
    return and_(column >= start, column < end)


def dutch_date(value: date | datetime | None, timezone: str = "Europe/Amsterdam") -> str:
    """'12 maart 2025'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value, timezone).date()
    # Babel's "d MMMM y" for nl_NL, without formatting a pattern on every date a list shows.
    return f"{value.day} {_MONTHS[value.month]} {value.year}"


def iso_dutch_date(value: str | None) -> str:
    """A day or moment from stored report data, which keeps them as ISO text ("2026-12-07",
    or "2026-12-07T22:03:00" in UTC), as the users' Dutch date."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return dutch_date(moment, app_timezone())


def iso_dutch_datetime(value: str) -> str:
    """A moment from stored report data (ISO text, UTC) as "7 december 2026 om 23:03"."""
    return dutch_datetime(datetime.fromisoformat(value), app_timezone())


def dutch_weekday_datetime(value: datetime, timezone: str = "Europe/Amsterdam") -> str:
    """'maandag 8 februari 2027 om 09:00', in local time."""
    local = to_local(value, timezone)
    return f"{_WEEKDAYS[local.weekday()]} {dutch_datetime(local)}"


def dutch_datetime(value: datetime | None, timezone: str = "Europe/Amsterdam") -> str:
    """'12 maart 2025 om 14:05', in local time."""
    if value is None:
        return ""
    local = to_local(value, timezone)
    # Babel's "d MMMM y 'om' HH:mm", written directly like ``dutch_date`` (an action page
    # shows a dozen of these; Babel formats its pattern again for each).
    return f"{dutch_date(local.date())} om {local:%H:%M}"


def days_before_at(starts_at: datetime, days: int, send_time: time, timezone: str) -> datetime:
    """Naive UTC time of ``send_time`` (local) on the local day ``days`` before ``starts_at``.

    "14 days before, at 09:00" means 09:00 on the wall clock in Amsterdam, whichever side of a
    daylight-saving change the meeting or the reminder falls on.
    """
    zone = ZoneInfo(timezone)
    local_day = starts_at.replace(tzinfo=UTC).astimezone(zone).date() - timedelta(days=days)
    local = datetime.combine(local_day, send_time, tzinfo=zone)
    return local.astimezone(UTC).replace(tzinfo=None)
