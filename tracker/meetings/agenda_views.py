"""A meeting's agenda: add, order, propose, publish."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from tracker.access import admin_required
from tracker.dates import local_today, utcnow
from tracker.extensions import db
from tracker.meetings import agenda
from tracker.meetings.forms import agenda_form
from tracker.meetings.models import AgendaItem, Meeting, MeetingState
from tracker.meetings.outcome_views import linked_actions
from tracker.meetings.views import _meeting_or_404, _render_detail
from tracker.plan.models import Party
from tracker.text import counted


def _item_fields(form, actions: list) -> dict:
    """The agenda item form's values as ``agenda.add_item``/``change_item`` take them."""
    return {
        "title": form.title.data,
        "actions": actions,
        "theme_number": int(form.theme.data) if form.theme.data else None,
        "presenter": db.session.scalar(select(Party).where(Party.code == form.presenter.data)),
        "duration": form.duration.data,
    }


def _back(meeting: Meeting):
    return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor="kop-agenda"))


def _planned(meeting_id: int) -> Meeting:
    """The meeting, when its agenda can still change (planned and ahead); else 409."""
    meeting = _meeting_or_404(meeting_id)
    if meeting.state != MeetingState.PLANNED.value or meeting.starts_at <= utcnow():
        abort(409)
    return meeting


def _checked() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400)


@admin_required
def add_agenda_item(meeting_id: int):
    meeting = _planned(meeting_id)
    form = agenda_form()
    valid = form.validate_on_submit()
    actions = linked_actions(form)
    if not valid or actions is None:
        return _render_detail(meeting, agenda_item=form, status=400)
    agenda.add_item(meeting, **_item_fields(form, actions))
    db.session.commit()
    flash("Agendapunt toegevoegd.", "info")
    return _back(meeting)


@admin_required
def propose_agenda(meeting_id: int):
    """Add what the plan proposes (see ``agenda.proposals``)."""
    meeting = _planned(meeting_id)
    _checked()
    added = agenda.add_proposals(meeting, local_today(), current_user)
    db.session.commit()
    flash(
        counted(added, "agendapunt", "agendapunten")
        + " voorgesteld; pas ze aan en publiceer de agenda."
        if added
        else "Er is niets nieuws voor te stellen.",
        "info",
    )
    return _back(meeting)


@admin_required
def publish_agenda(meeting_id: int):
    """Send the agenda to every participant (with the .ics); again after a change."""
    meeting = _planned(meeting_id)
    _checked()
    if not meeting.items:
        flash("De agenda heeft nog geen punten.", "error")
        return _back(meeting)
    agenda.publish(meeting, current_user, utcnow())
    db.session.commit()
    flash("De agenda is gepubliceerd en gaat per e-mail naar de deelnemers.", "info")
    return _back(meeting)


def _item(item_id: int) -> AgendaItem:
    item = db.get_or_404(AgendaItem, item_id)
    _planned(item.meeting_id)
    _checked()
    return item


STEPS = {"omhoog": -1, "omlaag": +1}


@admin_required
def move_agenda_item(item_id: int, direction: str):
    item = _item(item_id)
    agenda.move(item, STEPS[direction])
    db.session.commit()
    return _back(item.meeting)


@admin_required
def agenda_item_delete(item_id: int):
    item = _item(item_id)
    meeting = item.meeting
    agenda.remove(item)
    db.session.commit()
    flash("Agendapunt verwijderd.", "info")
    return _back(meeting)


@admin_required
def edit_agenda_item(item_id: int):
    """Change an item's title, actions, theme, presenter or minutes."""
    item = db.get_or_404(AgendaItem, item_id)
    meeting = _planned(item.meeting_id)
    form = agenda_form()
    if not form.is_submitted():
        form.title.data = item.title
        form.action_codes.data = ", ".join(a.code for a in item.actions)
        form.theme.data = str(item.theme_number or "")
        form.presenter.data = item.presenter.code if item.presenter else ""
        form.duration.data = item.duration_minutes
    if form.is_submitted():
        valid = form.validate_on_submit()
        actions = linked_actions(form)
        if valid and actions is not None:
            agenda.change_item(item, **_item_fields(form, actions))
            db.session.commit()
            flash("Agendapunt gewijzigd.", "info")
            return _back(meeting)
    status = 400 if form.errors else 200
    return render_template(
        "meetings/agenda_item.html", form=form, item=item, meeting=meeting
    ), status
