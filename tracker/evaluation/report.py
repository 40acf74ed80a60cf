"""The evaluation report for the RVO as plain data (the PDF and the Word document render
it): per theme the results and advice, the figures over the period with the monitors'
caveats, the knelpunten, the municipal borging at the end of the period, the decisions that
changed the plan, and the advice for the next plan."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.evaluation import facts as evaluation_facts
from tracker.evaluation.models import (
    ADVICE_LABELS,
    RESULT_LABELS,
    Advice,
    EvaluationRound,
    Knelpunt,
    Result,
    knelpunt_action,
)
from tracker.extensions import db
from tracker.figures import services as figures
from tracker.municipalities import matrix
from tracker.plan.models import Action, Plan
from tracker.privacy.guard import mask_free_text
from tracker.progress.revisions import plan_decisions


def knelpunten_of(plan: Plan) -> list[Knelpunt]:
    return list(
        db.session.scalars(
            select(Knelpunt)
            .where(Knelpunt.plan_id == plan.id)
            .options(selectinload(Knelpunt.actions).joinedload(Action.theme))
            .order_by(Knelpunt.status == "opgelost", Knelpunt.since, Knelpunt.id)
        )
    )


def blocking(action: Action) -> list[Knelpunt]:
    """The knelpunten that name ``action``, open ones first (the action's page)."""
    return list(
        db.session.scalars(
            select(Knelpunt)
            .join(knelpunt_action, knelpunt_action.c.knelpunt_id == Knelpunt.id)
            .where(knelpunt_action.c.action_id == action.id)
            .order_by(Knelpunt.status == "opgelost", Knelpunt.since, Knelpunt.id)
        )
    )


def build(
    plan: Plan,
    evaluation_round: EvaluationRound,
    actions: list[Action],
    evaluations: dict,
    today: date,
    made_by: str,
    now: datetime,
) -> dict:
    labels = evaluation_facts.evidence_labels(
        [piece for evaluation in evaluations.values() for piece in evaluation.evidence]
    )
    themes = []
    results: Counter = Counter()
    advice: dict[str, list[dict]] = {a.value: [] for a in Advice}
    for theme in plan.themes:
        rows = []
        for action in (a for a in actions if a.theme_id == theme.id):
            evaluation = evaluations.get(action.id)
            row = {
                "code": action.code,
                "text": action.text,
                "owners": ", ".join(o.display_name for o in action.owners),
                "status_label": action.status_enum.label,
                "evaluated": evaluation is not None,
            }
            if evaluation is not None:
                row |= {
                    "result": evaluation.result,
                    "result_label": evaluation.result_label,
                    "delivered": evaluation.delivered,
                    "effect": evaluation.effect,
                    "helped": evaluation.helped,
                    "hindered": evaluation.hindered,
                    "advice": evaluation.advice,
                    "advice_label": evaluation.advice_label,
                    "advice_reason": evaluation.advice_reason,
                    "new_text": evaluation.new_text,
                    "evidence": [
                        labels[key]
                        for key in (f"{e.kind}:{e.ref_id}" for e in evaluation.evidence)
                        if key in labels
                    ],
                }
                results[evaluation.result] += 1
                advice[evaluation.advice].append(
                    {
                        "code": action.code,
                        "text": action.text,
                        "reason": evaluation.advice_reason,
                        "new_text": evaluation.new_text,
                    }
                )
            rows.append(row)
        counted = Counter(r["result"] for r in rows if r["evaluated"])
        themes.append(
            {
                "number": theme.number,
                "title": theme.title,
                "rows": rows,
                "results": [{"label": RESULT_LABELS[r], "count": counted[r.value]} for r in Result],
            }
        )
    titles = {t.number: t.title for t in plan.themes}
    report = {
        "plan": {"title": plan.title, "period": plan.period, "region": plan.region},
        "reference_date": today.isoformat(),
        "deadline": evaluation_round.deadline.isoformat(),
        "made_at": now.isoformat(),
        "made_by": made_by,
        "total": len(actions),
        "evaluated": sum(1 for a in actions if a.id in evaluations),
        "results": [{"label": RESULT_LABELS[r], "count": results[r.value]} for r in Result],
        "themes": themes,
        "advice": [
            {"key": a.value, "label": ADVICE_LABELS[a], "items": advice[a.value]} for a in Advice
        ],
        "figure_chapter": figures.report_chapter(figures.all_indicators(), titles),
        "knelpunten": [
            {
                "what": k.what,
                "since": k.since.isoformat(),
                "codes": [a.code for a in k.actions],
                "solver": k.solver,
                "status_label": k.status_enum.label,
                "note": k.resolution,
            }
            for k in knelpunten_of(plan)
        ],
        "borging": matrix.build(plan, min(today.year, plan.end_year)).borging_report(),
        "decisions": plan_decisions(plan),
    }
    masked, _ = mask_free_text(report)
    return masked
