"""Every URL of ``tracker.meetings``: its blueprint and the view behind each route."""

from __future__ import annotations

from flask import Blueprint

from tracker.meetings import agenda_views, api, outcome_views, series_views, views
from tracker.plan.blueprint import api_bp

bp = Blueprint("meetings", __name__)

bp.get("/vergaderingen")(views.index)
bp.get("/vergaderingen/<int:meeting_id>")(views.detail)
bp.route("/vergaderingen/nieuw", methods=["GET", "POST"])(views.create)
bp.route("/vergaderingen/<int:meeting_id>/bewerken", methods=["GET", "POST"])(views.edit)
bp.post("/vergaderingen/<int:meeting_id>/gehouden")(views.held)
bp.post("/vergaderingen/<int:meeting_id>/annuleren")(views.cancel)
bp.get("/vergaderingen/<int:meeting_id>.ics")(views.meeting_ics)
bp.route("/vergaderingen/importeren", methods=["GET", "POST"])(views.import_meetings)
bp.get("/agenda/<token>.ics")(views.personal_feed)
bp.get("/agenda/<token>/<series_code>.ics")(views.series_feed)

bp.get("/vergaderingen/overlegvormen")(series_views.series_index)
bp.route("/vergaderingen/overlegvormen/nieuw", methods=["GET", "POST"])(series_views.series_form)
bp.route("/vergaderingen/overlegvormen/<int:series_id>", methods=["GET", "POST"])(
    series_views.series_form
)

bp.post("/vergaderingen/<int:meeting_id>/agenda")(agenda_views.add_agenda_item)
bp.post("/vergaderingen/<int:meeting_id>/agenda/voorstellen")(agenda_views.propose_agenda)
bp.post("/vergaderingen/<int:meeting_id>/agenda/publiceren")(agenda_views.publish_agenda)
bp.post("/agendapunten/<int:item_id>/<any(omhoog, omlaag):direction>")(
    agenda_views.move_agenda_item
)
bp.post("/agendapunten/<int:item_id>/verwijderen")(agenda_views.agenda_item_delete)
bp.route("/agendapunten/<int:item_id>/wijzigen", methods=["GET", "POST"])(
    agenda_views.edit_agenda_item
)

bp.post("/vergaderingen/<int:meeting_id>/uitkomsten")(outcome_views.add_outcome)
bp.post("/vergaderingen/<int:meeting_id>/aanwezigheid")(outcome_views.save_attendance)
bp.post("/actiepunten/<int:outcome_id>/afgerond")(outcome_views.follow_up_done)
bp.post("/uitkomsten/<int:outcome_id>/verwijderen")(outcome_views.delete_outcome)

api_bp.get("/meetings")(api.meetings)
api_bp.get("/meetings/<int:meeting_id>")(api.meeting)
