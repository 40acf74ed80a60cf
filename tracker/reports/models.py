"""Report snapshots: a report as it was handed to the RVO, frozen."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import utcnow
from tracker.extensions import db


class ReportSnapshot(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
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
