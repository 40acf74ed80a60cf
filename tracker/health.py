"""``/healthz`` for container health checks and monitoring: is the database reachable, and
how long ago did the scheduler last tick (it writes a heartbeat row every tick)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, jsonify, request
from sqlalchemy import String, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from tracker.dates import utcnow
from tracker.extensions import db
from tracker.params import parse_int

bp = Blueprint("health", __name__)


class Heartbeat(db.Model):
    """The last moment a background process was alive (one row per process kind)."""

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[datetime]


def beat(name: str, now: datetime) -> None:
    """Record that ``name`` is alive. The caller commits."""
    row = db.session.get(Heartbeat, name)
    if row is None:
        db.session.add(Heartbeat(name=name, at=now))
    else:
        row.at = now


@bp.get("/healthz")
def healthz():
    """200 when the database answers; 503 when it does not, or when ``max_tick_age`` (seconds)
    is given and the scheduler's last tick is older (the scheduler container's check)."""
    try:
        db.session.execute(text("SELECT 1"))
        ticked_at = db.session.scalar(select(Heartbeat.at).where(Heartbeat.name == "scheduler"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify({"database": "unreachable"}), 503
    age = None if ticked_at is None else int((utcnow() - ticked_at).total_seconds())
    body = {"database": "ok", "scheduler_last_tick_seconds_ago": age}
    limit = parse_int(request.args.get("max_tick_age"))
    healthy = limit is None or (age is not None and age <= limit)
    return jsonify(body), (200 if healthy else 503)
