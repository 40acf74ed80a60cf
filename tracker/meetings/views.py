"""Meetings: the list with per-year standings, a meeting's page, planning and changing
meetings, .ics downloads and import, and the secret-token calendar feeds (the series, the
overlegvormen, are in ``series_views``)."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.access import admin_required
from tracker.accounts.auth import refuse_guessers
from tracker.accounts.membership import party_ids_of
from tracker.accounts.models import User
from tracker.accounts.services import record_wrong_guess
from tracker.conditional import conditional
from tracker.dates import app_timezone, local_day, local_to_utc, local_today, to_local, utcnow
from tracker.extensions import db
from tracker.forms import choices
from tracker.meetings import services
from tracker.meetings.attendance import AttendanceForm, attendance_form
from tracker.meetings.calendar import calendar_bytes
from tracker.meetings.forms import (
    CancelForm,
    HeldForm,
    ImportForm,
    MeetingForm,
    OutcomeForm,
    agenda_form,
    outcome_form,
)
from tracker.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingOutcome,
    MeetingSeries,
    MeetingState,
)
from tracker.params import parse_int
from tracker.plan import queries
from tracker.plan.models import Action
from tracker.plan.regions import in_region
from tracker.urls import base_url
from tracker.web import download


def _series_choices(form_field, *, choose: bool = False) -> None:
    """The region's series; with ``choose`` an empty first option, so that a new meeting is
    never filed under whichever series the list happens to start with."""
    series = db.session.scalars(
        select(MeetingSeries).where(in_region(MeetingSeries)).order_by(MeetingSeries.name)
    )
    options = [(str(s.id), s.name) for s in series]
    form_field.choices = choices([("", "Kies het overleg"), *options] if choose else options)


_meeting_or_404 = services.meeting_or_404


def _year_arg() -> int:
    return parse_int(request.args.get("jaar"), 2000, 2100) or local_today().year


def index():
    """Upcoming and past meetings per series, and how each series stands this year."""
    now = utcnow()
    year = _year_arg()
    meetings = db.session.scalars(
        select(Meeting)
        .join(Meeting.series)
        .where(in_region(MeetingSeries))
        .order_by(Meeting.starts_at.desc())
    ).all()
    upcoming = sorted(
        (m for m in meetings if m.starts_at > now and m.state == MeetingState.PLANNED.value),
        key=lambda m: m.starts_at,
    )
    past = [m for m in meetings if m not in upcoming]
    plan = queries.current_plan()
    shown = {local_day(m.starts_at).year for m in meetings} | {local_today().year, year}
    if plan is not None:
        shown |= {plan.start_year, plan.end_year}
    return render_template(
        "meetings/index.html",
        upcoming=upcoming,
        past=past,
        standings=services.standings(year, local_today(), now),
        year=year,
        years=range(min(shown), max(shown) + 1),
    )


def _render_detail(
    meeting: Meeting,
    held_form: HeldForm | None = None,
    status: int = 200,
    cancel_form: CancelForm | None = None,
    outcome: OutcomeForm | None = None,
    agenda_item=None,
    attendance: AttendanceForm | None = None,
):

    user = current_user._get_current_object()
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        start=to_local(meeting.starts_at, app_timezone()),
        end=to_local(meeting.ends_at, app_timezone()),
        held_form=held_form or HeldForm(),
        cancel_form=cancel_form or CancelForm(),
        outcome_form=outcome or outcome_form(),
        agenda_form=agenda_item or agenda_form(),
        my_party_ids=party_ids_of(user),
        attendance_form=_attendance_form(meeting, attendance),
        is_past=meeting.starts_at <= utcnow(),
        today=local_today(),
    ), status


def _attendance_form(meeting: Meeting, posted: AttendanceForm | None):
    """The municipalities that attended, for a held meeting of a series that counts them."""
    if not meeting.series.tracks_attendance or meeting.state != MeetingState.HELD.value:
        return None
    return posted or attendance_form(meeting)


def detail(meeting_id: int):
    # The agenda's and the outcomes' actions and parties in a few queries, not one per row.
    meeting = _meeting_or_404(
        meeting_id,
        options=[
            selectinload(Meeting.items).selectinload(AgendaItem.actions).joinedload(Action.theme),
            selectinload(Meeting.items).joinedload(AgendaItem.presenter),
            selectinload(Meeting.outcomes)
            .selectinload(MeetingOutcome.actions)
            .joinedload(Action.theme),
            selectinload(Meeting.outcomes).joinedload(MeetingOutcome.party),
        ],
    )
    return _render_detail(meeting)


def _meeting_fields(form: MeetingForm) -> dict:
    """Date and local times from the form as UTC start and end, plus place and agenda."""
    return {
        "starts_at": local_to_utc(form.day.data, form.start.data, app_timezone()),
        "ends_at": local_to_utc(form.day.data, form.end.data, app_timezone()),
        "location": form.location.data or "",
        "agenda": form.agenda.data or "",
    }


@admin_required
def create():
    """Plan a meeting; its reminders are put in the outbox straight away."""
    form = MeetingForm()
    _series_choices(form.series, choose=True)
    if request.method == "GET" and request.args.get("reeks"):
        form.series.data = request.args["reeks"]
    if form.validate_on_submit():
        series = db.session.get(MeetingSeries, int(form.series.data))
        meeting = services.create_meeting(
            series, **_meeting_fields(form), author=current_user, now=utcnow()
        )
        if form.already_held.data:
            services.mark_held(meeting, current_user, utcnow())
        db.session.commit()
        flash(
            "De vergadering is vastgelegd als gehouden."
            if form.already_held.data
            else "Vergadering gepland; de herinneringen staan klaar.",
            "info",
        )
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    status = 400 if form.errors else 200
    return render_template("meetings/form.html", form=form, meeting=None), status


@admin_required
def edit(meeting_id: int):
    """Change date, time, place or agenda; those already reminded are told of a new time."""
    meeting = _meeting_or_404(meeting_id)
    if meeting.state != MeetingState.PLANNED.value:
        flash("Alleen geplande vergaderingen kunnen worden gewijzigd.", "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    form = MeetingForm()
    _series_choices(form.series)
    if request.method == "GET":
        start, end = (
            to_local(meeting.starts_at, app_timezone()),
            to_local(meeting.ends_at, app_timezone()),
        )
        form.series.data = str(meeting.series_id)
        form.day.data, form.start.data, form.end.data = start.date(), start.time(), end.time()
        form.location.data, form.agenda.data = meeting.location, meeting.agenda
    if form.validate_on_submit():
        changed = services.update_meeting(
            meeting, **_meeting_fields(form), author=current_user, now=utcnow()
        )
        if form.already_held.data:
            services.mark_held(meeting, current_user, utcnow())
        db.session.commit()
        flash("Vergadering gewijzigd." if changed else "Er was niets gewijzigd.", "info")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    status = 400 if form.errors else 200
    return render_template("meetings/form.html", form=form, meeting=meeting), status


@admin_required
def held(meeting_id: int):
    """Record that a meeting took place; its decisions and follow-ups are added after."""
    meeting = _meeting_or_404(meeting_id)
    form = HeldForm()
    if meeting.state != MeetingState.PLANNED.value or meeting.starts_at > utcnow():
        flash(
            "Alleen een geplande vergadering die begonnen is, kan als gehouden worden gemeld.",
            "error",
        )
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    if not form.validate_on_submit():
        return _render_detail(meeting, held_form=form, status=400)
    services.mark_held(meeting, current_user, utcnow())
    db.session.commit()
    flash(
        "Vergadering als gehouden vastgelegd. Leg hieronder de besluiten en actiepunten vast.",
        "info",
    )
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@admin_required
def cancel(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = CancelForm()
    if meeting.state != MeetingState.PLANNED.value:
        abort(400)
    if not form.validate_on_submit():
        return _render_detail(meeting, cancel_form=form, status=400)
    services.cancel(meeting, form.reason.data or "", current_user, utcnow())
    db.session.commit()
    flash("Vergadering geannuleerd; wie al een herinnering had, krijgt bericht.", "info")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


def _ics_response(data: bytes, filename: str) -> Response:
    return download(data, "text/calendar", filename, cache_control="private, max-age=300")


def meeting_ics(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    data = calendar_bytes([meeting], base_url(), timezone=app_timezone())
    return _ics_response(data, f"vergadering-{meeting.id}.ics")


@admin_required
def import_meetings():
    """Import meetings from an .ics file (e.g. exported from Outlook); known UIDs are skipped."""
    form = ImportForm()
    _series_choices(form.series, choose=True)
    report = None
    if form.validate_on_submit():
        series = db.session.get(MeetingSeries, int(form.series.data))
        report = services.import_ics(
            form.file.data.read(), series, current_user, utcnow(), app_timezone()
        )
        db.session.commit()
    status = 400 if form.errors else 200
    return render_template("meetings/import.html", form=form, report=report), status


# Series --------------------------------------------------------------------------------------


# Calendar feeds (secret token, no login: calendar clients cannot log in) ---------------------


def _feed_user(token: str) -> User:
    """The owner of a calendar link; a wrong link counts as a guess (``refuse_guessers``)."""
    now = utcnow()
    refuse_guessers("agenda", now)
    user = db.session.scalar(select(User).where(User.calendar_token == token))
    if user is None or not user.is_enabled:
        record_wrong_guess("agenda", request.remote_addr or "onbekend", now)
        abort(404)
    return user


def _users_meetings(user: User) -> list[Meeting]:
    series = list(
        db.session.scalars(
            select(MeetingSeries)
            .where(MeetingSeries.region_id == user.region_id)
            .options(selectinload(MeetingSeries.participants))
        )
    )
    if not user.is_admin:
        party_ids = party_ids_of(user)
        series = [s for s in series if s.party_ids & party_ids]
    if not series:
        return []
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.series_id.in_([s.id for s in series]))
            .order_by(Meeting.starts_at)
        )
    )


@conditional(period=None)
def personal_feed(token: str):
    """The meetings the user takes part in, for subscribing in Outlook."""
    user = _feed_user(token)
    data = calendar_bytes(
        _users_meetings(user),
        base_url(),
        "Actieplan Mensenhandel",
        timezone=app_timezone(),
    )
    return _ics_response(data, "actieplan-mensenhandel.ics")


@conditional(period=None)
def series_feed(token: str, series_code: str):
    user = _feed_user(token)
    series = db.session.scalar(
        select(MeetingSeries).where(
            MeetingSeries.code == series_code, MeetingSeries.region_id == user.region_id
        )
    )
    if series is None:
        abort(404)
    data = calendar_bytes(list(series.meetings), base_url(), series.name, timezone=app_timezone())
    return _ics_response(data, f"{series.code}.ics")
