"""Meeting logic: plan, change, hold and cancel meetings (re-planning the outbox each time),
per-year standings of each series, and importing meetings from .ics files."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import abort
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from tracker.audit.services import record
from tracker.dates import app_timezone, year_utc
from tracker.extensions import db
from tracker.forms import AGENDA_MAX
from tracker.meetings.calendar import read_ics
from tracker.meetings.models import Meeting, MeetingSeries, MeetingState
from tracker.meetings.schedule import YearStanding, year_standing
from tracker.meetings.signals import meeting_changed
from tracker.plan.models import Action
from tracker.plan.regions import current_region_id
from tracker.privacy.guard import Reading, import_problems
from tracker.text import counted


def create_meeting(series, *, starts_at, ends_at, location, agenda, author, now, uid=None):
    meeting = Meeting(
        series=series,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        agenda=agenda.strip(),
        created_at=now,
        updated_at=now,
    )
    if uid:
        meeting.uid = uid
    db.session.add(meeting)
    db.session.flush()
    meeting_changed.send(meeting, now=now)
    record("meeting.create", author, meeting.subject, "Vergadering gepland")
    return meeting


def update_meeting(meeting, *, starts_at, ends_at, location, agenda, author, now) -> bool:
    """Change time, place or agenda. A new time or place raises SEQUENCE, re-plans pending
    reminders and tells those already reminded. Returns whether anything changed."""
    moved = (meeting.starts_at, meeting.ends_at, meeting.location) != (
        starts_at,
        ends_at,
        location.strip(),
    )
    changed = moved or meeting.agenda != agenda.strip()
    if not changed:
        return False
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.location, meeting.agenda = location.strip(), agenda.strip()
    meeting.sequence += 1
    meeting.updated_at = now
    db.session.flush()
    meeting_changed.send(meeting, now=now, moved=moved)
    record("meeting.update", author, meeting.subject, "Vergadering gewijzigd")
    return True


def mark_held(meeting: Meeting, author, now) -> None:
    """The meeting took place; its decisions and follow-ups are recorded as outcomes."""
    meeting.state = MeetingState.HELD.value
    meeting.updated_at = now
    meeting_changed.send(meeting, now=now)
    record("meeting.held", author, meeting.subject, "Vergadering gehouden")


def cancel(meeting: Meeting, reason: str, author, now) -> None:
    """Withdraw pending reminders and send a cancellation to whoever was reminded."""
    meeting.state = MeetingState.CANCELLED.value
    meeting.sequence += 1
    meeting.updated_at = now
    if reason.strip():
        meeting.minutes = f"Geannuleerd: {reason.strip()}"
    db.session.flush()
    meeting_changed.send(meeting, now=now)
    record("meeting.cancel", author, meeting.subject, reason.strip() or "Geannuleerd")


@dataclass
class ImportReport:
    created: list[Meeting] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    #: Personal data found in the file: then nothing at all is imported.
    refused: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.refused:
            return "Niets geïmporteerd: het bestand bevat persoonsgegevens (zie hieronder)."
        parts = [counted(len(self.created), "vergadering", "vergaderingen") + " toegevoegd"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} al bekend (zelfde UID) en overgeslagen")
        if self.problems:
            parts.append(counted(len(self.problems), "afspraak", "afspraken") + " niet leesbaar")
        return ", ".join(parts) + "."


def import_ics(data: bytes, series: MeetingSeries, author, now, timezone: str) -> ImportReport:
    """Add the file's events to ``series``; events whose UID is known are skipped."""
    events, problems = read_ics(data, timezone)
    report = ImportReport(problems=problems)
    for number, event in enumerate(events, start=1):
        where = f"Afspraak {number}"
        report.refused += import_problems(f"{where} (titel)", event.summary, max_length=300)
        report.refused += import_problems(
            f"{where} (locatie)", event.location, max_length=300, reading=Reading.VENUE
        )
        report.refused += import_problems(
            f"{where} (beschrijving)", event.agenda, max_length=AGENDA_MAX
        )
    if report.refused:
        return report
    known = set(
        db.session.scalars(select(Meeting.uid).where(Meeting.uid.in_([e.uid for e in events])))
    )
    for event in events:
        if event.uid in known:
            report.skipped.append(event.uid)
            continue
        known.add(event.uid)
        meeting = create_meeting(
            series,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            location=event.location,
            agenda=event.agenda,
            author=author,
            now=now,
            uid=event.uid,
        )
        if event.starts_at < now:
            meeting.state = MeetingState.HELD.value
        report.created.append(meeting)
    record("meeting.import", author, series.name, report.summary())
    return report


@dataclass
class SeriesYear:
    series: MeetingSeries
    standing: YearStanding


def standings(year: int, today: date, now: datetime) -> list[SeriesYear]:
    """Per series, held and still-planned meetings in ``year`` against its minimum, as they
    stood at ``now`` (on ``today``): a meeting after ``now`` counts as planned even if it has
    been held since (a report with an earlier peildatum), one before it as held only if it
    was; a cancelled one never counts."""
    counts: Counter = Counter()
    start, end = year_utc(year, app_timezone())
    rows = db.session.execute(_MEETINGS_IN_YEAR, {"now": now, "start": start, "end": end})
    for series_id, state, ahead, count in rows:
        if ahead and state != MeetingState.CANCELLED.value:
            counts[(series_id, "planned")] += count
        elif not ahead and state == MeetingState.HELD.value:
            counts[(series_id, "held")] += count
    result = []
    for series in db.session.scalars(_region_series(), {"region_id": current_region_id()}):
        standing = year_standing(
            year,
            counts[(series.id, "held")],
            counts[(series.id, "planned")],
            series.min_per_year,
            today,
        )
        result.append(SeriesYear(series, standing))
    return result


def upcoming(now: datetime) -> list[Meeting]:
    """The region's next five planned meetings (the overview's list)."""
    return list(db.session.scalars(_UPCOMING, {"now": now, "region_id": current_region_id()}))


# The overview's statements, built once per process (``plan.queries`` says why).
# One named parameter used twice, so PostgreSQL sees the same expression in GROUP BY.
_AHEAD = Meeting.starts_at > bindparam("now")
_MEETINGS_IN_YEAR = (
    select(Meeting.series_id, Meeting.state, _AHEAD, func.count())
    .where(Meeting.starts_at >= bindparam("start"), Meeting.starts_at < bindparam("end"))
    .group_by(Meeting.series_id, Meeting.state, _AHEAD)
)


@functools.cache
def _region_series():
    """On first use, as loader options map every model: with the action each series carries
    out (the report names it by its code)."""
    return (
        select(MeetingSeries)
        .where(MeetingSeries.region_id == bindparam("region_id"))
        .order_by(MeetingSeries.id)
        .options(joinedload(MeetingSeries.action).joinedload(Action.theme))
    )


_UPCOMING = (
    select(Meeting)
    .join(Meeting.series)
    .where(
        Meeting.starts_at > bindparam("now"),
        Meeting.state == MeetingState.PLANNED.value,
        MeetingSeries.region_id == bindparam("region_id"),
    )
    .order_by(Meeting.starts_at)
    .limit(5)
)


def last_held(series_code: str, now: datetime) -> Meeting | None:
    """The latest held meeting of the asker's region's series with this code (another
    region's series, whatever its code, is not the asker's to read)."""
    return db.session.scalar(
        _LAST_HELD, {"code": series_code, "now": now, "region_id": current_region_id()}
    )


#: Built once per process (Mijn acties asks on every view; ``plan.queries`` says why).
_LAST_HELD = (
    select(Meeting)
    .join(Meeting.series)
    .where(
        MeetingSeries.code == bindparam("code"),
        MeetingSeries.region_id == bindparam("region_id"),
        Meeting.state == MeetingState.HELD.value,
        Meeting.starts_at <= bindparam("now"),
    )
    .order_by(Meeting.starts_at.desc())
    .limit(1)
)


def previous_held(meeting: Meeting) -> Meeting | None:
    """The latest meeting of the same series held before this one ("de vorige Tafel")."""
    params = {"series_id": meeting.series_id, "before": meeting.starts_at}
    return db.session.scalar(_PREVIOUS_HELD, params)


#: Built once per process (the overview asks while update requests are out; ``plan.queries``
#: says why).
_PREVIOUS_HELD = (
    select(Meeting)
    .where(
        Meeting.series_id == bindparam("series_id"),
        Meeting.state == MeetingState.HELD.value,
        Meeting.starts_at < bindparam("before"),
    )
    .order_by(Meeting.starts_at.desc())
    .limit(1)
)


def meeting_or_404(meeting_id: int, options=None) -> Meeting:
    """A meeting of the asker's region, or 404 (every page about one meeting uses this)."""
    meeting = db.get_or_404(Meeting, meeting_id, options=options)
    if meeting.series.region_id != current_region_id():
        abort(404)
    return meeting
