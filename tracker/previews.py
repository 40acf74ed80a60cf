"""Uploaded workbooks waiting for "Alles opslaan": each preview is a small JSON file in the
instance folder (0600), owned by the person who uploaded it, dropped after a day."""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app

from tracker.files import private_dir, write_private

PREVIEW_HOURS = 24
_TOKEN = re.compile(r"[A-Za-z0-9_-]{10,40}")


def _folder() -> Path:
    """Where previews wait; those older than a day are dropped on the way."""
    path = private_dir(Path(current_app.instance_path) / "uploads")
    cutoff = time.time() - PREVIEW_HOURS * 3600
    for old in path.glob("*.json"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    return path


def save(user_id: int, changes: list | dict) -> str:
    """Keep ``changes`` for ``user_id``; returns the token that names them."""
    token = secrets.token_urlsafe(16)
    path = _folder() / f"{token}.json"
    write_private(path, json.dumps({"user_id": user_id, "changes": changes}).encode())
    # Stamped with the clock the pruning compares against (not the file system's own).
    stamp = time.time()
    os.utime(path, (stamp, stamp))
    return token


def take(token: str, user_id: int) -> list | dict | None:
    """The changes saved under ``token`` by ``user_id``, removed from the store; None when
    there are none (unknown, expired, or someone else's)."""
    if not _TOKEN.fullmatch(token):
        return None
    path = _folder() / f"{token}.json"
    if not path.exists():
        return None
    payload = json.loads(path.read_text(encoding="utf-8"))
    if payload["user_id"] != user_id:
        return None
    path.unlink()
    return payload["changes"]
