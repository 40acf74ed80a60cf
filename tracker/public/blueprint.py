"""Every URL of ``tracker.public``: its blueprint and the view behind each route."""

from __future__ import annotations

from flask import Blueprint

from tracker.public import views

bp = Blueprint("public", __name__)

bp.get("/openbaar")(views.page)
bp.get("/openbaar.json")(views.data_json)
bp.get("/openbaar.csv")(views.data_csv)
bp.get("/openbaar/gemeenten/<code>")(views.municipality)
bp.route("/beheer/openbaar", methods=["GET", "POST"])(views.settings)
bp.get("/beheer/openbaar/voorbeeld")(views.preview)
bp.post("/acties/<code>/openbaar")(views.propose)
