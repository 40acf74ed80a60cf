"""The overview (per theme, what needs attention) and Mijn acties (what is mine to update)."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from tracker.accounts.auth import can_edit_municipality
from tracker.accounts.membership import party_ids_of
from tracker.dates import local_today, utcnow
from tracker.evaluation import rounds as evaluation
from tracker.extensions import db
from tracker.meetings import outcomes
from tracker.meetings import services as meetings
from tracker.municipalities import views as municipal_views
from tracker.notifications.models import Notification, NotificationState, of_region
from tracker.notifications.requests import update_request_progress
from tracker.plan import overview as figures
from tracker.plan.views import require_plan
from tracker.progress import queries as progress
from tracker.progress import services as progress_services
from tracker.redaction.scan import confirmations_to_review, latest_scan


def overview():
    """Per theme: actions by status, what falls due this year and what is overdue."""
    plan = require_plan()
    today = local_today()
    rows = figures.theme_counts(plan, today)
    totals = figures.totals_of(rows)
    show_all = request.args.get("toon", "")
    lists = figures.action_lists(plan, totals, today, show_all)
    flagged = progress_services.commitments_needing_attention(plan, today)
    lists["jaarlijks"] = figures.ActionList(
        "jaarlijks",
        flagged if show_all == "jaarlijks" else flagged[: figures.LIST_CAP],
        len(flagged),
    )
    now = utcnow()
    orphan_count, quiet, failed, privacy_scan, to_review = 0, [], 0, None, []
    if current_user.is_admin:
        privacy_scan = latest_scan()
        to_review = confirmations_to_review(now)
        orphan_count = progress.count_orphaned_actions(plan)
        quiet = progress.quiet_sole_contacts(plan, now)
        failed = db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.state == NotificationState.FAILED.value, of_region()
            )
        )
    return render_template(
        "dashboard/overview.html",
        plan=plan,
        rows=rows,
        totals=totals,
        lists=lists,
        today=today,
        orphan_count=orphan_count,
        quiet_contacts=quiet,
        failed_notifications=failed,
        privacy_scan=privacy_scan,
        confirmations_to_review=to_review,
        next_meetings=meetings.upcoming(now),
        update_requests=update_request_progress(now),
        meeting_flags=[s for s in meetings.standings(today.year, today, now) if s.standing.flag],
    )


def my_actions():
    """The actions of the user's party (and municipality), and which need an update."""
    plan = require_plan()
    user = current_user._get_current_object()
    now = utcnow()
    year = local_today().year
    last_table = meetings.last_held("regionale-tafel", now)
    party_ids = party_ids_of(user)
    items = progress.my_actions(
        user,
        plan,
        party_ids,
        now,
        current_app.config["UPDATE_DUE_DAYS"],
        since=last_table.starts_at if last_table else None,
    )
    municipal, municipal_form = [], None
    if user.municipality_id and can_edit_municipality(user, user.municipality_id):
        municipal_form = municipal_views.form_for(plan, user.municipality, "mijn-acties")
    elif user.municipality_id:
        municipal = progress.municipality_items(plan, user.municipality_id, year)
    orphans = progress.orphaned_actions(plan) if user.is_admin else []
    evaluation_round = evaluation.round_of(plan)
    return render_template(
        "dashboard/my_actions.html",
        evaluation_round=evaluation_round,
        to_evaluate=evaluation.still_to_evaluate(user, evaluation_round, party_ids),
        items=items,
        municipal=municipal,
        municipal_form=municipal_form,
        STALE_ROW=municipal_views.STALE_ROW,
        year=year,
        orphans=orphans,
        due_days=current_app.config["UPDATE_DUE_DAYS"],
        follow_ups=outcomes.open_follow_ups(party_ids),
        today=local_today(),
    )
