"""Pages to read the plan: overview, themes, the action list and one action."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from tracker.dates import dutch_date, today_local, utcnow
from tracker.extensions import db
from tracker.meetings import services as meetings
from tracker.notifications.models import Notification, NotificationState
from tracker.plan import queries
from tracker.plan.schedule import describe_schedule
from tracker.privacy.scan import latest_scan
from tracker.progress import services as progress
from tracker.progress.forms import ProgressForm

bp = Blueprint("plan", __name__)


def _require_plan():
    """The current plan, or a friendly 503 page saying how to load it."""
    plan = queries.current_plan()
    if plan is None:
        abort(make_response(render_template("plan/empty.html"), 503))
    return plan


def _today():
    return today_local(current_app.config["TIMEZONE"])


@bp.get("/")
def overview():
    """Per theme: actions by status, what falls due this year and what is overdue."""
    plan = _require_plan()
    today = _today()
    summaries = queries.plan_summary(plan, today)
    now = utcnow()
    orphans, failed, privacy_scan = [], 0, None
    if current_user.is_admin:
        privacy_scan = latest_scan()
        orphans = progress.orphaned_actions(plan)
        failed = db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.state == NotificationState.FAILED.value
            )
        )
    return render_template(
        "plan/overview.html",
        plan=plan,
        summaries=summaries,
        totals=queries.sum_summaries(summaries),
        today=today,
        orphans=orphans,
        failed_notifications=failed,
        privacy_scan=privacy_scan,
        next_meetings=meetings.upcoming(now),
        update_requests=meetings.update_request_progress(now),
        meeting_flags=[s for s in meetings.standings(today.year, today, now) if s.standing.flag],
    )


@bp.get("/themas/<int:number>")
def theme(number: int):
    """One theme: its introduction and its actions."""
    plan = _require_plan()
    theme = queries.get_theme(plan, number)
    if theme is None:
        abort(404)
    actions = queries.find_actions(plan, queries.ActionFilter(theme=number))
    return render_template(
        "plan/theme.html", plan=plan, theme=theme, actions=actions, today=_today()
    )


@bp.get("/acties")
def actions():
    """All actions, filtered by query parameters so a filtered view can be bookmarked."""
    plan = _require_plan()
    errors, status = {}, 200
    try:
        action_filter = queries.parse_action_filter(request.args, plan)
    except queries.FilterError as exc:
        errors, status = exc.errors, 400
        action_filter = queries.ActionFilter()
    found = [] if errors else queries.find_actions(plan, action_filter)
    return (
        render_template(
            "plan/actions.html",
            plan=plan,
            actions=found,
            action_filter=action_filter,
            errors=errors,
            args=request.args,
            parties=queries.party_choices(),
            years=range(plan.start_year, plan.end_year + 1),
            today=_today(),
        ),
        status,
    )


def load_action(code: str):
    """The current plan's action with this code, or 404."""
    found = queries.get_action(_require_plan(), code)
    if found is None:
        abort(404)
    return found


def render_action_page(action, status: int = 200, **context):
    """The action page: text, planning, owners, the update form and both histories.
    Progress views re-render it with their form (errors and input kept) on a failed save."""
    tz = current_app.config["TIMEZONE"]
    if "progress_form" not in context:
        form = ProgressForm(formdata=None)
        form.status.data, form.signal.data = action.status, action.signal or ""
        form.version.data = str(action.version)
        context["progress_form"] = form
    return render_template(
        "plan/action.html",
        plan=action.theme.plan,
        action=action,
        interpretation=describe_schedule(action.schedule, lambda d: dutch_date(d, tz)),
        today=_today(),
        updates=progress.history(action),
        revisions=progress.revisions(action),
        **context,
    ), status


@bp.get("/acties/<code>")
def action(code: str):
    """One action: full text, planning and how it is read, owners, progress and revisions."""
    return render_action_page(load_action(code))
