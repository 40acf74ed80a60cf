"""The plan's history listens to the meetings: a revision (and a plan's adoption) names the
decision that made it, so a deleted decision leaves the revision standing without it.
(PostgreSQL's ON DELETE SET NULL does the same; SQLite does not enforce foreign keys.)
``create_app`` connects this once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from tracker.extensions import db
from tracker.meetings import signals as meetings
from tracker.meetings.models import MeetingOutcome
from tracker.plan.models import Plan
from tracker.progress.models import ActionRevision


def _decision_deleted(outcome: MeetingOutcome, now: datetime, deleted: bool = False) -> None:
    if not deleted:
        return
    for model in (ActionRevision, Plan):
        db.session.execute(
            update(model).where(model.decision_id == outcome.id).values(decision_id=None)
        )


def connect_receivers() -> None:
    meetings.outcome_changed.connect(_decision_deleted)
