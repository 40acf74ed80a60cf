"""Every URL of ``tracker.figures``: its blueprint and the view behind each route."""

from __future__ import annotations

from flask import Blueprint

from tracker.figures import api, views
from tracker.plan.blueprint import api_bp

bp = Blueprint("figures", __name__, url_prefix="/kerncijfers")

bp.get("")(views.index)
bp.route("/nieuw", methods=["GET", "POST"])(views.add_value)
bp.post("/rapportage")(views.choose_for_report)
bp.route("/<code>/doel", methods=["GET", "POST"])(views.set_target)
bp.get("/sjabloon.xlsx")(views.template)
bp.route("/upload", methods=["GET", "POST"])(views.upload)
bp.post("/upload/<token>")(views.apply_upload)

api_bp.get("/indicators")(api.indicators)
