"""Every URL of ``tracker.plan``: its blueprints and the view behind each route."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.exceptions import HTTPException

from tracker.plan import api, views

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
api_bp.register_error_handler(HTTPException, api.http_error)
bp = Blueprint("plan", __name__)

bp.get("/themas/<int:number>")(views.theme)
bp.get("/acties")(views.actions)
bp.get("/plannen")(views.plans)
bp.route("/plannen/nieuw", methods=["GET", "POST"])(views.new_plan)
bp.route("/plannen/<slug>/wijzigen", methods=["GET", "POST"])(views.edit_draft)
bp.post("/plannen/<slug>/vaststellen")(views.publish_plan)

api_bp.get("/themes")(api.themes)
api_bp.get("/actions")(api.actions)
api_bp.get("/actions/<code>")(api.action)
api_bp.get("/openapi.json")(api.openapi)
