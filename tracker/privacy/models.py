"""What the privacy guard keeps of a confirmed name: who confirmed it, as what, and which
text (by its digest, never its content)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import utcnow
from tracker.extensions import db


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
    #: The answer to "Wie of wat is het?" (a key of ``guard.WHO_CHOICES``).
    who: Mapped[str] = mapped_column(String(20))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]

    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id], lazy="joined")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id], lazy="joined")
