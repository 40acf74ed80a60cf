"""The evaluation report for the RVO as plain data (the PDF and the Word document render
it): per theme the results and advice, the figures over the period (every year the monitors
give, with their caveats), the knelpunten, the municipal borging at the end of the period,
the decisions that changed the plan, and the advice for the next plan."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import bindparam, select
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


def _year_text(value: dict) -> str:
    text = f"{value['year']}: {figures.number_text(value['value'], value['value_high'])}"
    if not value["comparable"]:
        return f"{text} (niet vergelijkbaar)"
    return text if value["change"] is None else f"{text} ({value['change']:+d})"


def _figure_over_period(figure: dict) -> dict:
    """One figure as a row: every year with its change on the year before (or that the
    monitor calls them not comparable), the monitors' caveats and where it comes from."""
    values = figure["values"]
    monitors = ", ".join(sorted({v["monitor"] for v in values}))
    return {
        "name": f"{figure['name']} ({values[-1]['area'] if values else figure['area']})",
        "years": [_year_text(v) for v in values] or ["–"],
        "caveats": " ".join(f"{v['year']}: {v['caveat']}" for v in values if v["caveat"]),
        "source": f"{figure['source']}; {monitors}" if monitors else figure["source"],
    }


def _figures_over_period(plan: Plan, theme_titles: dict[int, str]) -> dict:
    """What the figures did over the plan's period: the estimate first, then every count per
    theme (the progress report's chapter, with every year instead of the last two)."""
    chapter = figures.report_chapter(figures.all_indicators(), plan.id, theme_titles)
    groups = []
    if chapter["estimate"]:
        groups.append({"title": "Geschat", "rows": [_figure_over_period(chapter["estimate"])]})
    groups += [
        {
            "title": f"Bij thema {theme['number']}: {theme['title']}",
            "rows": [_figure_over_period(f) for f in theme["figures"]],
        }
        for theme in chapter["themes"]
    ]
    return {"monitors": chapter["monitors"], "groups": groups}


def _result_counts(counted: Counter, not_evaluated: int) -> list[dict]:
    """A row of the results table: per result how many actions, then how many are not
    evaluated (without that column a theme's row did not add up to its actions)."""
    return [{"label": RESULT_LABELS[r], "count": counted[r.value]} for r in Result] + [
        {"label": "Niet geëvalueerd", "count": not_evaluated}
    ]


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
    return list(db.session.scalars(_BLOCKING, {"action_id": action.id}))


#: Built once per process (the action page reads it; ``plan.queries`` says why).
_BLOCKING = (
    select(Knelpunt)
    .join(knelpunt_action, knelpunt_action.c.knelpunt_id == Knelpunt.id)
    .where(knelpunt_action.c.action_id == bindparam("action_id"))
    .order_by(Knelpunt.status == "opgelost", Knelpunt.since, Knelpunt.id)
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
                "results": _result_counts(counted, sum(1 for r in rows if not r["evaluated"])),
            }
        )
    titles = {t.number: t.title for t in plan.themes}
    report = {
        "plan": {
            "title": plan.title,
            "subtitle": plan.subtitle,
            "period": plan.period,
            "region": plan.region,
            "start_year": plan.start_year,
        },
        "reference_date": today.isoformat(),
        "deadline": evaluation_round.deadline.isoformat(),
        "made_at": now.isoformat(),
        "made_by": made_by,
        "total": len(actions),
        "evaluated": sum(1 for a in actions if a.id in evaluations),
        "results": _result_counts(results, len(actions) - sum(results.values())),
        "themes": themes,
        "advice": [
            {"key": a.value, "label": ADVICE_LABELS[a], "items": advice[a.value]} for a in Advice
        ],
        "figures": _figures_over_period(plan, titles),
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
