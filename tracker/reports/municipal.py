"""The actions every municipality carries out, in the report: their stored rows per
municipality and year, each action's roll-up, and the municipalities x actions matrix."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tracker.extensions import db
from tracker.plan.models import STATUS_LABELS, Action, Municipality, Status
from tracker.progress.models import MunicipalityProgress
from tracker.reports import standing
from tracker.text import short


def stored_cells(actions: list[Action], years: set[int]) -> list[MunicipalityProgress]:
    ids = [a.id for a in actions if a.is_per_municipality]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(MunicipalityProgress).where(
                MunicipalityProgress.action_id.in_(ids), MunicipalityProgress.year.in_(years)
            )
        )
    )


def rollups(
    actions: list[Action], cells: list, municipalities: int, year: int, until: datetime | None
) -> dict[int, standing.Rollup]:
    """Per every-municipality action, its roll-up for ``year``: the rows as stored now, or
    for an earlier moment (``until``) the rows stored before it. A row keeps no history, so
    one changed since then counts as not yet stored."""
    statuses: dict[int, list[str]] = {a.id: [] for a in actions if a.is_per_municipality}
    for cell in cells:
        if cell.year == year and (until is None or cell.updated_at < until):
            statuses[cell.action_id].append(cell.status)
    return {
        action_id: standing.rollup(found, municipalities, year)
        for action_id, found in statuses.items()
    }


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
