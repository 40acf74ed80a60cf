"""iCalendar (RFC 5545) for meetings: single-event downloads, mail attachments and feeds.

Times are written as local Europe/Amsterdam times with a compact VTIMEZONE (the RRULE form
that Outlook itself writes), so every client shows the same wall-clock time across DST.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from tracker.meetings.models import Meeting

PRODID = "-//VeiligheidsAlliantie regio Rotterdam//Actieplan Mensenhandel tracker//NL"
TZID = "Europe/Amsterdam"


def _amsterdam_timezone() -> Timezone:
    tz = Timezone()
    tz.add("tzid", TZID)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("dtstart", datetime(1970, 3, 29, 2, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("dtstart", datetime(1970, 10, 25, 3, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(TZID))


def meeting_event(meeting: Meeting, base_url: str) -> Event:
    """One VEVENT: stable UID, SEQUENCE raised on every change, STATUS, link back, alarm."""
    url = f"{base_url.rstrip('/')}/vergaderingen/{meeting.id}"
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at.replace(tzinfo=UTC))
    event.add("last-modified", meeting.updated_at.replace(tzinfo=UTC))
    event.add("dtstart", _local(meeting.starts_at))
    event.add("dtend", _local(meeting.ends_at))
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


def calendar_bytes(meetings: list[Meeting], base_url: str, name: str | None = None) -> bytes:
    """A VCALENDAR with the given meetings (METHOD:PUBLISH: information, no invitation)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", TZID)
    calendar.add_component(_amsterdam_timezone())
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, base_url))
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


def read_ics(data: bytes, default_tz: str = TZID) -> tuple[list[ImportedEvent], list[str]]:
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
