"""Writing an action's evaluation and a knelpunt. The caller commits; a save based on an
older version raises ``StaleEdit`` and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tracker.audit.services import record
from tracker.conflicts import StaleEdit, check_version, saving
from tracker.evaluation.models import (
    ActionEvaluation,
    EvaluationEvidence,
    EvaluationRound,
    Knelpunt,
)
from tracker.extensions import db
from tracker.plan.models import Action, Party, Plan


@dataclass(frozen=True)
class EvaluationText:
    result: str
    delivered: str
    effect: str
    helped: str
    hindered: str
    advice: str
    advice_reason: str
    new_text: str
    #: ``kind:id`` keys of the picked evidence.
    evidence: list[str]


def save_evaluation(
    evaluation_round: EvaluationRound,
    action: Action,
    existing: ActionEvaluation | None,
    text: EvaluationText,
    version: int,
    author,
    now: datetime,
) -> ActionEvaluation:
    """Write the evaluation (the first one, or over ``existing`` at ``version``; version 0
    means none was shown, so an evaluation saved meanwhile by someone else is a stale save)."""
    with saving():
        if existing is None:
            if version != 0:
                raise StaleEdit
            evaluation = ActionEvaluation(round=evaluation_round, action=action)
            db.session.add(evaluation)
        else:
            check_version(existing, version)
            evaluation = existing
        evaluation.result = text.result
        evaluation.delivered = text.delivered.strip()
        evaluation.effect = text.effect.strip()
        evaluation.helped = text.helped.strip()
        evaluation.hindered = text.hindered.strip()
        evaluation.advice = text.advice
        evaluation.advice_reason = text.advice_reason.strip()
        evaluation.new_text = text.new_text.strip()
        evaluation.author_id = author.id
        evaluation.updated_at = now
        evaluation.evidence = [
            EvaluationEvidence(kind=kind, ref_id=int(ref))
            for kind, ref in (key.split(":", 1) for key in dict.fromkeys(text.evidence))
        ]
    record(
        "evaluation.save",
        author,
        f"actie {action.code}",
        f"Evaluatie: {evaluation.result_label}, advies {evaluation.advice_label.lower()}",
    )
    return evaluation


@dataclass(frozen=True)
class KnelpuntText:
    what: str
    since: date
    actions: list[Action]
    solver_party: Party | None
    solver_text: str
    status: str
    resolution: str
    for_table: bool


def save_knelpunt(
    plan: Plan,
    knelpunt: Knelpunt | None,
    text: KnelpuntText,
    version: int,
    author,
    now: datetime,
    *,
    source_update_id: int | None = None,
    source_evaluation_id: int | None = None,
) -> Knelpunt:
    """Register a knelpunt (``knelpunt`` None) or change one at ``version``."""
    with saving():
        if knelpunt is None:
            knelpunt = Knelpunt(
                plan_id=plan.id,
                created_by_id=author.id,
                created_at=now,
                source_update_id=source_update_id,
                source_evaluation_id=source_evaluation_id,
            )
            db.session.add(knelpunt)
        else:
            check_version(knelpunt, version)
        knelpunt.what = text.what.strip()
        knelpunt.since = text.since
        knelpunt.actions = text.actions
        knelpunt.solver_party = text.solver_party
        knelpunt.solver_text = text.solver_text.strip()
        knelpunt.status = text.status
        knelpunt.resolution = text.resolution.strip()
        knelpunt.for_table = text.for_table
        knelpunt.updated_at = now
    record(
        "evaluation.knelpunt",
        author,
        f"knelpunt {knelpunt.id}",
        f"{knelpunt.status_enum.label}: {knelpunt.what[:150]}",
    )
    return knelpunt
