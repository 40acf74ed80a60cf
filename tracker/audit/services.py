"""Recording audit events: with the change they describe, in the caller's transaction."""

from __future__ import annotations

from flask import has_request_context, request

from tracker.audit.models import AuditEvent
from tracker.extensions import db


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
