"""The actions every municipality carries out, rolled up per action: the municipalities'
stored rows of a year give the regional status ("6 van 23 gemeenten afgerond in 2026"), the
rule the report prints under its first page (``ROLLUP_RULE``). The action page, the
municipalities' matrix and the report all count here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from tracker.extensions import db
from tracker.plan.models import Action, Status
from tracker.progress.models import MunicipalityProgress

#: How far an action has come; "vervallen" stands apart (it is a decision, not progress).
_PROGRESS = {Status.NOT_STARTED.value: 0, Status.IN_PROGRESS.value: 1, Status.DONE.value: 2}

ROLLUP_RULE = (
    "Acties die iedere gemeente uitvoert tellen met de stand van de gemeenten in het jaar van "
    "de peildatum: is één gemeente begonnen, dan is de actie regionaal Lopend; zijn alle "
    "gemeenten klaar, dan Afgerond. Staat de regionale status al verder, of is de actie "
    "Vervallen, dan telt die. De stand per gemeente is die van nu; in de vergelijking telt een "
    "gemeente mee vanaf het moment dat haar stand is opgeslagen."
)


@dataclass(frozen=True)
class Rollup:
    """The municipalities' statuses of one every-municipality action in one year."""

    year: int
    municipalities: int
    counts: dict[str, int]

    @property
    def status(self) -> str:
        done, running = self.counts.get("afgerond", 0), self.counts.get("lopend", 0)
        taking_part = self.municipalities - self.counts.get("vervallen", 0)
        if taking_part and done == taking_part:
            return Status.DONE.value
        if done or running:
            return Status.IN_PROGRESS.value
        return Status.NOT_STARTED.value

    @property
    def text(self) -> str:
        done, running = self.counts.get("afgerond", 0), self.counts.get("lopend", 0)
        text = f"{done} van {self.municipalities} gemeenten afgerond in {self.year}"
        return text + (f", {running} lopend" if running else "")

    def as_data(self) -> dict:
        return {"year": self.year, "municipalities": self.municipalities, "text": self.text}


def rollup(statuses: list[str], municipalities: int, year: int) -> Rollup:
    """``statuses``: the stored rows of one action and year; municipalities without a row
    count as not started."""
    counts = Counter(statuses)
    counts["niet_gestart"] += municipalities - len(statuses)
    return Rollup(year, municipalities, {s.value: counts[s.value] for s in Status})


def regional_status(recorded: str, summary: Rollup | None) -> str:
    """The status the report counts for an action; see ``ROLLUP_RULE``."""
    if summary is None or recorded == Status.DROPPED.value:
        return recorded
    return max(recorded, summary.status, key=lambda s: _PROGRESS[s])


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
) -> dict[int, Rollup]:
    """Per every-municipality action, its roll-up for ``year``: the rows as stored now, or
    for an earlier moment (``until``) the rows stored before it. A row keeps no history, so
    one changed since then counts as not yet stored."""
    statuses: dict[int, list[str]] = {a.id: [] for a in actions if a.is_per_municipality}
    for cell in cells:
        if cell.year == year and (until is None or cell.updated_at < until):
            statuses[cell.action_id].append(cell.status)
    return {action_id: rollup(found, municipalities, year) for action_id, found in statuses.items()}
