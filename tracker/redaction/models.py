"""What the privacy guard keeps: redactions (who, when, why; never the content) and the
results of the nightly scan."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import utcnow
from tracker.extensions import db


class Redaction(db.Model):
    """A stored text that was taken out ("afgeschermd"). The original is erased, not kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Which kind of text (a key of ``redaction.TARGETS``) and the row it belongs to.
    target: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int]
    redacted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    redacted_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    #: Copies erased besides the text itself (snapshots, audit events, e-mails).
    copies_erased: Mapped[int] = mapped_column(default=0)

    redacted_by = relationship("User", lazy="joined")


class PrivacyScan(db.Model):
    """One run of the scan over every stored text: the overview shows the latest."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(default=utcnow)
    texts_checked: Mapped[int] = mapped_column(default=0)
    hard_count: Mapped[int] = mapped_column(default=0)
    soft_count: Mapped[int] = mapped_column(default=0)
