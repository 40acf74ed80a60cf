"""The knelpunten proposed for the Regionale Tafel go on its proposed agenda (the meetings
package asks through ``signals.proposals_asked``). ``create_app`` connects this once."""

from __future__ import annotations

from sqlalchemy import select

from tracker.evaluation.models import Knelpunt, KnelpuntStatus
from tracker.extensions import db
from tracker.meetings import signals
from tracker.meetings.agenda import Proposal
from tracker.meetings.models import Meeting

#: The series whose agenda the knelpunten are proposed for (as the seeds name it).
TABLE_SERIES = "regionale-tafel"
SHORT = 90


def _knelpunten_for_table(meeting: Meeting) -> list[Proposal]:
    series = meeting.series
    if series.code != TABLE_SERIES or series.action is None:
        return []
    found = db.session.scalars(
        select(Knelpunt)
        .where(
            Knelpunt.plan_id == series.action.theme.plan_id,
            Knelpunt.for_table.is_(True),
            Knelpunt.status != KnelpuntStatus.SOLVED.value,
        )
        .order_by(Knelpunt.since, Knelpunt.id)
    )
    proposals = []
    for knelpunt in found:
        what = " ".join(knelpunt.what.split())
        if len(what) > SHORT:
            what = what[: SHORT - 1].rsplit(" ", 1)[0] + "…"
        proposals.append(
            Proposal(f"Knelpunt: {what}", list(knelpunt.actions), knelpunt.solver_party)
        )
    return proposals


def connect_receivers() -> None:
    signals.proposals_asked.connect(_knelpunten_for_table)
