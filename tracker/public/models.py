"""What a plan shows in public: whether its page is open, which kerncijfers and borging
items it shows, and per action the line written for the public."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import utcnow
from tracker.extensions import db
from tracker.plan.models import Action


class Publication(db.Model):
    """A plan's public page: closed until a beheerder opens it; nothing is shown that is not
    chosen here or written for it (``PublicLine``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), unique=True)
    is_open: Mapped[bool] = mapped_column(default=False)
    #: Codes of the kerncijfers shown, with their sources.
    figures: Mapped[list] = mapped_column(JSON, default=list)
    #: Keys of the borging items a municipality's public page shows (``borging.ITEMS``).
    borging_items: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class PublicLine(db.Model):
    """One action's line for the public, written or approved by a beheerder (``text``); an
    owner's proposal waits in ``proposal`` until a beheerder approves it."""

    __tablename__ = "public_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(Text, default="")
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    proposal: Mapped[str] = mapped_column(Text, default="")
    proposed_at: Mapped[datetime | None]
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    action: Mapped[Action] = relationship()
    proposed_by = relationship("User", foreign_keys=[proposed_by_id], lazy="joined")
