"""Recording a held meeting's decisions and follow-ups."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from tracker.access import admin_required
from tracker.accounts.membership import party_ids_of
from tracker.accounts.models import Role
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.meetings import attendance, outcomes
from tracker.meetings.forms import action_codes, outcome_form
from tracker.meetings.models import MeetingOutcome, MeetingState, OutcomeKind
from tracker.meetings.views import _meeting_or_404, _render_detail
from tracker.plan import queries
from tracker.plan.models import Party


def linked_actions(form) -> list | None:
    """The plan's actions named in the form; None (with an error on the field) for an unknown
    code."""
    plan = queries.current_plan()
    found, unknown = [], []
    for code in action_codes(form.action_codes.data):
        action = queries.get_action(plan, code) if plan else None
        (found if action else unknown).append(action or code)
    if unknown:
        form.action_codes.errors = [
            *form.action_codes.errors,
            "Deze acties staan niet in het plan: " + ", ".join(unknown) + ".",
        ]
        return None
    return found


@admin_required
def add_outcome(meeting_id: int):
    """Add a decision or a follow-up to a held meeting."""
    meeting = _meeting_or_404(meeting_id)
    if meeting.state != MeetingState.HELD.value:
        flash("Leg eerst vast dat de vergadering is gehouden.", "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    form = outcome_form()
    valid = form.validate_on_submit()
    actions = linked_actions(form)
    if not valid or actions is None:
        return _render_detail(meeting, outcome=form, status=400)
    kind = OutcomeKind(form.kind.data)
    outcomes.add(
        meeting,
        kind=kind,
        text=form.text.data,
        actions=actions,
        party=db.session.scalar(select(Party).where(Party.code == form.party.data)),
        due_on=form.due_on.data,
        author=current_user,
        now=utcnow(),
    )
    db.session.commit()
    flash(f"{kind.label} vastgelegd.", "info")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor="kop-uitkomsten"))


def _outcome_or_404(outcome_id: int) -> MeetingOutcome:
    outcome = db.get_or_404(MeetingOutcome, outcome_id)
    _meeting_or_404(outcome.meeting_id)  # of the asker's region
    return outcome


def follow_up_done(outcome_id: int):
    """Mark a follow-up done (or open again): the beheerder, or someone of the owner party."""
    outcome = _outcome_or_404(outcome_id)
    if not outcome.is_follow_up:
        abort(404)
    user = current_user._get_current_object()
    allowed = user.is_admin or (
        user.role == Role.CONTRIBUTOR.value and outcome.party_id in party_ids_of(user)
    )
    if not allowed:
        abort(403)
    if not FlaskForm().validate_on_submit():
        abort(400)
    outcomes.set_done(outcome, outcome.done_at is None, user, utcnow())
    db.session.commit()
    flash("Actiepunt afgerond." if outcome.done_at else "Actiepunt staat weer open.", "info")
    return redirect(
        url_for("meetings.detail", meeting_id=outcome.meeting_id, _anchor="kop-uitkomsten")
    )


@admin_required
def delete_outcome(outcome_id: int):
    outcome = _outcome_or_404(outcome_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    meeting_id = outcome.meeting_id
    outcomes.delete(outcome, current_user, utcnow())
    db.session.commit()
    flash("Verwijderd.", "info")
    return redirect(url_for("meetings.detail", meeting_id=meeting_id, _anchor="kop-uitkomsten"))


@admin_required
def save_attendance(meeting_id: int):
    """The secretary ticks the municipalities that attended a held meeting (one form)."""
    meeting = _meeting_or_404(meeting_id)
    if not meeting.series.tracks_attendance or meeting.state != MeetingState.HELD.value:
        abort(404)
    form = attendance.attendance_form(meeting, submitted=True)
    if not form.validate_on_submit():
        return _render_detail(meeting, attendance=form, status=400)
    attendance.set_attendees(meeting, set(form.municipalities.data or []), current_user)
    db.session.commit()
    count = len(form.municipalities.data or [])
    flash(f"Aanwezigheid opgeslagen: {count} {'gemeente' if count == 1 else 'gemeenten'}.", "info")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#kop-aanwezigheid")
