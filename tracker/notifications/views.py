"""The outbox for beheerders (``/beheer/berichten``): every notification's state, attempts and
last error, the content of what was sent, and a retry for failed ones."""

from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from tracker.access import admin_required
from tracker.audit.services import record
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.notifications.civil import goes_out_at
from tracker.notifications.models import (
    Notification,
    NotificationKind,
    NotificationState,
    of_region,
)
from tracker.notifications.sending import retry as retry_row
from tracker.params import parse_int

# A meeting's page shows which requested actions were updated; the outbox knows.
PAGE_SIZE = 100


def _held_until(rows) -> dict[int, datetime]:
    """The waiting e-mails that civil hours hold back past their planned moment (a reminder
    planned for a Sunday), by id, with the moment they will go."""
    config = current_app.config
    if not config["CIVIL_HOURS"]:
        return {}
    held = {}
    for row in rows:
        if row.state != NotificationState.PENDING.value:
            continue
        # As the outbox judges it (``sending._within``): an actiepunt's reminder can wait.
        urgent = row.meeting is not None and row.kind != NotificationKind.FOLLOW_UP.value
        goes = goes_out_at(
            row.due_at, row.meeting.starts_at if urgent else None, config["TIMEZONE"]
        )
        if goes != row.due_at:
            held[row.id] = goes
    return held


def _row_or_404(row_id: int) -> Notification:
    row = db.get_or_404(Notification, row_id)
    if row.recipient.region_id != current_user.region_id:
        abort(404)
    return row


@admin_required
def index():
    """Every e-mail the tracker owes or sent, newest first, 100 a page, filterable by state."""
    state = request.args.get("status", "")
    stmt = select(Notification).where(of_region())
    if state in {s.value for s in NotificationState}:
        stmt = stmt.where(Notification.state == state)
    page = db.paginate(
        stmt.order_by(Notification.due_at.desc(), Notification.id.desc()),
        page=parse_int(request.args.get("pagina"), low=1, high=100_000) or 1,
        per_page=PAGE_SIZE,
        error_out=False,
    )
    counts = dict(
        db.session.execute(
            select(Notification.state, func.count()).where(of_region()).group_by(Notification.state)
        ).all()
    )
    return render_template(
        "notifications/index.html",
        rows=page.items,
        held=_held_until(page.items),
        page=page,
        counts=counts,
        state=state,
        states=list(NotificationState),
        form=FlaskForm(),
    )


@admin_required
def show(row_id: int):
    """One e-mail: its text as sent (or as it will be), state, attempts and last error."""
    row = _row_or_404(row_id)
    return render_template(
        "notifications/show.html", row=row, held=_held_until([row]), form=FlaskForm()
    )


@admin_required
def retry(row_id: int):
    """Put a failed (or expired) notification back in the queue."""
    row = _row_or_404(row_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if row.state not in (NotificationState.FAILED.value, NotificationState.EXPIRED.value):
        flash("Alleen mislukte of verlopen berichten kunnen opnieuw worden verstuurd.", "error")
    elif row.meeting is not None and row.meeting.starts_at <= utcnow():
        flash("De vergadering is al begonnen; dit bericht wordt niet meer verstuurd.", "error")
    else:
        retry_row(row, utcnow())
        record("notification.retry", current_user, row.dedupe_key, "Opnieuw in de wachtrij")
        db.session.commit()
        flash("Het bericht staat weer in de wachtrij en gaat bij de volgende ronde uit.", "info")
    return redirect(url_for("notifications.show", row_id=row.id))
