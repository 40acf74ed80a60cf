"""The audit log for beheerders (``/beheer/audit``)."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import func, or_, select

from tracker.access import admin_required
from tracker.accounts.models import User
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.params import parse_int
from tracker.plan.regions import current_region_id, default_region_id, in_region

PAGE_SIZE = 100


def _in_region():
    """Events of the asker's region: those by its people; events without a person (the
    command line, failed logins of unknown addresses) belong to the installation's first
    region, whose beheerders run it."""
    by_region = AuditEvent.actor_id.in_(select(User.id).where(in_region(User)))
    if current_region_id() == default_region_id(db.session):
        return or_(AuditEvent.actor_id.is_(None), by_region)
    return by_region


@admin_required
def index():
    """Newest first, filterable by kind, 100 per page."""
    kind = request.args.get("soort", "").strip()
    page = parse_int(request.args.get("pagina"), low=1, high=100_000) or 1
    in_own_region = _in_region()
    stmt = select(AuditEvent).where(in_own_region)
    if kind:
        stmt = stmt.where(AuditEvent.kind == kind)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    events = db.session.scalars(
        stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    kinds = db.session.scalars(
        select(AuditEvent.kind).where(in_own_region).distinct().order_by(AuditEvent.kind)
    ).all()
    return render_template(
        "audit/index.html",
        events=events,
        kinds=kinds,
        kind=kind,
        page=page,
        has_next=page * PAGE_SIZE < total,
        total=total,
    )
