"""The meetings package listens to the plan: a meeting series hangs on an action, so when a
new plan is published, the series of the actions it carries on move to their copies.
``create_app`` connects these once."""

from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.meetings.models import MeetingSeries
from tracker.plan import copying
from tracker.plan import signals as plan_signals
from tracker.plan.models import Plan


def _series_carried_on(plan: Plan) -> list[MeetingSeries]:
    """The series hanging on an action that ``plan`` carries on."""
    carried = copying.carried_on(plan)
    return list(
        db.session.scalars(select(MeetingSeries).where(MeetingSeries.action_id.in_(carried)))
    )


def _series_names(plan: Plan) -> list[str]:
    return [series.name for series in _series_carried_on(plan)]


def _move_series(plan: Plan, successors: dict[int, int]) -> list[str]:
    moved = _series_carried_on(plan)
    for series in moved:
        series.action_id = successors[series.action_id]
    return [series.name for series in moved]


def connect_receivers() -> None:
    plan_signals.publishing_asked.connect(_series_names)
    plan_signals.plan_published.connect(_move_series)
