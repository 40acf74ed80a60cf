"""Every URL of ``tracker.evaluation``: its blueprint and the view behind each route."""

from __future__ import annotations

from flask import Blueprint

from tracker.evaluation import knelpunten, views

bp = Blueprint("evaluation", __name__)

bp.get("/evaluatie")(views.start)
bp.get("/evaluatie/<slug>")(views.index)
bp.post("/evaluatie/<slug>/ronde")(views.open_round)
bp.route("/evaluatie/<slug>/acties/<code>", methods=["GET", "POST"])(views.evaluate)
bp.get("/evaluatie/<slug>/rapport.pdf")(views.report_pdf)
bp.get("/evaluatie/<slug>/rapport.docx")(views.report_docx)
bp.post("/evaluatie/<slug>/nieuw-plan")(views.draft_plan)
bp.get("/knelpunten")(knelpunten.knelpunten)
bp.route("/knelpunten/nieuw", methods=["GET", "POST"])(knelpunten.new_knelpunt)
bp.route("/knelpunten/<int:knelpunt_id>", methods=["GET", "POST"])(knelpunten.knelpunt)
