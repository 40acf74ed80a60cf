"""The knelpunten register: what blocks actions, since when, who can solve it. Registered
from an update or an evaluation (prefilled from it) or on its own; proposed for the
Regionale Tafel's agenda; part of the evaluation report."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker.accounts.models import Role
from tracker.conflicts import StaleEdit
from tracker.dates import local_day, local_today, utcnow
from tracker.evaluation.forms import KnelpuntForm
from tracker.evaluation.models import ActionEvaluation, Knelpunt, KnelpuntStatus
from tracker.evaluation.report import knelpunten_of
from tracker.evaluation.services import KnelpuntText, save_knelpunt
from tracker.extensions import db
from tracker.forms import choices
from tracker.params import parse_int
from tracker.plan import queries
from tracker.plan.models import Party, Plan
from tracker.plan.regions import in_region
from tracker.plan.views import require_plan
from tracker.progress.models import ProgressUpdate
from tracker.text import short

STALE_MESSAGE = (
    "Iemand anders heeft dit knelpunt gewijzigd nadat u de pagina opende. Uw invoer is niet "
    "opgeslagen en staat nog in het formulier; sla opnieuw op om haar te bewaren."
)


def may_register(user) -> bool:
    """Beheerders and bijdragers register knelpunten; readers read them."""
    return user.is_admin or user.role == Role.CONTRIBUTOR.value


def may_change(user, knelpunt: Knelpunt) -> bool:
    return user.is_admin or (may_register(user) and knelpunt.created_by_id == user.id)


def knelpunten():
    plan = require_plan()
    return render_template(
        "evaluation/knelpunten.html",
        plan=plan,
        knelpunten=knelpunten_of(plan),
        may_register=may_register(current_user),
    )


def _form(plan: Plan, actions) -> KnelpuntForm:
    form = KnelpuntForm(formdata=None if request.method == "GET" else request.form)
    form.actions.choices = [(a.code, f"{a.code} {short(a.text, 70)}") for a in actions]
    parties = db.session.scalars(select(Party).where(in_region(Party)).order_by(Party.short_name))
    form.solver_party.choices = choices(
        [("", "Kies een partij"), *((p.code, p.short_name) for p in parties)]
    )
    return form


def _sources():
    """The update or evaluation a new knelpunt is registered from (``?update=``,
    ``?evaluatie=``), if it is one of this region's."""
    update = evaluation = None
    if (update_id := parse_int(request.args.get("update"), 1)) is not None:
        update = db.session.get(ProgressUpdate, update_id)
    if (evaluation_id := parse_int(request.args.get("evaluatie"), 1)) is not None:
        evaluation = db.session.get(ActionEvaluation, evaluation_id)
    return update, evaluation


def new_knelpunt():
    if not may_register(current_user):
        abort(403)
    plan = require_plan()
    actions = queries.plan_actions(plan)
    form = _form(plan, actions)
    update, evaluation = _sources()
    source = update or evaluation
    if source is not None and source.action.theme.plan_id != plan.id:
        abort(404)
    if request.method == "GET":
        form.version.data = "0"
        form.since.data = local_today()
        form.status.data = KnelpuntStatus.OPEN.value
        if update is not None:
            form.what.data = update.text
            form.actions.data = [update.action.code]
            form.since.data = local_day(update.created_at)
        elif evaluation is not None:
            form.what.data = evaluation.hindered
            form.actions.data = [evaluation.action.code]
        elif code := request.args.get("actie"):
            form.actions.data = [code] if any(a.code == code for a in actions) else []
        return render_template("evaluation/knelpunt_form.html", form=form, knelpunt=None)
    return _save(plan, actions, form, None, update, evaluation)


def _save(plan, actions, form, knelpunt, update=None, evaluation=None):
    if not form.validate():
        return render_template("evaluation/knelpunt_form.html", form=form, knelpunt=knelpunt), 400
    by_code = {a.code: a for a in actions}
    party = None
    if form.solver_party.data:
        party = db.session.scalar(
            select(Party).where(Party.code == form.solver_party.data, in_region(Party))
        )
    try:
        saved = save_knelpunt(
            plan,
            knelpunt,
            KnelpuntText(
                what=form.what.data,
                since=form.since.data,
                actions=[by_code[code] for code in form.actions.data],
                solver_party=party,
                solver_text=form.solver_text.data or "",
                status=form.status.data,
                resolution=form.resolution.data or "",
                for_table=form.for_table.data,
            ),
            parse_int(form.version.data) or 0,
            current_user,
            utcnow(),
            source_update_id=update.id if update else None,
            source_evaluation_id=evaluation.id if evaluation else None,
        )
    except StaleEdit:
        db.session.expire_all()
        knelpunt = db.session.get(Knelpunt, knelpunt.id)
        form.version.data = str(knelpunt.version)
        return render_template(
            "evaluation/knelpunt_form.html",
            form=form,
            knelpunt=knelpunt,
            stale_message=STALE_MESSAGE,
        ), 409
    db.session.commit()
    flash("Knelpunt opgeslagen.", "info")
    return redirect(url_for("evaluation.knelpunten") + f"#knelpunt-{saved.id}")


def knelpunt(knelpunt_id: int):
    """One knelpunt; its registrant and the beheerder change it."""
    item = db.session.get(Knelpunt, knelpunt_id)
    if item is None:
        abort(404)
    plan = db.session.scalar(queries.visible_plans().where(Plan.id == item.plan_id))
    if plan is None:
        abort(404)
    if not may_change(current_user, item):
        if request.method == "POST":
            abort(403)
        return render_template("evaluation/knelpunt_form.html", form=None, knelpunt=item)
    actions = queries.plan_actions(plan)
    form = _form(plan, actions)
    if request.method == "GET":
        form.process(obj=item)
        form.actions.data = [a.code for a in item.actions]
        form.solver_party.data = item.solver_party.code if item.solver_party else ""
        form.version.data = str(item.version)
        return render_template("evaluation/knelpunt_form.html", form=form, knelpunt=item)
    return _save(plan, actions, form, item)
