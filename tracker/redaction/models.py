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


class PrivacyConfirmation(db.Model):
    """Someone confirmed that the name in a text is no case ("een collega", "de spreker").
    Kept by the text's digest, never its content: the privacy page finds the text among the
    stored ones and shows it beside who confirmed it and as what, for a beheerder to review
    (or redact). Unreviewed after 14 days, it is listed on the beheerders' overview."""

    id: Mapped[int] = mapped_column(primary_key=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: The field's label ("Wat is er gedaan en wat volgt?").
    field: Mapped[str] = mapped_column(String(200))
    #: sha256 of the text as saved (stripped).
    text_digest: Mapped[str] = mapped_column(String(64), index=True)
    #: The answer to "Wie is het?" (a key of ``guard.WHO_CHOICES``).
    who: Mapped[str] = mapped_column(String(20))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]

    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id], lazy="joined")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id], lazy="joined")


class PrivacyScan(db.Model):
    """One run of the scan over every stored text: the overview shows the latest."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(default=utcnow)
    texts_checked: Mapped[int] = mapped_column(default=0)
    hard_count: Mapped[int] = mapped_column(default=0)
    soft_count: Mapped[int] = mapped_column(default=0)
