"""The next plan from the evaluation: a draft with the actions advised to continue or to be
adjusted (adjusted ones in their proposed wording, a revision saying so), without those
advised to stop or to be handed over; and, per old action, where it went. The caller commits.

An action nobody evaluated is carried over as it is, unless it was dropped (Vervallen)
during the period: nothing disappears from the next plan without someone having said so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from tracker.audit.services import record
from tracker.evaluation.models import ActionEvaluation, Advice
from tracker.extensions import db
from tracker.plan import copying, queries
from tracker.plan.models import Action, Plan, Status
from tracker.progress.models import ActionRevision


def carries_over(action: Action, evaluation: ActionEvaluation | None) -> bool:
    if evaluation is None:
        return action.status != Status.DROPPED.value
    return evaluation.advice_enum.carries_over


def draft_next_plan(
    plan: Plan,
    actions: list[Action],
    evaluations: dict[int, ActionEvaluation],
    *,
    slug: str,
    title: str,
    start_year: int,
    end_year: int,
    author,
    now: datetime,
) -> Plan:
    selection = {}
    for action in actions:
        evaluation = evaluations.get(action.id)
        if not carries_over(action, evaluation):
            continue
        adjusted = evaluation is not None and evaluation.advice == Advice.ADJUST.value
        selection[action.id] = evaluation.new_text if adjusted else action.text
    draft = copying.copy_plan(
        plan,
        slug=slug,
        title=title,
        start_year=start_year,
        end_year=end_year,
        author=author,
        now=now,
        selection=selection,
    )
    by_old = {a.id: a for a in actions}
    for new in queries.plan_actions(draft):
        old = by_old[new.predecessor_id]
        if new.text != old.text:
            evaluation = evaluations[old.id]
            db.session.add(
                ActionRevision(
                    action=new,
                    author_id=author.id,
                    created_at=now,
                    reason=f"Aangepast op advies van de evaluatie van {old.code}: "
                    f"{evaluation.advice_reason}",
                    changes={"text": [old.text, new.text]},
                )
            )
    record(
        "evaluation.draft",
        author,
        f"plan {draft.slug}",
        f"{len(selection)} van {len(actions)} acties overgenomen uit {plan.title} {plan.period}",
    )
    return draft


def successor_of(plan: Plan) -> Plan | None:
    """The plan made from ``plan`` (its draft or its adopted successor), newest first."""
    return db.session.scalar(
        select(Plan).where(Plan.predecessor_id == plan.id).order_by(Plan.id.desc()).limit(1)
    )


@dataclass
class Destination:
    """Where one action of the evaluated plan went in the next."""

    action: Action
    evaluation: ActionEvaluation | None
    successor: Action | None

    @property
    def words(self) -> str:
        if self.successor is not None:
            how = "aangepast" if self.successor.text != self.action.text else "overgenomen"
            return f"{how} als {self.successor.code}"
        if self.evaluation is not None:
            return f"niet overgenomen ({self.evaluation.advice_label.lower()})"
        return "niet overgenomen (vervallen)"


def destinations(actions: list[Action], evaluations: dict, successor: Plan) -> list[Destination]:
    successors = {a.predecessor_id: a for a in queries.plan_actions(successor) if a.predecessor_id}
    return [Destination(a, evaluations.get(a.id), successors.get(a.id)) for a in actions]
