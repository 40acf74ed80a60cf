"""The audit log for beheerders (``/beheer/audit``)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from tracker.access import admin_required
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.params import parse_int

bp = Blueprint("audit", __name__, url_prefix="/beheer/audit")
PAGE_SIZE = 100


@bp.get("")
@admin_required
def index():
    """Newest first, filterable by kind, 100 per page."""
    kind = request.args.get("soort", "").strip()
    page = parse_int(request.args.get("pagina"), low=1, high=100_000) or 1
    stmt = select(AuditEvent)
    if kind:
        stmt = stmt.where(AuditEvent.kind == kind)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    events = db.session.scalars(
        stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    kinds = db.session.scalars(select(AuditEvent.kind).distinct().order_by(AuditEvent.kind)).all()
    return render_template(
        "audit/index.html",
        events=events,
        kinds=kinds,
        kind=kind,
        page=page,
        has_next=page * PAGE_SIZE < total,
        total=total,
    )
