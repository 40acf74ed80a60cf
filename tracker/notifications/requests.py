"""Update requests that went out before a meeting: which of the requested actions were
updated since the previous meeting of the series (on the meeting's page and the overview)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, case, distinct, func, select, union_all

from tracker.accounts.membership import ownerships
from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingSeries, MeetingState
from tracker.notifications import asking
from tracker.notifications.models import Notification, NotificationKind, NotificationState
from tracker.plan.models import Action, Theme
from tracker.plan.regions import current_region_id


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
    were updated since (shown on the overview). Counted in SQL by the rule of
    ``update_request_status``: the open actions the asked people own, updated after
    ``asking.recent_since``."""
    params = {"now": now, "region_id": current_region_id()}
    result = []
    for meeting, plan_id in db.session.execute(_ASKED_MEETINGS_AHEAD, params).all():
        since, _ = asking.recent_since(meeting)
        asked, updated = db.session.execute(
            _ASKED_AND_UPDATED, {"meeting_id": meeting.id, "plan_id": plan_id, "since": since}
        ).one()
        result.append({"meeting": meeting, "asked": asked, "updated": updated})
    return result


def _asked_and_updated():
    owned = union_all(*ownerships(Action.id.label("action_id"), Action.last_update_at)).subquery()
    updated = case((owned.c.last_update_at > bindparam("since"), owned.c.action_id))
    return select(func.count(distinct(owned.c.action_id)), func.count(distinct(updated))).where(
        owned.c.id.in_(_SENT_REQUESTS.with_only_columns(Notification.recipient_id).order_by(None))
    )


_ASKED_AND_UPDATED = _asked_and_updated()
