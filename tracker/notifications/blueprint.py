"""Every URL of ``tracker.notifications``: its blueprints and the view behind each route."""

from __future__ import annotations

from flask import Blueprint

from tracker.notifications import by_hand, views
from tracker.notifications.asking import recent_since
from tracker.notifications.requests import update_request_status

update_requests_bp = Blueprint("update_requests", __name__)
bp = Blueprint("notifications", __name__, url_prefix="/beheer/berichten")
bp.add_app_template_global(update_request_status)
bp.add_app_template_global(recent_since)

bp.get("")(views.index)
bp.get("/<int:row_id>")(views.show)
bp.post("/<int:row_id>/opnieuw")(views.retry)

update_requests_bp.route("/vergaderingen/<int:meeting_id>/verzoek", methods=["GET", "POST"])(
    by_hand.send
)
