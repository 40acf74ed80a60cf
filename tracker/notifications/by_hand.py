"""'Verzoek nu versturen': the secretary previews and sends the update requests of a meeting
by hand, next to (and instead of) the automatic ones."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from tracker.access import admin_required
from tracker.audit.services import record
from tracker.dates import dutch_date, utcnow
from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingState
from tracker.meetings.services import meeting_or_404
from tracker.notifications import asking
from tracker.notifications.planning import by_hand_preview, send_by_hand
from tracker.text import counted


def _askable_meeting(meeting_id: int) -> Meeting:
    meeting = meeting_or_404(meeting_id)
    if meeting.series.action is None:
        abort(404)  # a series outside the plan has no actions to ask about
    return meeting


@admin_required
def send(meeting_id: int):
    """Who would be asked for which actions; "Verzoek nu versturen" queues them at once."""
    meeting = _askable_meeting(meeting_id)
    open_for_requests = meeting.state == MeetingState.PLANNED.value and meeting.starts_at > utcnow()
    form = FlaskForm()
    if form.validate_on_submit():
        if not open_for_requests:
            flash(
                "Deze vergadering is geweest of geannuleerd; er gaan geen verzoeken meer uit.",
                "error",
            )
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
        count = send_by_hand(meeting, utcnow())
        record(
            "meeting.requests",
            current_user,
            f"{meeting.series.name} {dutch_date(meeting.starts_at)}",
            f"Verzoek om voortgang met de hand verstuurd aan {count} personen",
        )
        db.session.commit()
        ready = "staat klaar en gaat" if count == 1 else "staan klaar en gaan"
        flash(
            f"{counted(count, 'verzoek', 'verzoeken')} om voortgang {ready} binnen een minuut weg "
            "(buiten werktijd om 09:00 op de eerstvolgende werkdag).",
            "info",
        )
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    since, previous = asking.recent_since(meeting)
    return render_template(
        "meetings/requests.html",
        meeting=meeting,
        rows=by_hand_preview(meeting, since),
        since=since,
        previous=previous,
        open_for_requests=open_for_requests,
        form=form,
    )
