"""Every URL of ``tracker.municipalities``: its blueprint and the view behind each route."""

from __future__ import annotations

from flask import Blueprint

from tracker.municipalities import views

bp = Blueprint("municipalities", __name__)

bp.get("/gemeenten")(views.index)
bp.get("/gemeenten/<code>.pdf")(views.municipality_pdf)
bp.route("/gemeenten/<code>", methods=["GET", "POST"])(views.municipality)
