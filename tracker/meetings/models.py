"""Meetings that carry the plan: series (Regionale Tafel, Platform, …) and their meetings."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import local_day, utcnow
from tracker.extensions import db
from tracker.plan.models import Action, Party

series_participant = Table(
    "series_participant",
    db.metadata,
    Column("series_id", ForeignKey("meeting_series.id", ondelete="CASCADE"), primary_key=True),
    Column("party_id", ForeignKey("party.id", ondelete="CASCADE"), primary_key=True),
)


class MeetingState(StrEnum):
    PLANNED = "gepland"
    HELD = "gehouden"
    CANCELLED = "geannuleerd"

    @property
    def label(self) -> str:
        return {"gepland": "Gepland", "gehouden": "Gehouden", "geannuleerd": "Geannuleerd"}[
            self.value
        ]


class MeetingSeries(db.Model):
    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Natural key for seeds and the CLI (``regionale-tafel``).
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id"))
    min_per_year: Mapped[int] = mapped_column(default=1)
    #: Season the meeting is expected in (e.g. "autumn" for the Week tegen Mensenhandel).
    season: Mapped[str | None] = mapped_column(String(20))
    chair_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    secretary_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    #: Days before the meeting that reminders go out, e.g. "14,2".
    reminder_days: Mapped[str] = mapped_column(String(40), default="14,2")
    sends_update_request: Mapped[bool] = mapped_column(default=False)
    update_request_days: Mapped[int] = mapped_column(default=14)
    #: Own subject and introduction for the reminder e-mail; empty means the default text.
    reminder_subject: Mapped[str] = mapped_column(String(200), default="")
    reminder_intro: Mapped[str] = mapped_column(Text, default="")
    #: The secretary records which municipalities attended each held meeting (the network
    #: of the aandachtsfunctionarissen); each municipality's attendance counts against
    #: ``min_per_year``.
    tracks_attendance: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    action: Mapped[Action | None] = relationship()
    chair_party: Mapped[Party | None] = relationship(foreign_keys=[chair_party_id])
    secretary_party: Mapped[Party | None] = relationship(foreign_keys=[secretary_party_id])
    participants: Mapped[list[Party]] = relationship(secondary=series_participant)
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="series", order_by="Meeting.starts_at"
    )

    @property
    def reminder_offsets(self) -> list[int]:
        return sorted(
            {int(part) for part in self.reminder_days.split(",") if part.strip().isdigit()},
            reverse=True,
        )

    @property
    def party_ids(self) -> set[int]:
        """Everyone who takes part: participants, chair and secretary."""
        ids = {party.id for party in self.participants}
        ids |= {i for i in (self.chair_party_id, self.secretary_party_id) if i}
        return ids


def new_uid() -> str:
    return f"{uuid.uuid4()}@actieplan-mensenhandel"


class Meeting(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id"), index=True)
    #: iCalendar UID: stable for the meeting's life; imported meetings keep the source's UID.
    uid: Mapped[str] = mapped_column(String(255), unique=True, default=new_uid)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(300), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=MeetingState.PLANNED.value)
    #: Why the meeting was cancelled ("Geannuleerd: …"). What a held meeting decided lives in
    #: its outcomes (besluiten and actiepunten); migration 0010 moved old minutes there.
    minutes: Mapped[str] = mapped_column(Text, default="")
    #: iCalendar SEQUENCE: raised whenever time, place or state changes.
    sequence: Mapped[int] = mapped_column(default=0)
    #: How often the agenda (its items) was published; 0: a draft only the beheerder sees.
    agenda_version: Mapped[int] = mapped_column(default=0)
    agenda_published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    series: Mapped[MeetingSeries] = relationship(back_populates="meetings", lazy="joined")
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        order_by="AgendaItem.position",
        cascade="all, delete-orphan",
    )
    outcomes: Mapped[list[MeetingOutcome]] = relationship(
        back_populates="meeting",
        order_by="MeetingOutcome.id",
        cascade="all, delete-orphan",
    )

    @property
    def state_enum(self) -> MeetingState:
        return MeetingState(self.state)

    @property
    def is_cancelled(self) -> bool:
        return self.state == MeetingState.CANCELLED.value

    @property
    def subject(self) -> str:
        """The meeting as the audit log names it: its series and its day where the users are."""
        return f"{self.series.name} {local_day(self.starts_at):%Y-%m-%d}"


class MeetingAttendance(db.Model):
    """A municipality that attended a held meeting of a series that ``tracks_attendance``."""

    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class OutcomeKind(StrEnum):
    DECISION = "besluit"
    FOLLOW_UP = "actiepunt"

    @property
    def label(self) -> str:
        return {"besluit": "Besluit", "actiepunt": "Actiepunt"}[self.value]


outcome_action = Table(
    "outcome_action",
    db.metadata,
    Column("outcome_id", ForeignKey("meeting_outcome.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", ForeignKey("action.id", ondelete="CASCADE"), primary_key=True),
)


class MeetingOutcome(db.Model):
    """What a held meeting decided (besluit) or asked someone to do (actiepunt: an owner party
    and a due date, open until marked done). Linked actions show it on their page."""

    __tablename__ = "meeting_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    due_on: Mapped[date | None]
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="outcomes")
    party: Mapped[Party | None] = relationship()
    actions: Mapped[list[Action]] = relationship(secondary=outcome_action, order_by="Action.id")
    done_by = relationship("User", foreign_keys=[done_by_id])

    @property
    def kind_enum(self) -> OutcomeKind:
        return OutcomeKind(self.kind)

    @property
    def is_follow_up(self) -> bool:
        return self.kind == OutcomeKind.FOLLOW_UP.value

    @property
    def is_open(self) -> bool:
        return self.is_follow_up and self.done_at is None


agenda_item_action = Table(
    "agenda_item_action",
    db.metadata,
    Column("item_id", ForeignKey("agenda_item.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", ForeignKey("action.id", ondelete="CASCADE"), primary_key=True),
)


class AgendaItem(db.Model):
    """One point on a meeting's agenda: a title, optionally the actions or theme it is about,
    who presents it and how many minutes it takes."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    theme_number: Mapped[int | None]
    presenter_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    duration_minutes: Mapped[int | None]

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    presenter: Mapped[Party | None] = relationship()
    actions: Mapped[list[Action]] = relationship(secondary=agenda_item_action, order_by="Action.id")
