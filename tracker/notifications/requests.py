"""Update requests that went out before a meeting: which of the requested actions were
updated since the previous meeting of the series (on the meeting's page and the overview)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select

from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingSeries, MeetingState
from tracker.notifications import asking
from tracker.notifications.models import Notification, NotificationKind, NotificationState
from tracker.regions import current_region_id


def update_request_status(meeting: Meeting) -> list[tuple] | None:
    """For a meeting whose update requests went out: each requested action, whether it was
    updated since the previous meeting of the series (``asking.recent_since``), and when its
    owner was asked. None when nobody was asked."""
    rows = db.session.scalars(
        select(Notification).where(
            Notification.meeting_id == meeting.id,
            Notification.kind == NotificationKind.UPDATE_REQUEST.value,
            Notification.state == NotificationState.SENT.value,
        )
    ).all()
    if not rows:
        return None
    open_actions = asking.users_with_open_actions(meeting.series.action.theme.plan_id)
    since, _ = asking.recent_since(meeting)
    seen, result = set(), []
    for row in sorted(rows, key=lambda r: r.sent_at):  # the earliest request counts
        for action in open_actions.get(row.recipient_id, []):
            if action.id not in seen:
                seen.add(action.id)
                updated = action.last_update_at is not None and action.last_update_at > since
                result.append((action, updated, row.sent_at))
    return sorted(result, key=lambda item: (item[0].theme.number, item[0].number))


#: Built once per process (the overview asks on every view; ``plan.queries`` says why).
_ASKED_MEETINGS_AHEAD = (
    select(Meeting)
    .join(Meeting.series)
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
    meetings = db.session.scalars(_ASKED_MEETINGS_AHEAD, params).all()
    result = []
    for meeting in meetings:
        status = update_request_status(meeting) or []
        updated = sum(1 for _, is_updated, _ in status if is_updated)
        result.append({"meeting": meeting, "asked": len(status), "updated": updated})
    return result
