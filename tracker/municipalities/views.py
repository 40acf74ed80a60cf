"""The municipalities' pages: the region's matrix, one page per municipality with its form,
and the one-page overview as PDF."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker.accounts.auth import can_edit_municipality
from tracker.accounts.models import User
from tracker.conflicts import StaleEdit
from tracker.dates import local_today, utcnow
from tracker.extensions import db
from tracker.meetings.attendance import attended_meetings
from tracker.municipalities import borging, matrix
from tracker.municipalities.forms import (
    RETURN_TO,
    BorgingRowForm,
    CellRowForm,
    MatrixFilterForm,
    MunicipalForm,
)
from tracker.municipalities.services import save_rows
from tracker.params import parse_int
from tracker.plan.models import Action, Municipality, Party, Plan, Status
from tracker.plan.views import require_municipality, require_plan
from tracker.reports.pdf import render_pdf
from tracker.web import download

STALE_ROW = (
    "Iemand anders heeft dit intussen bijgewerkt (de nieuwe stand staat erboven). Er is nog "
    "niets opgeslagen; uw invoer staat er nog. Sla opnieuw op om hem toch op te slaan."
)


def plan_year(plan: Plan, asked: int | None = None) -> int:
    """The year shown: the one asked for within the plan's years, else this year (clamped)."""
    if asked and plan.start_year <= asked <= plan.end_year:
        return asked
    return min(max(local_today().year, plan.start_year), plan.end_year)


def index():
    """``/gemeenten``: every municipality x borging, network attendance and municipal rows."""
    plan = require_plan()
    year = plan_year(plan, parse_int(request.args.get("jaar"), 2000, 2100))
    built = matrix.build(plan, year)
    form = MatrixFilterForm(request.args, [c.key for c in built.columns])
    form.validate()
    errors = {name: messages[0] for name, messages in form.errors.items()}
    key = None if errors else form.kolom.data or None
    level = None if errors else form.stand.data or None
    sort = None if errors or form.sorteer.data in (None, "", "naam") else form.sorteer.data
    rows = built.sorted_rows(built.filtered(key, level), sort, form.richting.data == "af")
    return render_template(
        "municipalities/index.html",
        plan=plan,
        matrix=built,
        rows=rows,
        year=year,
        years=range(plan.start_year, plan.end_year + 1),
        form=form,
        errors=errors,
        args=request.args.to_dict(),
        link=lambda **changes: url_for(
            "municipalities.index", **(request.args.to_dict() | changes)
        ),
        levels=borging.LEVEL_LABELS,
    ), (400 if errors else 200)


@dataclass
class FormRow:
    """A row of the municipality's form: an action's row or a borging item, with its form."""

    form: CellRowForm | BorgingRowForm
    action: Action | None = None
    state: borging.ItemState | None = None
    stale: bool = False

    @property
    def has_errors(self) -> bool:
        return any(field.errors for field in self.form)


def _fresh_form(built: matrix.Matrix, municipality: Municipality, return_to: str):
    form = MunicipalForm(formdata=None)
    form.return_to.data = return_to
    for action in built.actions:
        cell = built.cells.get((action.id, municipality.id))
        status = cell.status if cell else Status.NOT_STARTED.value
        note = cell.note if cell else ""
        form.cells.append_entry(
            {
                "code": action.code,
                "version": str(cell.version if cell else 0),
                "status": status,
                "note": note,
                "shown_status": status,
                "shown_note": note,
            }
        )
    for state in built.row_of(municipality.id).states:
        entry = state.entry
        form.items.append_entry(
            {
                "item": state.item.key,
                "seen": str(state.seen_id),
                "state": state.state,
                "on_date": entry.on_date if entry else None,
                "link": (entry.link or "") if entry else "",
                "note": entry.note if entry else "",
            }
        )
    return form


def _rows(form: MunicipalForm, built: matrix.Matrix, place: Municipality) -> list[FormRow]:
    """The form's rows matched to what they edit; a row naming anything else is refused."""
    actions = {a.code: a for a in built.actions}
    states = {s.item.key: s for s in built.row_of(place.id).states}
    seen_ids = [parse_int(entry.form.seen.data, 1) for entry in form.items]
    shown = borging.entries_by_id([i for i in seen_ids if i is not None])
    rows = []
    for entry in form.cells:
        action = actions.get(entry.form.code.data)
        if action is None or parse_int(entry.form.version.data, 0) is None:
            abort(400)
        rows.append(FormRow(entry.form, action=action))
    for entry in form.items:
        state = states.get(entry.form.item.data)
        seen = parse_int(entry.form.seen.data, 0)
        was = shown.get(seen)
        if state is None or seen is None or (seen and not _is_statement_of(was, place, state)):
            abort(400)
        entry.form.item_def = state.item
        entry.form.on_date.label.text = state.item.date_label
        entry.form.shown = (
            (was.state, was.on_date, was.link, was.note) if was else borging.NOTHING_SAID
        )
        rows.append(FormRow(entry.form, state=state))
    return rows


def _is_statement_of(entry, place: Municipality, state: borging.ItemState) -> bool:
    return entry is not None and (entry.municipality_id, entry.item) == (place.id, state.item.key)


def _mark_stale(rows: list[FormRow], built: matrix.Matrix, municipality: Municipality) -> bool:
    """Mark the changed rows whose stored state moved on since they were shown; they then
    carry the new version, so saving again is a deliberate choice."""
    for row in rows:
        if row.action is not None:
            cell = built.cells.get((row.action.id, municipality.id))
            now = str(cell.version if cell else 0)
            if row.form.version.data != now:
                row.stale, row.form.version.data = True, now
        elif str(row.state.seen_id) != row.form.seen.data:
            row.stale, row.form.seen.data = True, str(row.state.seen_id)
    return any(row.stale for row in rows)


def form_for(plan: Plan, place: Municipality, return_to: str):
    """The municipality's form for this year as first shown (for Mijn acties)."""
    built = matrix.build(plan, plan_year(plan), [place])
    form = _fresh_form(built, place, return_to)
    return form, _rows(form, built, place), built.year


def municipality(code: str):
    """One municipality: its people, borging, network attendance, rows and history; its
    own people and beheerders update rows and borging here in one form."""
    plan = require_plan()
    place = require_municipality(code)
    year = plan_year(plan, parse_int(request.args.get("jaar"), 2000, 2100))
    built = matrix.build(plan, year)
    may_edit = can_edit_municipality(current_user, place.id)
    if request.method == "GET":
        if not may_edit:
            return _render(plan, place, built, None, [])
        form = _fresh_form(built, place, "gemeente")
        return _render(plan, place, built, form, _rows(form, built, place))
    if not may_edit:
        abort(403)
    form = MunicipalForm()
    if form.return_to.data not in RETURN_TO:
        abort(400)
    rows = _rows(form, built, place)
    form.validate()
    changed = [row for row in rows if row.form.is_changed]
    if not changed:
        flash("U heeft niets gewijzigd; er is niets opgeslagen.", "info")
        return _render(plan, place, built, form, rows)
    if any(row.has_errors for row in changed) or form.needs_privacy_confirmation:
        return _render(plan, place, built, form, rows, 400)
    if _mark_stale(changed, built, place):
        return _render(plan, place, built, form, rows, 409)
    try:
        save_rows(
            place,
            year,
            [(row.action, row.form) for row in changed if row.action],
            [(row.state.item, row.form) for row in changed if row.state],
            current_user._get_current_object(),
            utcnow(),
        )
    except StaleEdit:  # a save that landed between the check and ours
        db.session.expire_all()
        built = matrix.build(plan, year)
        _mark_stale(changed, built, place)
        return _render(plan, place, built, form, rows, 409)
    db.session.commit()
    flash(f"Opgeslagen voor gemeente {place.name}: {len(changed)} {_rows_word(changed)}.", "info")
    if form.return_to.data == "mijn-acties":
        return redirect(url_for("dashboard.my_actions", _anchor="gemeente"))
    return redirect(url_for("municipalities.municipality", code=place.code, _anchor="bijwerken"))


def _rows_word(rows) -> str:
    return "onderdeel" if len(rows) == 1 else "onderdelen"


def _people(place: Municipality) -> tuple[list[User], Party | None]:
    users = db.session.scalars(
        select(User)
        .where(User.municipality_id == place.id, User.is_enabled.is_(True))
        .order_by(User.name)
    ).all()
    party = db.session.scalar(select(Party).where(Party.municipality_id == place.id))
    return list(users), party


def _render(plan, place, built, form, rows, status=200):
    users, party = _people(place)
    return render_template(
        "municipalities/municipality.html",
        plan=plan,
        place=place,
        matrix=built,
        row=built.row_of(place.id),
        year=built.year,
        years=range(plan.start_year, plan.end_year + 1),
        form=form,
        rows=rows,
        stale_rows=[row for row in rows if row.stale],
        STALE_ROW=STALE_ROW,
        users=users,
        party=party,
        meetings=attended_meetings(built.year, place.id),
        history=borging.history(place.id),
        items=borging.ITEM_BY_KEY,
        state_labels=borging.STATE_LABELS,
    ), status


def municipality_pdf(code: str):
    """The one-page overview to hand to the college or gemeenteraad."""
    plan = require_plan()
    place = require_municipality(code)
    year = plan_year(plan, parse_int(request.args.get("jaar"), 2000, 2100))
    built = matrix.build(plan, year)
    html = render_template(
        "municipalities/pdf.html",
        plan=plan,
        place=place,
        matrix=built,
        row=built.row_of(place.id),
        year=year,
        today=local_today(),
    )
    pdf = render_pdf(html)
    return download(pdf, "application/pdf", f"gemeente-{place.code}-{year}.pdf")
