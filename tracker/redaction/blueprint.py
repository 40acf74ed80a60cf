"""Every URL of ``tracker.redaction``: its blueprint and the view behind each route."""

from __future__ import annotations

from flask import Blueprint

from tracker.redaction import views

bp = Blueprint("redaction", __name__, url_prefix="/beheer")

bp.get("/privacy")(views.index)
bp.post("/privacy/bevestigingen/<int:confirmation_id>/gezien")(views.review_confirmation)
bp.route("/afschermen/<key>/<int:row_id>", methods=["GET", "POST"])(views.redact)
