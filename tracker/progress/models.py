"""Progress: immutable updates per action, per-municipality cells, and plan revisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import utcnow
from tracker.extensions import db
from tracker.plan.models import SIGNAL_LABELS, STATUS_LABELS, Action, Municipality, Signal, Status


class ProgressUpdate(db.Model):
    """One progress report on an action. Never changed after it is written."""

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    status_before: Mapped[str] = mapped_column(String(20))
    status_after: Mapped[str] = mapped_column(String(20))
    signal_before: Mapped[str | None] = mapped_column(String(20))
    signal_after: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))

    action: Mapped[Action] = relationship()
    author = relationship("User", lazy="joined")

    @property
    def status_changed(self) -> bool:
        return self.status_before != self.status_after

    @property
    def signal_changed(self) -> bool:
        return self.signal_before != self.signal_after

    @property
    def status_after_label(self) -> str:
        return STATUS_LABELS[Status(self.status_after)]

    @property
    def signal_after_label(self) -> str:
        return SIGNAL_LABELS[Signal(self.signal_after)] if self.signal_after else "Geen signaal"


class MunicipalityProgress(db.Model):
    """Progress of one municipality on an every-municipality action in one year."""

    __table_args__ = (UniqueConstraint("action_id", "municipality_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=Status.NOT_STARTED.value)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    action: Mapped[Action] = relationship()
    municipality: Mapped[Municipality] = relationship(lazy="joined")
    updated_by = relationship("User", lazy="joined")


class YearlyCommitment(db.Model):
    """One year's delivery of an action expected every year ("Jaarlijks", "Jaarlijks, in het
    najaar"): its status, the day it was delivered (checked against the season) and a note."""

    __table_args__ = (UniqueConstraint("action_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=Status.NOT_STARTED.value)
    delivered_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    action: Mapped[Action] = relationship()
    updated_by = relationship("User", lazy="joined")


class ActionRevision(db.Model):
    """A change to the plan itself (text, planning, owners, new or dropped action) with reason."""

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    #: Field name -> [old, new], as shown to readers.
    changes: Mapped[dict] = mapped_column(JSON)
    #: The meeting decision (a Tafel's or the RVO's besluit) that made this change, if named.
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_outcome.id", ondelete="SET NULL")
    )

    action: Mapped[Action] = relationship()
    author = relationship("User", lazy="joined")
    decision = relationship("MeetingOutcome", lazy="joined")
