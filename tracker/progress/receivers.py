"""The plan's history listens to the meetings: a revision (and a plan's adoption) names the
decision that made it, so a deleted decision leaves the revision standing without it.
(PostgreSQL's ON DELETE SET NULL does the same; SQLite does not enforce foreign keys.)
And to the plan: an adopted plan's carried actions stand as their predecessors stand that
day. ``create_app`` connects this once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from tracker.extensions import db
from tracker.meetings import signals as meetings
from tracker.meetings.models import MeetingOutcome
from tracker.plan import signals as plan_signals
from tracker.plan.models import Action, Plan
from tracker.progress.models import ActionRevision, ProgressUpdate


def _decision_deleted(outcome: MeetingOutcome, now: datetime, deleted: bool = False) -> None:
    if not deleted:
        return
    for model in (ActionRevision, Plan):
        db.session.execute(
            update(model).where(model.decision_id == outcome.id).values(decision_id=None)
        )


def _carry_standing(plan: Plan, successors: dict[int, int]) -> list[str]:
    """A draft copies its actions' status when it is made; the old plan is reported on until
    the new one is adopted. On adoption a carried action takes its predecessor's status,
    signal and time of the last update, so the weeks' updates in between are not lost; one
    that has an update of its own in the draft (dropped there) keeps its own."""
    if not successors:
        return []
    own_word = set(
        db.session.scalars(
            select(ProgressUpdate.action_id).where(
                ProgressUpdate.action_id.in_(successors.values())
            )
        )
    )
    actions = {
        a.id: a
        for a in db.session.scalars(
            select(Action).where(Action.id.in_([*successors, *successors.values()]))
        )
    }
    for old_id, new_id in successors.items():
        if new_id not in own_word:
            old, new = actions[old_id], actions[new_id]
            new.status, new.signal, new.last_update_at = old.status, old.signal, old.last_update_at
    return []


def connect_receivers() -> None:
    meetings.outcome_changed.connect(_decision_deleted)
    plan_signals.plan_published.connect(_carry_standing)
