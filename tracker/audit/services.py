"""Recording audit events: with the change they describe, in the caller's transaction; or,
for an event that is the whole of what happened (a report viewed), on their own."""

from __future__ import annotations

from flask import has_request_context, request

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.side_engine import side_engine


def _values(kind: str, actor, subject: str, summary: str, details: dict) -> dict:
    return {
        "kind": kind,
        "actor_id": getattr(actor, "id", None),
        "subject": subject[:200],
        "summary": summary,
        "details": details or None,
        "address": request.remote_addr if has_request_context() else None,
    }


def record(kind: str, actor=None, subject: str = "", summary: str = "", **details) -> None:
    """Add an audit event to the session; committed together with the audited change."""
    db.session.add(AuditEvent(**_values(kind, actor, subject, summary, details)))


def record_alone(kind: str, actor=None, subject: str = "", summary: str = "", **details) -> None:
    """Write an audit event now, committed on its own (one round trip on the side engine).
    The session is left alone: a commit there would expire what it loaded (the user, for
    one), to be read again."""
    side_engine().insert(AuditEvent.__table__, _values(kind, actor, subject, summary, details))
