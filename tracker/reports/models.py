"""Report snapshots: a report as it was handed to the RVO, frozen."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import utcnow
from tracker.extensions import db


class ReportSnapshot(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The plan reported on: each plan has its own frozen reports.
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    reference_date: Mapped[date]
    #: The report parameters (peildatum, sinds, filters) as query values.
    params: Mapped[dict] = mapped_column(JSON)
    #: The report data exactly as rendered; never changed afterwards.
    data: Mapped[dict] = mapped_column(JSON)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)

    created_by = relationship("User", lazy="joined")

    @property
    def file_stem(self) -> str:
        """Its PDF's file name without ``.pdf``; the annexes are named after it."""
        return f"rapportage-{self.reference_date}-{self.id}"


class ReportDraft(db.Model):
    """The words of the next report, written before it is frozen: a short text per theme and
    what the RVO is asked to decide or support. One per plan; a snapshot keeps a copy."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), unique=True)
    #: Theme number (as text, a JSON key) -> that theme's text.
    theme_texts: Mapped[dict] = mapped_column(JSON, default=dict)
    asks: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    updated_by = relationship("User", lazy="joined")
