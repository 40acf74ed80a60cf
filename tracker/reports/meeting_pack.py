"""The meeting pack ("vergaderstukken"): a meeting's agenda and what changed since the previous
meeting of its series, as one PDF (a route on the reports blueprint)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.dates import dutch_date, local_day, utcnow
from tracker.extensions import db
from tracker.meetings.agenda import open_follow_ups_of_series
from tracker.meetings.models import Meeting
from tracker.meetings.services import meeting_or_404, previous_held
from tracker.plan.models import SIGNAL_LABELS, STATUS_LABELS, Action, Signal, Status
from tracker.privacy.guard import mask_free_text
from tracker.progress.models import ProgressUpdate
from tracker.reports.pdf import render_pdf
from tracker.reports.views import _audit_export
from tracker.web import download


def pack_data(meeting: Meeting) -> dict:
    """Plain data for the pack: facts, agenda, changes since the previous meeting (up to this
    one: printed afterwards, later updates belong to the next meeting's pack), actiepunten."""
    previous = previous_held(meeting)
    since = (
        previous.starts_at
        if previous
        else meeting.starts_at - timedelta(days=current_app.config["UPDATE_DUE_DAYS"])
    )
    updates = db.session.scalars(
        select(ProgressUpdate)
        .where(
            ProgressUpdate.created_at > since,
            ProgressUpdate.created_at <= min(meeting.starts_at, utcnow()),
        )
        .options(
            joinedload(ProgressUpdate.action).joinedload(Action.theme),
            joinedload(ProgressUpdate.author),
        )
        .order_by(ProgressUpdate.created_at)
    ).all()

    def signal(value):
        return SIGNAL_LABELS[Signal(value)] if value else "–"

    return {
        "series": meeting.series.name,
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "location": meeting.location,
        "published": meeting.agenda_version > 0,
        "since": {
            "date": since.isoformat(),
            "label": (
                f"sinds de vorige {meeting.series.name} ({dutch_date(previous.starts_at)})"
                if previous
                else f"in de {current_app.config['UPDATE_DUE_DAYS']} dagen vóór deze vergadering"
            ),
        },
        "items": [
            {
                "title": item.title,
                "presenter": item.presenter.short_name if item.presenter else "",
                "minutes": item.duration_minutes,
                "theme": item.theme_number,
                "codes": [a.code for a in item.actions],
            }
            for item in meeting.items
        ],
        "changes": [
            {
                "code": u.action.code,
                "at": u.created_at.isoformat(),
                "author": u.author.name if u.author else "",
                "status": f"{STATUS_LABELS[Status(u.status_before)]} → "
                f"{STATUS_LABELS[Status(u.status_after)]}"
                if u.status_before != u.status_after
                else STATUS_LABELS[Status(u.status_after)],
                "signal": signal(u.signal_after),
                "text": u.text,
            }
            for u in updates
        ],
        "follow_ups": [
            {
                "text": f.text,
                "party": f.party.short_name if f.party else "",
                "due": f.due_on.isoformat() if f.due_on else None,
                "codes": [a.code for a in f.actions],
            }
            for f in open_follow_ups_of_series(meeting)
        ],
    }


def meeting_pack(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    if not meeting.agenda_version and not current_user.is_admin:
        abort(404)  # a draft agenda is the beheerder's until it is published
    data, _ = mask_free_text(pack_data(meeting))
    html = render_template("reports/meeting_pack.html", pack=data, made_by=current_user.name)
    day = local_day(meeting.starts_at)  # read before the audit's commit expires the meeting
    name = f"vergaderstukken-{day:%Y-%m-%d}.pdf"
    _audit_export("meeting.pack", f"Vergaderstukken {meeting.series.name}")
    return download(render_pdf(html), "application/pdf", name)
