"""The actions every municipality carries out, in the report: the municipalities x actions
matrix (their rows and roll-ups come from ``tracker.municipalities.rollup``)."""

from __future__ import annotations

from tracker.plan.models import STATUS_LABELS, Action, Municipality, Status
from tracker.text import short


def matrix(
    actions: list[Action], cells: list, municipalities: list[Municipality], rollups, year
) -> dict | None:
    """Municipalities x every-municipality actions, each cell its status, note and version."""
    shared = [a for a in actions if a.is_per_municipality]
    if not shared:
        return None
    stored = {(c.action_id, c.municipality_id): c for c in cells if c.year == year}

    def cell(action, municipality):
        found = stored.get((action.id, municipality.id))
        status = found.status if found else Status.NOT_STARTED.value
        return {
            "status": status,
            "status_label": STATUS_LABELS[Status(status)],
            "note": found.note if found else "",
            "version": found.version if found else 0,
        }

    return {
        "year": year,
        "actions": [
            {"code": a.code, "short_text": short(a.text), "rollup": rollups[a.id].text}
            for a in shared
        ],
        "rows": [
            {"code": m.code, "name": m.name, "cells": [cell(a, m) for a in shared]}
            for m in municipalities
        ],
    }
