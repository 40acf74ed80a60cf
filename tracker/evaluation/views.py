"""The evaluation round's pages: the round (open it, its progress per action and owner),
one action's evaluation, the report for the RVO, and the next plan drafted from it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.access import admin_required
from tracker.conflicts import Duplicate, StaleEdit, created_once
from tracker.dates import local_today, utcnow
from tracker.evaluation import drafting, facts, report, rounds
from tracker.evaluation.forms import DraftPlanForm, EvaluationForm, RoundForm
from tracker.evaluation.models import EvaluationRound
from tracker.evaluation.services import EvaluationText, save_evaluation
from tracker.extensions import db
from tracker.meetings.attendance import region_municipalities
from tracker.params import parse_int
from tracker.plan import copying, queries
from tracker.plan.models import Plan, Status
from tracker.plan.views import plan_or_404, require_plan
from tracker.reports.pdf import render_pdf
from tracker.web import DOCX, download

STALE_MESSAGE = (
    "Iemand anders heeft deze evaluatie opgeslagen nadat u de pagina opende. Uw tekst is niet "
    "opgeslagen en staat nog in het formulier; lees de nieuwe stand en sla daarna opnieuw op "
    "om de uwe te bewaren."
)


def start():
    """``/evaluatie``: the current plan's round, or else the most recent plan that has one
    (after the next plan is adopted, its predecessor's evaluation stays a click away)."""
    plan = require_plan()
    previous = plan.predecessor
    if rounds.round_of(plan) is None and previous and rounds.round_of(previous) is not None:
        plan = previous
    return redirect(url_for("evaluation.index", slug=plan.slug))


def _round_page(plan: Plan, round_form=None, draft_form=None, status: int = 200):
    evaluation_round = rounds.round_of(plan)
    actions = queries.plan_actions(plan)
    evaluations = rounds.evaluations_by_action(evaluation_round) if evaluation_round else {}
    successor = drafting.successor_of(plan)
    if round_form is None:
        round_form = RoundForm(formdata=None, obj=evaluation_round)
    if draft_form is None and current_user.is_admin and successor is None:
        draft_form = DraftPlanForm(formdata=None)
        draft_form.propose_after(plan)
    return render_template(
        "evaluation/index.html",
        plan=plan,
        evaluation_round=evaluation_round,
        actions=actions,
        evaluations=evaluations,
        owners=rounds.progress_per_owner(actions, evaluations),
        round_form=round_form,
        draft_form=draft_form,
        successor=successor,
        destinations=(drafting.destinations(actions, evaluations, successor) if successor else []),
        carries_over=drafting.carries_over,
        reminder_days=rounds.REMINDER_DAYS,
        today=local_today(),
    ), status


def index(slug: str):
    return _round_page(plan_or_404(slug))


@admin_required
def open_round(slug: str):
    """Open the round (its e-mails go out) or move its deadline."""
    plan = plan_or_404(slug)
    form = RoundForm()
    if not form.validate_on_submit():
        return _round_page(plan, round_form=form, status=400)
    evaluation_round = rounds.round_of(plan)
    try:
        if evaluation_round is None:
            with created_once():
                rounds.open_round(plan, form.deadline.data, current_user, utcnow(), local_today())
        else:
            rounds.change_deadline(
                evaluation_round, form.deadline.data, current_user, utcnow(), local_today()
            )
    except rounds.RoundProblem as problem:
        form.deadline.errors.append(str(problem))
        return _round_page(plan, round_form=form, status=400)
    except Duplicate:
        flash("De evaluatie was zojuist al geopend (een tweede klik of een collega).", "info")
        return redirect(url_for("evaluation.index", slug=plan.slug))
    db.session.commit()
    if evaluation_round is None:
        flash(
            "De evaluatie is geopend. Elke eigenaar krijgt een e-mail met zijn acties (op "
            "werkdagen tussen 8 en 18 uur).",
            "info",
        )
    else:
        flash(
            "De termijn is verzet. Wie nog acties te evalueren heeft, krijgt "
            f"{rounds.REMINDER_DAYS} dagen ervoor een herinnering met de nieuwe termijn.",
            "info",
        )
    return redirect(url_for("evaluation.index", slug=plan.slug))


def _round_or_404(plan: Plan) -> EvaluationRound:
    evaluation_round = rounds.round_of(plan)
    if evaluation_round is None:
        abort(404)
    return evaluation_round


def _evidence_choices(known: facts.Facts) -> list[tuple[str, str]]:
    return [(e.key, e.label) for e in known.evidence]


def evaluate(slug: str, code: str):
    """One action's evaluation: what the tracker knows beside the questions; its owners and
    the beheerder write it, everyone else reads it."""
    plan = plan_or_404(slug)
    evaluation_round = _round_or_404(plan)
    action = queries.get_action(plan, code)
    if action is None:
        abort(404)
    existing = rounds.evaluations_by_action(evaluation_round).get(action.id)
    today = local_today()
    known = facts.facts_for(action, plan, today, len(region_municipalities()))
    may_write = rounds.may_evaluate(current_user, action)
    form = None
    if may_write:
        form = EvaluationForm(formdata=None if request.method == "GET" else request.form)
        form.evidence.choices = _evidence_choices(known)
        if request.method == "GET":
            _fill(form, existing, action)
    elif request.method == "POST":
        abort(403)
    context = {
        "plan": plan,
        "evaluation_round": evaluation_round,
        "action": action,
        "evaluation": existing,
        "facts": known,
        "chosen": _chosen(existing, known),
        "form": form,
        "kinds": facts.KINDS,
        "today": today,
    }
    if request.method == "GET" or not form.validate():
        status = 400 if request.method == "POST" else 200
        return render_template("evaluation/evaluate.html", **context), status
    try:
        save_evaluation(
            evaluation_round,
            action,
            existing,
            EvaluationText(
                result=form.result.data,
                delivered=form.delivered.data or "",
                effect=form.effect.data or "",
                helped=form.helped.data or "",
                hindered=form.hindered.data or "",
                advice=form.advice.data,
                advice_reason=form.advice_reason.data or "",
                new_text=form.new_text.data or "",
                evidence=form.evidence.data or [],
            ),
            parse_int(form.version.data),
            current_user,
            utcnow(),
        )
    except StaleEdit:
        db.session.expire_all()
        existing = rounds.evaluations_by_action(evaluation_round).get(action.id)
        form.version.data = str(existing.version if existing else 0)
        context |= {"evaluation": existing, "chosen": _chosen(existing, known)}
        return render_template(
            "evaluation/evaluate.html", stale_message=STALE_MESSAGE, **context
        ), 409
    db.session.commit()
    flash(f"Evaluatie van actie {action.code} opgeslagen.", "info")
    if request.form.get("next") == "mijn-acties":
        return redirect(url_for("dashboard.my_actions") + "#evaluatie")
    return redirect(url_for("evaluation.evaluate", slug=plan.slug, code=action.code))


def _chosen(existing, known: facts.Facts) -> list:
    if existing is None:
        return []
    keys = [f"{e.kind}:{e.ref_id}" for e in existing.evidence]
    by_key = {e.key: e for e in known.evidence}
    return [by_key[k] for k in keys if k in by_key]


def _fill(form: EvaluationForm, existing, action) -> None:
    if existing is None:
        form.version.data = "0"
        form.result.data = facts.SUGGESTED_RESULT[action.status].value
        form.result.description = (
            f"Voorgesteld uit de status van de actie ({Status(action.status).label.lower()}); "
            "kies wat de actie werkelijk bereikte."
        )
        return
    form.version.data = str(existing.version)
    for name in (
        "result",
        "delivered",
        "effect",
        "helped",
        "hindered",
        "advice",
        "advice_reason",
        "new_text",
    ):
        getattr(form, name).data = getattr(existing, name)
    form.evidence.data = [f"{e.kind}:{e.ref_id}" for e in existing.evidence]


def _report_data(plan: Plan) -> dict:
    evaluation_round = _round_or_404(plan)
    actions = queries.plan_actions(plan)
    return report.build(
        plan,
        evaluation_round,
        actions,
        rounds.evaluations_by_action(evaluation_round),
        local_today(),
        current_user.name,
        utcnow(),
    )


def _file_stem(plan: Plan) -> str:
    return f"evaluatie-{plan.slug}"


def report_pdf(slug: str):
    plan = plan_or_404(slug)
    html = render_template("evaluation/report_pdf.html", report=_report_data(plan))
    return download(render_pdf(html), "application/pdf", f"{_file_stem(plan)}.pdf")


def report_docx(slug: str):
    from tracker.evaluation.document import to_docx

    plan = plan_or_404(slug)
    return download(to_docx(_report_data(plan)), DOCX, f"{_file_stem(plan)}.docx")


@admin_required
def draft_plan(slug: str):
    """ "Nieuw plan 2027-…": a draft from the evaluation's advice."""
    plan = plan_or_404(slug)
    evaluation_round = _round_or_404(plan)
    form = DraftPlanForm()
    if not form.validate_on_submit():
        return _round_page(plan, draft_form=form, status=400)
    actions = queries.plan_actions(plan)
    try:
        with created_once():
            draft = drafting.draft_next_plan(
                plan,
                actions,
                rounds.evaluations_by_action(evaluation_round),
                slug=form.slug.data,
                title=form.title.data,
                start_year=form.start_year.data,
                end_year=form.end_year.data,
                author=current_user,
                now=utcnow(),
            )
    except copying.PlanProblem as exc:
        for name, message in exc.problems.items():
            getattr(form, name).errors.append(message)
        return _round_page(plan, draft_form=form, status=400)
    except Duplicate:
        form.slug.errors.append(
            f"Er is zojuist al een plan met de korte naam '{form.slug.data}' gemaakt."
        )
        return _round_page(plan, draft_form=form, status=409)
    db.session.commit()
    flash(
        f"Concept {draft.title} {draft.period} gemaakt uit de evaluatie. Voeg nieuwe acties toe, "
        "herzie wat nog moet en stel het plan vast met het besluit van het RVO.",
        "info",
    )
    return redirect(url_for("evaluation.index", slug=plan.slug) + "#volgend-plan")
