"""iCalendar (RFC 5545) for meetings: single-event downloads, mail attachments and feeds.

Times are written as local times of the configured ``TIMEZONE`` with its VTIMEZONE (built by
icalendar from the zoneinfo database), so every client shows the same wall-clock time across
daylight-saving changes.
"""

from __future__ import annotations

import calendar as calendar_module
import re
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from tracker.dates import to_local
from tracker.meetings.models import Meeting

PRODID = "-//VeiligheidsAlliantie regio Rotterdam//Actieplan Mensenhandel tracker//NL"
DEFAULT_TIMEZONE = "Europe/Amsterdam"


#: The year whose daylight-saving rules the VTIMEZONE describes (as a yearly RRULE).
RULE_YEAR = 2024
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@cache
def _transitions(zone: ZoneInfo, year: int) -> tuple[datetime, ...]:
    """The moments (UTC) in ``year`` at which ``zone`` changes its offset. Cached: every
    reminder e-mail carries a calendar file, and the zone's rules do not change at run time."""
    found = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    while day.year == year:
        offset, following = day.astimezone(zone).utcoffset(), day + timedelta(days=1)
        if following.astimezone(zone).utcoffset() != offset:
            moment = day
            while moment.astimezone(zone).utcoffset() == offset:  # to the hour
                moment += timedelta(hours=1)
            found.append(moment)
        day = following
    return tuple(found)


def _observance(zone: ZoneInfo, change: datetime):
    """A STANDARD or DAYLIGHT block for one yearly change, in the RRULE form that Outlook
    itself writes (BYMONTH and BYDAY such as -1SU: the last Sunday)."""
    before = (change - timedelta(seconds=1)).astimezone(zone)
    after = change.astimezone(zone)
    onset = change.replace(tzinfo=None) + before.utcoffset()  # local wall time, old offset
    is_summer = bool(after.dst())
    block = TimezoneDaylight() if is_summer else TimezoneStandard()
    block.add("tzname", after.tzname())
    block.add("tzoffsetfrom", before.utcoffset())
    block.add("tzoffsetto", after.utcoffset())
    last_week = onset.day + 7 > calendar_module.monthrange(onset.year, onset.month)[1]
    week = -1 if last_week else (onset.day - 1) // 7 + 1
    # The same rule from 1970 on, as Outlook writes it, so every earlier date is covered too.
    first = _nth_weekday(1970, onset.month, onset.weekday(), week)
    block.add("dtstart", datetime.combine(first, onset.time()))
    byday = f"{week}{_WEEKDAYS[onset.weekday()]}"
    block.add("rrule", {"freq": "yearly", "bymonth": onset.month, "byday": byday})
    return block


def _nth_weekday(year: int, month: int, weekday: int, week: int) -> date:
    """The ``week``-th ``weekday`` of the month (-1: the last one)."""
    days = [
        day
        for day in range(1, calendar_module.monthrange(year, month)[1] + 1)
        if date(year, month, day).weekday() == weekday
    ]
    return date(year, month, days[week if week < 0 else week - 1])


def vtimezone(timezone: str) -> Timezone:
    """The VTIMEZONE of the configured ``timezone``, derived from the zoneinfo database: its
    yearly changes as RRULEs, or one STANDARD block for a zone without summer time.

    Not icalendar's ``Timezone.from_tzid``: that writes every change as an RDATE, and
    dateutil-based clients (vobject) then read a July meeting in winter time; the RRULE form
    is the one calendar clients agree on. Every file carries the same block for a zone."""
    zone = ZoneInfo(timezone)
    block = Timezone()
    block.add("tzid", timezone)
    changes = _transitions(zone, RULE_YEAR)
    if not changes:
        standard = TimezoneStandard()
        moment = datetime(RULE_YEAR, 1, 1, tzinfo=UTC).astimezone(zone)
        standard.add("tzname", moment.tzname())
        standard.add("tzoffsetfrom", moment.utcoffset())
        standard.add("tzoffsetto", moment.utcoffset())
        standard.add("dtstart", datetime(1970, 1, 1))
        block.add_component(standard)
        return block
    for change in changes:
        block.add_component(_observance(zone, change))
    return block


def meeting_event(meeting: Meeting, base_url: str, timezone: str = DEFAULT_TIMEZONE) -> Event:
    """One VEVENT: stable UID, SEQUENCE raised on every change, STATUS, link back, alarm."""
    url = f"{base_url.rstrip('/')}/vergaderingen/{meeting.id}"
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at.replace(tzinfo=UTC))
    event.add("last-modified", meeting.updated_at.replace(tzinfo=UTC))
    event.add("dtstart", to_local(meeting.starts_at, timezone))
    event.add("dtend", to_local(meeting.ends_at, timezone))
    event.add("summary", meeting.series.name)
    if meeting.location:
        event.add("location", meeting.location)
    description = meeting.agenda.strip()
    event.add("description", f"{description}\n\n{url}".strip())
    event.add("url", url)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if not meeting.is_cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", meeting.series.name)
        alarm.add("trigger", timedelta(minutes=-30))
        event.add_component(alarm)
    return event


def calendar_bytes(
    meetings: list[Meeting],
    base_url: str,
    name: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> bytes:
    """A VCALENDAR with the given meetings (METHOD:PUBLISH: information, no invitation), in
    local times of ``timezone`` with its VTIMEZONE."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", timezone)
    calendar.add_component(vtimezone(timezone))
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, base_url, timezone))
    return calendar.to_ical()


class ImportedEvent:
    """A VEVENT read from an .ics file, in UTC."""

    def __init__(self, uid, starts_at, ends_at, location, agenda, summary):
        self.uid, self.starts_at, self.ends_at = uid, starts_at, ends_at
        self.location, self.agenda, self.summary = location, agenda, summary


def _to_utc(value, default_tz: str) -> datetime:
    if not isinstance(value, datetime):  # an all-day event: treat as 09:00-17:00 local
        value = datetime(value.year, value.month, value.day, 9, 0)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(default_tz))
    return value.astimezone(UTC).replace(tzinfo=None)


#: More events than this in one file is no meeting series: refused before parsing.
MAX_IMPORT_EVENTS = 500
#: Meetings outside these years are typing errors (or an attack on date arithmetic).
IMPORT_YEARS = range(2000, 2101)
_VEVENT = re.compile(rb"^BEGIN:VEVENT", re.IGNORECASE | re.MULTILINE)


def _event_times(component, default_tz: str) -> tuple[datetime, datetime] | None:
    """Start and end in UTC, or None when a date is missing, impossible or out of range."""
    try:
        start = component.decoded("dtstart", None)
        end = component.decoded("dtend", None)
    except (ValueError, TypeError, OverflowError):
        return None
    if not isinstance(start, date) or not isinstance(end, date | None):
        return None  # icalendar keeps a value it cannot read as text
    if any(v is not None and v.year not in IMPORT_YEARS for v in (start, end)):
        return None
    starts_at = _to_utc(start, default_tz)
    ends_at = _to_utc(end, default_tz) if end is not None else starts_at + timedelta(hours=2)
    if not isinstance(start, datetime):
        ends_at = starts_at + timedelta(hours=8)
    return starts_at, max(ends_at, starts_at)


def read_ics(
    data: bytes, default_tz: str = DEFAULT_TIMEZONE
) -> tuple[list[ImportedEvent], list[str]]:
    """Events from an .ics file and the problems met (Dutch), never raising on bad input."""
    if len(_VEVENT.findall(data)) > MAX_IMPORT_EVENTS:
        return [], [
            f"Het bestand bevat meer dan {MAX_IMPORT_EVENTS} afspraken; dat is geen reeks "
            "vergaderingen. Exporteer alleen de vergaderingen van dit overleg."
        ]
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError, OverflowError) as exc:
        return [], [f"Het bestand is geen geldig iCalendar-bestand ({exc})."]
    events, problems = [], []
    for number, component in enumerate(calendar.walk("VEVENT"), start=1):
        uid = str(component.get("uid") or "").strip()
        times = _event_times(component, default_tz)
        if not uid or times is None:
            problems.append(
                f"Afspraak {number} heeft geen UID of geen geldige begintijd (tussen "
                f"{IMPORT_YEARS[0]} en {IMPORT_YEARS[-1]}) en is overgeslagen."
            )
            continue
        starts_at, ends_at = times
        events.append(
            ImportedEvent(
                uid=uid[:255],
                starts_at=starts_at,
                ends_at=ends_at,
                location=str(component.get("location") or "")[:300],
                agenda=str(component.get("description") or ""),
                summary=str(component.get("summary") or ""),
            )
        )
    return events, problems
