"""Every URL of ``tracker.dashboard``: its blueprint and the view behind each route."""

from __future__ import annotations

from flask import Blueprint

from tracker.dashboard import views

bp = Blueprint("dashboard", __name__)

bp.get("/")(views.overview)
bp.get("/mijn-acties")(views.my_actions)
