"""Uploaded workbooks waiting for "Alles opslaan": each preview is a row in the database (so
any web host can apply what another one previewed, and a redaction reaches it), owned by the
person who uploaded it, dropped after a day."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, String, delete
from sqlalchemy.orm import Mapped, mapped_column

from tracker.dates import utcnow
from tracker.extensions import db

PREVIEW_HOURS = 24
_TOKEN = re.compile(r"[A-Za-z0-9_-]{10,40}")


class UploadPreview(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    changes: Mapped[dict | list] = mapped_column(JSON)


def save(user_id: int, changes: list | dict) -> str:
    """Keep ``changes`` for ``user_id`` (previews older than a day go on the way); returns
    the token that names them. The caller commits."""
    db.session.execute(delete(UploadPreview).where(UploadPreview.created_at < _cutoff()))
    token = secrets.token_urlsafe(16)
    db.session.add(UploadPreview(token=token, user_id=user_id, changes=changes))
    return token


def take(token: str, user_id: int) -> list | dict | None:
    """The changes saved under ``token`` by ``user_id``, removed in the same statement (two
    clicks on "Alles opslaan" apply them once); None when there are none (unknown, expired,
    or someone else's)."""
    if not _TOKEN.fullmatch(token):
        return None
    taken = db.session.execute(
        delete(UploadPreview)
        .where(
            UploadPreview.token == token,
            UploadPreview.user_id == user_id,
            UploadPreview.created_at >= _cutoff(),
        )
        .returning(UploadPreview.changes)
    ).first()
    return taken[0] if taken else None


def _cutoff() -> datetime:
    return utcnow() - timedelta(hours=PREVIEW_HOURS)
