"""Pages to read the plan: its themes and the action list (and the helpers every page that
shows the plan uses)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from tracker.access import admin_required
from tracker.conflicts import Duplicate, StaleEdit, check_version, created_once, saving
from tracker.dates import local_today, utcnow
from tracker.extensions import db
from tracker.forms import set_decision_choices
from tracker.meetings import outcomes
from tracker.params import parse_int
from tracker.plan import copying, queries
from tracker.plan.filters import ActionFilterForm
from tracker.plan.forms import DraftForm, NewPlanForm, PublishForm
from tracker.plan.models import Municipality, Plan
from tracker.plan.regions import in_region


def require_plan():
    """The current plan, or a friendly 503 page saying how to load it."""
    plan = queries.current_plan()
    if plan is None:
        abort(make_response(render_template("plan/empty.html"), 503))
    return plan


def require_municipality(code: str) -> Municipality:
    """The region's municipality with ``code`` (``schiedam``), or 404."""
    municipality = db.session.scalar(
        select(Municipality).where(Municipality.code == code, in_region(Municipality))
    )
    if municipality is None:
        abort(404)
    return municipality


def theme(number: int):
    """One theme: its introduction and its actions."""
    plan = require_plan()
    theme = queries.get_theme(plan, number)
    if theme is None:
        abort(404)
    actions = queries.find_actions(plan, queries.ActionFilter(theme=number))
    return render_template(
        "plan/theme.html", plan=plan, theme=theme, actions=actions, today=local_today()
    )


@dataclass(frozen=True)
class Sorting:
    """The list's current order and links to re-sort it, keeping the filters."""

    current: queries.ActionFilter
    args: dict

    def url(self, key: str) -> str:
        flip = self.current.sort == key and not self.current.descending
        args = self.args | {"sorteer": key, "richting": "af" if flip else "op"}
        args.pop("pagina", None)  # a new order starts at its first page
        return url_for("plan.actions", **args)


def actions():
    """All actions, filtered by query parameters so a filtered view can be bookmarked."""
    plan = require_plan()
    form = ActionFilterForm(request.args)
    errors = form.problems()
    action_filter = queries.ActionFilter() if errors else form.action_filter()
    page = None if errors else queries.page_of_actions(plan, action_filter, request.args)
    return (
        render_template(
            "plan/actions.html",
            plan=plan,
            actions=page.items if page else [],
            page=page,
            page_url=lambda number: url_for(
                "plan.actions", **(request.args.to_dict() | {"pagina": number})
            ),
            action_filter=action_filter,
            errors=errors,
            args=request.args,
            parties=queries.party_choices(),
            themes=queries.theme_rows(plan),
            years=range(plan.start_year, plan.end_year + 1),
            today=local_today(),
            sorting=Sorting(action_filter, request.args.to_dict()),
        ),
        400 if errors else 200,
    )


def plans():
    """Every plan of the region: the current one, drafts (beheerders) and the archive."""
    found = db.session.scalars(
        queries.visible_plans().order_by(Plan.start_year.desc(), Plan.id.desc())
    ).all()
    moving = {p.id: copying.moving_on_publish(p) for p in found if p.is_draft}
    stale = {p.id: copying.due_before_start(p) for p in found if p.is_draft}
    warnings = {p.id: copying.adoption_warnings(p) for p in found if p.is_draft}
    publish_form = None
    if current_user.is_admin and moving:
        publish_form = PublishForm(formdata=None)
        set_decision_choices(publish_form, outcomes.decision_choices())
    return render_template(
        "plan/plans.html",
        plans=found,
        moving=moving,
        stale=stale,
        warnings=warnings,
        publish_form=publish_form,
        decision_label=outcomes.decision_label,
    )


def plan_or_404(slug: str) -> Plan:
    """The plan with this slug that the asker may read (drafts: beheerders only), or 404."""
    plan = db.session.scalar(queries.visible_plans().where(Plan.slug == slug))
    if plan is None:
        abort(404)
    return plan


@admin_required
def new_plan():
    """A draft copied from another plan, to revise and then publish."""
    bases = db.session.scalars(
        queries.visible_plans().order_by(Plan.start_year.desc(), Plan.id.desc())
    ).all()
    form = NewPlanForm()
    form.base.choices = [(p.slug, f"{p.title} {p.period} ({p.state_label})") for p in bases]
    if request.method == "GET":
        base = next((p for p in bases if p.is_current), bases[0] if bases else None)
        if base is not None:
            form.base.data = base.slug
            form.propose_after(base)
    if form.validate_on_submit():
        base = plan_or_404(form.base.data)
        try:
            with created_once():
                plan = copying.copy_plan(
                    base,
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
        except Duplicate:  # the same slug, saved a moment ago
            form.slug.errors.append(
                f"Er is zojuist al een plan met de korte naam '{form.slug.data}' gemaakt "
                "(een tweede klik, of een collega). Kies een andere korte naam."
            )
            return render_template("plan/new_plan.html", form=form), 409
        else:
            flash(
                f"Concept {plan.title} {plan.period} gemaakt. Herzie de acties en stel het "
                "daarna vast.",
                "info",
            )
            return redirect(url_for("plan.plans") + f"#plan-{plan.slug}")
    status = 400 if form.errors else 200
    return render_template("plan/new_plan.html", form=form), status


#: Shown when another beheerder saved the draft's texts after this form was opened. This
#: form cannot be saved again: its unchanged themes hold the texts from before the colleague's
#: save, and saving them would undo it (the page links to the draft as it is now).
DRAFT_CHANGED = (
    "Iemand anders heeft dit concept gewijzigd nadat u de pagina opende. Uw invoer is niet "
    "opgeslagen en staat hieronder nog, zodat u haar kunt overnemen: open het concept opnieuw "
    "en breng uw wijziging daar aan."
)


def _draft_being_edited(slug: str) -> Plan:
    """The draft at ``slug``. A save from a form opened before a colleague changed the draft's
    short name comes to the old address: the draft is found by the id the form carries, and
    as the colleague's save moved its version, the save is refused with the input kept."""
    plan = db.session.scalar(queries.visible_plans().where(Plan.slug == slug))
    if plan is None and request.method == "POST":
        opened = parse_int(request.form.get("draft"))
        plan = db.session.scalar(queries.visible_plans().where(Plan.id == opened))
    if plan is None or not plan.is_draft:
        abort(404)
    return plan


@admin_required
def edit_draft(slug: str):
    """A draft's title, subtitle, short name, period and theme texts; an adopted plan is not
    edited."""
    plan = _draft_being_edited(slug)
    form = (
        DraftForm(formdata=None, obj=plan, draft=plan.id)
        if request.method == "GET"
        else DraftForm()
    )
    themes = {theme.number: theme for theme in plan.themes}
    rows = [entry.form for entry in form.themes]
    if [str(row.number.data) for row in rows] != [str(number) for number in themes]:
        abort(400)  # rows that are not this draft's themes: not a form this page made
    for row in rows:
        theme = themes[int(row.number.data)]
        row.stored = (theme.title, theme.introduction)
    context = {"plan": plan, "form": form}
    if request.method == "GET" or not form.validate():
        status = 400 if request.method == "POST" else 200
        return render_template("plan/edit_draft.html", **context), status
    try:
        check_version(plan, parse_int(form.version.data))
        with saving():
            copying.edit_draft(
                plan,
                slug=form.slug.data,
                title=form.title.data,
                subtitle=form.subtitle.data or "",
                start_year=form.start_year.data,
                end_year=form.end_year.data,
                themes={
                    int(row.number.data): (row.title.data, row.introduction.data or "")
                    for row in rows
                    if row.is_changed
                },
                author=current_user,
            )
    except copying.PlanProblem as exc:
        form.slug.errors.extend(exc.problems.values())
        return render_template("plan/edit_draft.html", **context), 400
    except StaleEdit:  # a colleague's save since the form was shown, or at the same moment
        return render_template("plan/edit_draft.html", stale_message=DRAFT_CHANGED, **context), 409
    db.session.commit()
    flash(f"Concept {plan.title} {plan.period} opgeslagen.", "info")
    return redirect(url_for("plan.plans") + f"#plan-{plan.slug}")


@admin_required
def publish_plan(slug: str):
    """Make a draft the current plan; the plan before it goes to the archive."""
    plan = plan_or_404(slug)
    form = PublishForm()
    set_decision_choices(form, outcomes.decision_choices())
    if not form.validate_on_submit():
        abort(400)
    try:
        copying.publish_plan(
            plan,
            current_user,
            utcnow(),
            decision_id=int(form.decision.data) if form.decision.data else None,
        )
    except copying.PlanProblem as exc:
        flash(exc.problems["plan"], "error")
        return redirect(url_for("plan.plans")), 303
    db.session.commit()
    flash(f"{plan.title} {plan.period} is nu het huidige plan.", "info")
    return redirect(url_for("plan.plans") + f"#plan-{plan.slug}")
