"""Revising the plan's text (beheerders): an action's text, planning and owners changed with
a reason, an action dropped (vervallen), a new action added to a theme."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from tracker.access import admin_required
from tracker.conflicts import Duplicate, StaleEdit, created_once
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.forms import choices, set_decision_choices
from tracker.meetings import outcomes
from tracker.plan.models import Party
from tracker.plan.regions import in_region
from tracker.plan.views import require_plan
from tracker.progress import revisions
from tracker.progress.forms import DropActionForm, NewActionForm, RevisionForm
from tracker.progress.views import STALE_MESSAGE, _user, editable_plan, load_action


def _plan_text(form) -> dict:
    """What a revision or a new action says, as the form has it."""
    return {
        "reason": form.reason.data,
        "text": form.text.data,
        "planning": form.planning.data,
        "owners_text": form.owners_text.data,
        "is_per_municipality": form.is_per_municipality.data,
        "decision_id": decision_of(form),
    }


def decision_of(form) -> int | None:
    """The meeting decision the form names (its choices are the region's besluiten)."""
    return int(form.decision.data) if form.decision.data else None


def _fill_owner_rows(form, action=None) -> None:
    """The owner rows of a form shown afresh: the action's owners (none for a new action),
    then a few empty rows."""
    if action is not None:
        rows, lead = revisions.owner_rows(action)
        while len(form.owners):
            form.owners.pop_entry()
        for row in rows:
            form.owners.append_entry(row)
        form.lead.data = lead
    form.add_spare_rows()
    form.set_party_choices(party_choices_for_owners())


def _decisions(*forms) -> None:
    options = outcomes.decision_choices()
    for form in forms:
        set_decision_choices(form, options)


def _more_owner_rows(form) -> bool:
    """After a POST: True when "Meer eigenaren" was pressed (three more empty rows; the form
    is shown again and nothing is saved)."""
    more = "meer_eigenaren" in request.form
    if more:
        form.add_spare_rows(3)
    form.set_party_choices(party_choices_for_owners())
    return more


def _prefill_revision(form, action) -> None:
    form.text.data = action.text
    form.planning.data = action.planning
    form.owners_text.data = action.owners_text
    form.is_per_municipality.data = action.is_per_municipality
    form.version.data = str(action.version)
    _fill_owner_rows(form, action)


def party_choices_for_owners():
    return db.session.scalars(
        select(Party).where(in_region(Party)).order_by(Party.kind.desc(), Party.short_name)
    ).all()


def _owners_or_errors(form):
    owners, errors = revisions.owners_from_rows(form.owners.data, form.lead.data)
    if errors:
        form.lead.errors = errors
    return owners, errors


@admin_required
def revise(code: str):
    """Change the plan's text, planning or owners of an action, with a reason."""
    action = load_action(code)
    editable_plan(action.theme.plan)
    form = RevisionForm()
    more = False
    if request.method == "GET":
        _prefill_revision(form, action)
    else:
        more = _more_owner_rows(form)
    drop_form = DropActionForm(formdata=None, version=str(action.version))
    _decisions(form, drop_form)
    if request.method == "POST" and not more and form.validate_on_submit():
        owners, errors = _owners_or_errors(form)
        if not errors:
            try:
                revision = revisions.revise_action(
                    action,
                    _user(),
                    **_plan_text(form),
                    owners=owners,
                    expected_version=int(form.version.data),
                    now=utcnow(),
                )
            except StaleEdit:
                db.session.expire_all()
                action = load_action(code)
                form.version.data = str(action.version)
                return render_template(
                    "progress/revise.html",
                    form=form,
                    drop_form=drop_form,
                    action=action,
                    stale_message=STALE_MESSAGE,
                ), 409
            db.session.commit()
            if revision is None:
                flash("Er was niets gewijzigd; er is geen herziening vastgelegd.", "info")
            else:
                flash(f"Actie {action.code} is herzien.", "info")
            return redirect(url_for("progress.action", code=action.code) + "#herzieningen")
    status = 400 if form.errors else 200
    return render_template(
        "progress/revise.html", form=form, drop_form=drop_form, action=action
    ), status


@admin_required
def drop(code: str):
    """Mark an action vervallen, with a reason."""
    action = load_action(code)
    editable_plan(action.theme.plan)
    form = DropActionForm()
    _decisions(form)
    if not form.validate_on_submit():
        revise_form = RevisionForm(formdata=None)
        _prefill_revision(revise_form, action)
        _decisions(revise_form)
        return render_template(
            "progress/revise.html", form=revise_form, drop_form=form, action=action
        ), 400
    try:
        revisions.drop_action(
            action,
            _user(),
            reason=form.reason.data,
            expected_version=int(form.version.data),
            now=utcnow(),
            decision_id=decision_of(form),
        )
    except StaleEdit:
        flash(STALE_MESSAGE, "error")
        return redirect(url_for("progress.revise", code=action.code)), 303
    db.session.commit()
    flash(f"Actie {action.code} is vervallen.", "info")
    return redirect(url_for("progress.action", code=action.code))


@admin_required
def new_action():
    """Add an action to a theme of the current plan, with a reason."""
    plan = require_plan()
    editable_plan(plan)
    form = NewActionForm()
    form.theme.choices = choices((str(t.number), f"{t.number}. {t.title}") for t in plan.themes)
    _decisions(form)
    more = False
    if request.method == "GET":
        form.reason.data = ""
        _fill_owner_rows(form)
    else:
        more = _more_owner_rows(form)
    if request.method == "POST" and not more and form.validate_on_submit():
        theme = next(t for t in plan.themes if str(t.number) == form.theme.data)
        owners, errors = _owners_or_errors(form)
        if not errors and any(a.number == form.number.data for a in theme.actions):
            form.number.errors.append(
                f"Actie {theme.number}.{form.number.data} bestaat al; kies een ander nummer."
            )
        elif not errors:
            try:
                with created_once():
                    action = revisions.create_action(
                        theme,
                        form.number.data,
                        _user(),
                        **_plan_text(form),
                        owners=owners,
                        now=utcnow(),
                    )
            except Duplicate:  # the same number, added a moment ago
                form.number.errors.append(
                    f"Actie {theme.number}.{form.number.data} is zojuist al toegevoegd (een "
                    "tweede klik, of een collega); kies een ander nummer."
                )
                return render_template("progress/new_action.html", form=form), 409
            flash(f"Actie {action.code} is toegevoegd.", "info")
            return redirect(url_for("progress.action", code=action.code))
    status = 400 if form.errors else 200
    return render_template("progress/new_action.html", form=form), status
