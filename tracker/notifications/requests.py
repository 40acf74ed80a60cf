"""Update requests that went out before a meeting: which of the requested actions were
updated since the previous meeting of the series (on the meeting's page and the overview)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select

from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingSeries, MeetingState
from tracker.notifications import asking
from tracker.notifications.models import Notification, NotificationKind, NotificationState
from tracker.plan.models import Action, Theme
from tracker.regions import current_region_id


def update_request_status(meeting: Meeting, plan_id: int | None = None) -> list[tuple] | None:
    """For a meeting whose update requests went out: each requested action, whether it was
    updated since the previous meeting of the series (``asking.recent_since``), and when its
    owner was asked. None when nobody was asked. ``plan_id``: the plan of the series' action,
    when the caller read it already."""
    requests = db.session.execute(_SENT_REQUESTS, {"meeting_id": meeting.id}).all()
    if not requests:
        return None
    if plan_id is None:
        plan_id = meeting.series.action.theme.plan_id
    open_actions = asking.users_with_open_actions(plan_id)
    since, _ = asking.recent_since(meeting)
    asked = {}
    for recipient_id, sent_at in requests:  # the earliest request counts
        for action in open_actions.get(recipient_id, []):
            if action.id not in asked:
                updated = action.last_update_at is not None and action.last_update_at > since
                asked[action.id] = (action, updated, sent_at)
    return sorted(asked.values(), key=lambda item: (item[0].theme_number, item[0].number))


#: Built once per process, like the one below (``plan.queries`` says why).
_SENT_REQUESTS = (
    select(Notification.recipient_id, Notification.sent_at)
    .where(
        Notification.meeting_id == bindparam("meeting_id"),
        Notification.kind == NotificationKind.UPDATE_REQUEST.value,
        Notification.state == NotificationState.SENT.value,
    )
    .order_by(Notification.sent_at, Notification.id)
)


#: Built once per process (the overview asks on every view; ``plan.queries`` says why).
_ASKED_MEETINGS_AHEAD = (
    select(Meeting, Theme.plan_id)
    .join(Meeting.series)
    .join(Action, Action.id == MeetingSeries.action_id)
    .join(Theme, Theme.id == Action.theme_id)
    .where(
        MeetingSeries.region_id == bindparam("region_id"),
        Meeting.starts_at > bindparam("now"),
        Meeting.state == MeetingState.PLANNED.value,
        Meeting.id.in_(
            select(Notification.meeting_id).where(
                Notification.kind == NotificationKind.UPDATE_REQUEST.value,
                Notification.state == NotificationState.SENT.value,
            )
        ),
    )
    .order_by(Meeting.starts_at)
)


def update_request_progress(now: datetime) -> list[dict]:
    """For coming meetings whose update requests went out: how many of the requested actions
    were updated since (shown on the overview)."""
    params = {"now": now, "region_id": current_region_id()}
    result = []
    for meeting, plan_id in db.session.execute(_ASKED_MEETINGS_AHEAD, params).all():
        status = update_request_status(meeting, plan_id) or []
        updated = sum(1 for _, is_updated, _ in status if is_updated)
        result.append({"meeting": meeting, "asked": len(status), "updated": updated})
    return result
