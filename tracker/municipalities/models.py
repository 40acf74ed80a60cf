"""A municipality's borging: statements about what it has in place, kept as a history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import utcnow
from tracker.extensions import db
from tracker.plan.models import Municipality


class BorgingEntry(db.Model):
    """One statement about one borging item of one municipality ("interne meldroute: ja,
    sinds 1 maart 2025"), never changed after it is written: the newest per item is the
    current state, the older ones its history."""

    __tablename__ = "borging_entry"
    __table_args__ = (Index("ix_borging_entry_municipality_item", "municipality_id", "item", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    #: One of ``tracker.municipalities.borging.ITEMS`` (``meldroute``).
    item: Mapped[str] = mapped_column(String(40))
    #: ``ja``, ``nee`` or ``onbekend``; a date item (the yearly visit) keeps ``ja``.
    state: Mapped[str] = mapped_column(String(10))
    #: Since when, adopted on, or (the yearly visit) the day it took place.
    on_date: Mapped[date | None]
    link: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    municipality: Mapped[Municipality] = relationship()
    author = relationship("User", lazy="joined")
