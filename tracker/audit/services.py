"""Recording audit events. The caller's transaction commits them with the change itself."""

from __future__ import annotations

from flask import has_request_context, request

from tracker.audit.models import AuditEvent
from tracker.extensions import db


def record(kind: str, actor=None, subject: str = "", summary: str = "", **details) -> None:
    """Add an audit event to the session; committed together with the audited change."""
    address = request.remote_addr if has_request_context() else None
    db.session.add(
        AuditEvent(
            kind=kind,
            actor_id=getattr(actor, "id", None),
            subject=subject[:200],
            summary=summary,
            details=details or None,
            address=address,
        )
    )
