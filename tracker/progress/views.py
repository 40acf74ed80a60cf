"""Reporting progress: the action page and its update form, the per-municipality cells and
the yearly commitments (the plan's text is revised in ``revising``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from tracker.accounts.auth import can_edit_municipality, can_report_on, may_set_status
from tracker.accounts.membership import party_ids_of
from tracker.accounts.models import Role
from tracker.conflicts import StaleEdit
from tracker.dates import app_timezone, dutch_date, local_today, utcnow
from tracker.evaluation import report as evaluation_report
from tracker.evaluation import rounds as evaluation_rounds
from tracker.evaluation.knelpunten import may_register
from tracker.extensions import db
from tracker.figures import services as figures
from tracker.figures.chart import trend_svg
from tracker.meetings import outcomes
from tracker.municipalities import rollup
from tracker.params import parse_int
from tracker.plan import copying
from tracker.plan.models import Municipality, Status
from tracker.plan.queries import get_action
from tracker.plan.regions import in_region
from tracker.plan.schedule import describe_schedule
from tracker.plan.views import require_municipality, require_plan
from tracker.progress import revisions, services
from tracker.progress.forms import (
    CommitmentForm,
    MunicipalityCellForm,
    ProgressForm,
)
from tracker.public import views as public_views

STALE_MESSAGE = (
    "Iemand anders heeft deze actie bijgewerkt nadat u de pagina opende. Uw tekst is niet "
    "opgeslagen en staat nog in het formulier; lees de nieuwe stand hieronder en sla daarna "
    "opnieuw op."
)


def _user():
    return current_user._get_current_object()


def load_action(code: str):
    """The current plan's action with this code, or 404."""
    found = get_action(require_plan(), code)
    if found is None:
        abort(404)
    return found


def editable_plan(plan):
    """A plan's text can be revised while it is current or a draft; the archive is history."""
    if plan.is_archived:
        abort(403)
    return plan


def render_action_page(action, status: int = 200, **context):
    """The action page: text, planning, owners, the update form and both histories.
    Progress views re-render it with their form (errors and input kept) on a failed save."""
    tz = app_timezone()
    user = _user()
    # Only a bijdrager's rights depend on her parties (a lezer reports on nothing).
    party_ids = party_ids_of(user) if user.role == Role.CONTRIBUTOR.value else set()
    may_report = can_report_on(user, action, party_ids)
    if "progress_form" not in context:
        form = ProgressForm(formdata=None)
        form.status.data, form.signal.data = action.status, action.signal or ""
        form.version.data = str(action.version)
        context["progress_form"] = form
    return render_template(
        "progress/action.html",
        plan=action.theme.plan,
        action=action,
        interpretation=describe_schedule(action.schedule, lambda d: dutch_date(d, tz)),
        today=local_today(),
        updates=services.history(action),
        revisions=revisions.revisions(action),
        figures=figures.for_action(action),
        outcomes=outcomes.for_action(action),
        decision_label=outcomes.decision_label,
        earlier=[(a, services.history(a)) for a in copying.predecessors_of(action)],
        rollup=_municipal_rollup(action),
        commitments=(
            services.commitment_years(action, local_today())
            if action.schedule.has_yearly_commitment
            else []
        ),
        trend=trend_svg,
        figures_points=figures.points,
        knelpunten=evaluation_report.blocking(action),
        may_register_knelpunt=may_register(current_user),
        evaluation_round=evaluation_rounds.round_of(action.theme.plan),
        may_report=may_report,
        may_set_status=may_report and may_set_status(user, action, party_ids),
        public=public_views.proposal_form(action) if may_report else None,
        **context,
    ), status


def _municipal_rollup(action):
    """For an action every municipality carries out: this year's roll-up of their rows, the
    figure the secretary's regional status follows (as in the report)."""
    if not action.is_per_municipality:
        return None
    year = _year_arg(action.theme.plan)
    municipalities = db.session.scalar(
        select(func.count(Municipality.id)).where(in_region(Municipality))
    )
    cells = rollup.stored_cells([action], {year})
    return rollup.rollups([action], cells, municipalities, year, None)[action.id]


def action(code: str):
    """One action: full text, planning and how it is read, owners, progress and revisions."""
    return render_action_page(load_action(code))


def add_update(code: str):
    """Record a progress update (beheerder, or bijdrager of an owning party)."""
    action = load_action(code)
    if not can_report_on(current_user, action):
        abort(403)
    form = ProgressForm()
    if not form.validate_on_submit():
        return render_action_page(action, 400, progress_form=form)
    seen_version = int(form.version.data)
    try:
        services.record_update(
            action,
            _user(),
            status=form.status.data,
            signal=form.signal.data,
            text=form.text.data,
            link=form.link.data,
            expected_version=seen_version,
            now=utcnow(),
        )
    except StaleEdit:
        db.session.expire_all()
        action = load_action(code)
        form.version.data = str(action.version)  # a second save is a conscious choice
        return render_action_page(action, 409, progress_form=form, stale_message=STALE_MESSAGE)
    except services.StatusRefused as refused:
        form.status.errors.append(str(refused))
        return render_action_page(action, 403, progress_form=form)
    db.session.commit()
    flash(f"Voortgang van actie {action.code} opgeslagen.", "info")
    return redirect(url_for("progress.action", code=action.code) + "#voortgang")


def _year_arg(plan) -> int:
    if year := parse_int(request.args.get("jaar"), plan.start_year, plan.end_year):
        return year
    this_year = local_today().year
    return min(max(this_year, plan.start_year), plan.end_year)


def municipality_grid(code: str):
    """Municipality × year: a status and note per municipality for one year."""
    action = load_action(code)
    if not action.is_per_municipality:
        abort(404)
    plan = action.theme.plan
    year = _year_arg(plan)
    municipalities = db.session.scalars(
        select(Municipality).where(in_region(Municipality)).order_by(Municipality.name)
    ).all()
    return render_template(
        "progress/municipality_grid.html",
        action=action,
        year=year,
        years=range(plan.start_year, plan.end_year + 1),
        municipalities=municipalities,
        cells=services.municipality_cells(action, year),
        can_edit=lambda m: can_edit_municipality(current_user, m.id),
    )


def municipality_cell(code: str, municipality_code: str, year: int):
    """Edit one cell: the aandachtsfunctionaris of that municipality, or a beheerder."""
    action = load_action(code)
    plan = action.theme.plan
    if not action.is_per_municipality or not plan.start_year <= year <= plan.end_year:
        abort(404)
    municipality = require_municipality(municipality_code)
    if not can_edit_municipality(current_user, municipality.id):
        abort(403)
    cell = services.municipality_cells(action, year).get(municipality.id)
    form = MunicipalityCellForm()
    if request.method == "GET":
        form.status.data = cell.status if cell else Status.NOT_STARTED.value
        form.note.data = cell.note if cell else ""
        form.version.data = str(cell.version if cell else 0)
    context = {"action": action, "municipality": municipality, "year": year, "cell": cell}
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("progress/municipality_cell.html", form=form, **context), 400
        try:
            saved = services.update_municipality_cell(
                action,
                municipality,
                year,
                _user(),
                status=form.status.data,
                note=form.note.data or "",
                expected_version=int(form.version.data),
                now=utcnow(),
            )
        except StaleEdit:
            db.session.expire_all()
            cell = services.municipality_cells(action, year).get(municipality.id)
            form.version.data = str(cell.version if cell else 0)
            context["cell"] = cell
            return render_template(
                "progress/municipality_cell.html",
                form=form,
                stale_message=STALE_MESSAGE,
                **context,
            ), 409
        db.session.commit()
        if saved is None:
            flash(f"Er was niets gewijzigd voor {municipality.name} {year}.", "info")
        else:
            flash(f"{municipality.name} {year} opgeslagen.", "info")
        return redirect(url_for("progress.municipality_grid", code=action.code, jaar=year))
    return render_template("progress/municipality_cell.html", form=form, **context)


def commitment(code: str, year: int):
    """One year of a yearly action: its status, the day it was delivered, a note."""
    action = load_action(code)
    plan = action.theme.plan
    if not action.schedule.has_yearly_commitment or not plan.start_year <= year <= plan.end_year:
        abort(404)
    if not can_report_on(current_user, action):
        abort(403)
    row = services.commitment_rows(action).get(year)
    form = CommitmentForm(formdata=request.form if request.method == "POST" else None)
    form.year, form.today = year, local_today()
    if request.method == "GET":
        form.status.data = row.status if row else Status.NOT_STARTED.value
        form.delivered_on.data = row.delivered_on if row else None
        form.note.data = row.note if row else ""
        form.version.data = str(row.version if row else 0)
    context = {"action": action, "year": year, "row": row}
    if request.method == "POST":
        if not form.validate():
            return render_template("progress/commitment.html", form=form, **context), 400
        try:
            saved = services.update_commitment(
                action,
                year,
                _user(),
                status=form.status.data,
                delivered_on=form.delivered_on.data,
                note=form.note.data or "",
                expected_version=int(form.version.data),
                now=utcnow(),
            )
        except StaleEdit:
            db.session.expire_all()
            row = services.commitment_rows(action).get(year)
            form.version.data = str(row.version if row else 0)
            context["row"] = row
            return render_template(
                "progress/commitment.html", form=form, stale_message=STALE_MESSAGE, **context
            ), 409
        db.session.commit()
        if saved is None:
            flash(f"Er was niets gewijzigd voor {year}.", "info")
        else:
            flash(f"Actie {action.code}, {year} opgeslagen.", "info")
        return redirect(url_for("progress.action", code=action.code) + "#per-jaar")
    return render_template("progress/commitment.html", form=form, **context)
