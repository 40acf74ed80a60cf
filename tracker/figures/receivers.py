"""The kerncijfers listen to the plan: a figure is linked to actions, so when the next plan
is adopted the actions it carries on take their predecessors' links (with their reasons),
as the meeting series move along; the archived plan keeps its own. ``create_app`` connects
these once."""

from __future__ import annotations

from sqlalchemy import distinct, func, select

from tracker.extensions import db
from tracker.figures.models import IndicatorAction
from tracker.plan import copying
from tracker.plan import signals as plan_signals
from tracker.plan.models import Plan


def _said(count: int) -> list[str]:
    figures = f"{count} kerncijfer{'s' if count != 1 else ''}"
    return [f"de koppeling van {figures} aan hun acties"] if count else []


def _links_to_copy(plan: Plan) -> list[str]:
    return _said(
        db.session.scalar(
            select(func.count(distinct(IndicatorAction.indicator_id))).where(
                IndicatorAction.action_id.in_(copying.carried_on(plan))
            )
        )
    )


def _copy_links(plan: Plan, successors: dict[int, int]) -> list[str]:
    links = db.session.scalars(
        select(IndicatorAction).where(IndicatorAction.action_id.in_(list(successors)))
    ).all()
    for link in links:
        db.session.add(
            IndicatorAction(
                indicator_id=link.indicator_id,
                action_id=successors[link.action_id],
                reason=link.reason,
            )
        )
    return _said(len({link.indicator_id for link in links}))


def connect_receivers() -> None:
    plan_signals.publishing_asked.connect(_links_to_copy)
    plan_signals.plan_published.connect(_copy_links)
