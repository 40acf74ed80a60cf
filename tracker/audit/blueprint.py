"""Every URL of ``tracker.audit``: its blueprint and the view behind each route."""

from __future__ import annotations

from flask import Blueprint

from tracker.audit import views

bp = Blueprint("audit", __name__, url_prefix="/beheer/audit")

bp.get("")(views.index)
