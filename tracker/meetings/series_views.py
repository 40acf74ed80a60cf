"""The overlegvormen (meeting series): the list, adding and editing one; saving re-plans the
reminders of its coming meetings."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.access import admin_required
from tracker.audit.services import record
from tracker.conflicts import Duplicate, StaleEdit, check_version, created_once, saving
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.forms import choices
from tracker.meetings.forms import SeriesForm
from tracker.meetings.models import MeetingSeries
from tracker.meetings.signals import meeting_changed
from tracker.params import parse_int
from tracker.plan.models import Action, Party, Theme
from tracker.plan.regions import current_region_id, in_region

SERIES_CHANGED = (
    "Iemand anders heeft deze overlegvorm gewijzigd nadat u de pagina opende. Uw invoer is "
    "niet opgeslagen en staat hieronder nog, zodat u haar kunt overnemen: open de overlegvorm "
    "opnieuw en breng uw wijziging daar aan."
)


def _fill_series_form(form: SeriesForm) -> None:
    actions = db.session.scalars(
        select(Action).join(Action.theme).order_by(Theme.number, Action.number)
    ).all()
    form.action.choices = choices(
        [("", "Geen")] + [(str(a.id), f"{a.code} {a.text[:60]}") for a in actions]
    )
    parties = db.session.scalars(
        select(Party).where(in_region(Party)).order_by(Party.kind, Party.short_name)
    ).all()
    party_choices = [(str(p.id), p.short_name) for p in parties]
    form.chair.choices = choices([("", "Geen")] + party_choices)
    form.secretary.choices = choices([("", "Geen")] + party_choices)
    form.participants.choices = choices(party_choices)


def _apply_series_form(series: MeetingSeries, form: SeriesForm) -> None:
    def party(value):
        return db.session.get(Party, int(value)) if value else None

    series.name = form.name.data.strip()
    series.action = db.session.get(Action, int(form.action.data)) if form.action.data else None
    series.min_per_year = form.min_per_year.data
    series.chair_party, series.secretary_party = party(form.chair.data), party(form.secretary.data)
    series.participants = [party(value) for value in form.participants.data or []]
    days = sorted({int(p) for p in form.reminder_days.data.split(",") if p.strip()}, reverse=True)
    series.reminder_days = ",".join(str(d) for d in days)
    series.sends_update_request = form.sends_update_request.data
    series.update_request_days = form.update_request_days.data
    series.tracks_attendance = form.tracks_attendance.data
    series.reminder_subject = (form.reminder_subject.data or "").strip()
    series.reminder_intro = (form.reminder_intro.data or "").strip()


def series_index():
    series = db.session.scalars(
        select(MeetingSeries)
        .where(in_region(MeetingSeries))
        .order_by(MeetingSeries.name)
        .options(
            joinedload(MeetingSeries.action).joinedload(Action.theme),
            joinedload(MeetingSeries.chair_party),
            joinedload(MeetingSeries.secretary_party),
        )
    ).all()
    return render_template("meetings/series_index.html", series=series)


@admin_required
def series_form(series_id: int | None = None):
    """Add or edit a series; saving re-plans the reminders of its coming meetings."""
    series = db.get_or_404(MeetingSeries, series_id) if series_id else None
    if series is not None and series.region_id != current_region_id():
        abort(404)
    form = SeriesForm()
    _fill_series_form(form)
    if request.method == "GET":
        if series:
            form.process(obj=series)
            form.action.data = str(series.action_id or "")
            form.chair.data = str(series.chair_party_id or "")
            form.secretary.data = str(series.secretary_party_id or "")
            form.participants.data = [str(p.id) for p in series.participants]
            form.reminder_days.data = ", ".join(str(d) for d in series.reminder_offsets)
        else:
            form.reminder_days.data, form.update_request_days.data = "14, 2", 14
            form.min_per_year.data = 1
    if form.validate_on_submit():
        try:
            if series is None:
                with created_once():
                    series = _save_series(None, form)
            else:
                shown = parse_int(form.version.data)
                if shown is None:
                    abort(400)  # not a form this page made: it always carries the version
                check_version(series, shown)
                with saving():  # a save at the same moment fails the version at the flush
                    _save_series(series, form)
                db.session.commit()
        except StaleEdit:  # a colleague's save since the form was shown
            page = render_template(
                "meetings/series_form.html", form=form, series=series, stale_message=SERIES_CHANGED
            )
            return page, 409
        except Duplicate:  # a series of the same name, created a moment ago
            form.name.errors.append(
                "Een overlegvorm met deze naam is zojuist al aangemaakt (een tweede klik, of een "
                "collega). Bekijk de lijst van overlegvormen voordat u opnieuw opslaat."
            )
            return render_template("meetings/series_form.html", form=form, series=None), 409
        flash(f"Overlegvorm '{series.name}' opgeslagen.", "info")
        return redirect(url_for("meetings.series_index"))
    status = 400 if form.errors else 200
    return render_template("meetings/series_form.html", form=form, series=series), status


def _save_series(series: MeetingSeries | None, form: SeriesForm) -> MeetingSeries:
    """A new series (``None``) or an edited one, with its coming meetings re-planned. Every
    save of an edited one is a new ``version``, its participants alone included (they live
    in a table of their own, which the version check does not see)."""
    if series is None:
        series = MeetingSeries(code=_unique_code(form.name.data), region_id=current_region_id())
        db.session.add(series)
    else:
        series.version += 1
    _apply_series_form(series, form)
    db.session.flush()
    now = utcnow()
    for meeting in series.meetings:
        meeting_changed.send(meeting, now=now)
    record("series.save", current_user, series.name, "Overlegvorm opgeslagen")
    return series


def _unique_code(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50] or "overleg"
    code, n = base, 1
    while db.session.scalar(select(MeetingSeries.id).where(MeetingSeries.code == code)):
        n += 1
        code = f"{base}-{n}"
    return code
