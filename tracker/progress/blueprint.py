"""Every URL of ``tracker.progress``: its blueprint and the view behind each route."""

from __future__ import annotations

from flask import Blueprint

from tracker.progress import bulk, owners, revising, views

bp = Blueprint("progress", __name__)

bp.get("/acties/<code>")(views.action)
bp.post("/acties/<code>/voortgang")(views.add_update)
bp.get("/acties/<code>/gemeenten")(views.municipality_grid)
bp.route("/acties/<code>/gemeenten/<municipality_code>/<int:year>", methods=["GET", "POST"])(
    views.municipality_cell
)
bp.route("/acties/<code>/jaren/<int:year>", methods=["GET", "POST"])(views.commitment)
bp.route("/acties/<code>/herzien", methods=["GET", "POST"])(revising.revise)
bp.post("/acties/<code>/vervallen")(revising.drop)
bp.route("/acties/nieuw", methods=["GET", "POST"])(revising.new_action)

bp.route("/voortgang", methods=["GET", "POST"])(bulk.bulk_update)

bp.get("/beheer/eigenaren")(owners.owners)
bp.post("/beheer/eigenaren/<int:owner_id>/koppelen")(owners.link_owner)
bp.post("/beheer/koppelingen/<int:link_id>/verwijderen")(owners.unlink_owner)
bp.route("/beheer/partijen", methods=["GET", "POST"])(owners.party_contacts)
