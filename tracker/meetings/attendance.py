"""Which municipalities attended the held meetings of a series that tracks attendance (the
network of the aandachtsfunctionarissen): the secretary ticks them once the meeting is
held, and each municipality's page and the region's matrix count them against the
series' minimum per year."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from wtforms import SelectMultipleField, widgets

from tracker.audit.services import record
from tracker.dates import in_local_year
from tracker.extensions import db
from tracker.forms import DutchForm
from tracker.meetings.models import Meeting, MeetingAttendance, MeetingSeries, MeetingState
from tracker.plan.models import Municipality
from tracker.plan.regions import in_region


@dataclass(frozen=True)
class Attendance:
    """One municipality's attendance in a year: meetings attended, held, and expected."""

    attended: int
    held: int
    expected: int

    @property
    def level(self) -> str:
        if not self.expected:
            return "neutraal"
        if not self.held:  # nothing to attend yet this year
            return "onbekend"
        if self.attended >= self.expected:
            return "goed"
        return "deels" if self.attended else "niet"

    @property
    def text(self) -> str:
        return f"{self.attended} van {self.expected}"


def year_attendance(
    year: int, municipality_ids: list[int], until: datetime | None = None
) -> dict[int, Attendance]:
    """Per municipality, its attendance in ``year`` at the tracked series (of the meetings
    before ``until``, if given); three queries."""
    tracked = select(MeetingSeries.id).where(
        MeetingSeries.tracks_attendance.is_(True), in_region(MeetingSeries)
    )
    expected = db.session.scalar(
        select(func.coalesce(func.sum(MeetingSeries.min_per_year), 0)).where(
            MeetingSeries.id.in_(tracked)
        )
    )
    in_year = [
        Meeting.series_id.in_(tracked),
        Meeting.state == MeetingState.HELD.value,
        in_local_year(Meeting.starts_at, year),
    ]
    if until is not None:
        in_year.append(Meeting.starts_at < until)
    held = db.session.scalar(select(func.count(Meeting.id)).where(*in_year))
    attended = Counter(
        dict(
            db.session.execute(
                select(MeetingAttendance.municipality_id, func.count())
                .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
                .where(*in_year, MeetingAttendance.municipality_id.in_(municipality_ids))
                .group_by(MeetingAttendance.municipality_id)
            ).all()
        )
    )
    return {m: Attendance(attended[m], held, expected) for m in municipality_ids}


def attended_meetings(year: int, municipality_id: int) -> list[tuple[Meeting, bool]]:
    """The held meetings of the tracked series in ``year``, each with whether the
    municipality attended."""
    present = MeetingAttendance.municipality_id.is_not(None)
    rows = db.session.execute(
        select(Meeting, present)
        .join(MeetingSeries, MeetingSeries.id == Meeting.series_id)
        .outerjoin(
            MeetingAttendance,
            (MeetingAttendance.meeting_id == Meeting.id)
            & (MeetingAttendance.municipality_id == municipality_id),
        )
        .where(
            MeetingSeries.tracks_attendance.is_(True),
            in_region(MeetingSeries),
            Meeting.state == MeetingState.HELD.value,
            in_local_year(Meeting.starts_at, year),
        )
        .order_by(Meeting.starts_at)
    )
    return [(meeting, bool(attended)) for meeting, attended in rows]


def attendees(meeting: Meeting) -> set[int]:
    return set(
        db.session.scalars(
            select(MeetingAttendance.municipality_id).where(
                MeetingAttendance.meeting_id == meeting.id
            )
        )
    )


def region_municipalities() -> list[Municipality]:
    return list(
        db.session.scalars(
            select(Municipality).where(in_region(Municipality)).order_by(Municipality.name)
        )
    )


class AttendanceForm(DutchForm):
    municipalities = SelectMultipleField(
        "Aanwezige gemeenten",
        choices=[],
        coerce=int,
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )


def attendance_form(meeting: Meeting, *, submitted: bool = False) -> AttendanceForm:
    """The form as stored (``submitted``: as posted, to show it again with its errors)."""
    form = AttendanceForm() if submitted else AttendanceForm(formdata=None)
    form.municipalities.choices = [(m.id, m.name) for m in region_municipalities()]
    if not submitted:
        form.municipalities.data = sorted(attendees(meeting))
    return form


def set_attendees(meeting: Meeting, municipality_ids: set[int], author) -> None:
    """Make the meeting's attendance exactly ``municipality_ids``."""
    before = attendees(meeting)
    for municipality_id in before - municipality_ids:
        db.session.delete(db.session.get(MeetingAttendance, (meeting.id, municipality_id)))
    for municipality_id in municipality_ids - before:
        db.session.add(MeetingAttendance(meeting_id=meeting.id, municipality_id=municipality_id))
    if before != municipality_ids:
        record(
            "meeting.attendance",
            author,
            meeting.subject,
            f"{len(municipality_ids)} gemeenten aanwezig",
        )
