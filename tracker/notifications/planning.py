"""Planning the outbox: which e-mails a meeting owes whom, and when.

Every e-mail has one row keyed by (kind, meeting, recipient, offset or sequence), so planning
can run any number of times (on every save and on every scheduler tick) without duplicates.
"""

from __future__ import annotations

from datetime import datetime, time

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker.accounts.membership import is_member
from tracker.accounts.models import Role, User
from tracker.dates import days_before_at, utcnow
from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingState
from tracker.meetings.signals import meeting_changed
from tracker.notifications.models import Notification, NotificationKind, NotificationState
from tracker.plan.models import Action, ActionOwner, Party, Status, Theme

PENDING = NotificationState.PENDING.value
SENT = NotificationState.SENT.value


def dedupe_key(kind: NotificationKind, meeting_id: int, user_id: int, extra: int | None) -> str:
    suffix = "" if extra is None else f":{extra}"
    return f"{kind.value}:{meeting_id}:{user_id}{suffix}"


def _send_time() -> time:
    hour, minute = current_app.config["REMINDER_TIME"].split(":")
    return time(int(hour), int(minute))


def recipients(meeting: Meeting) -> list[User]:
    """Active users of the parties taking part (their own party or municipality's party)."""
    party_ids = meeting.series.party_ids
    if not party_ids:
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(Party, is_member())
            .where(User.is_enabled.is_(True), Party.id.in_(party_ids))
            .order_by(User.id)
            .distinct()
        )
    )


def users_with_open_actions(plan_id: int) -> dict[int, list[Action]]:
    """Per active contributor or beheerder, the open actions their parties own."""
    rows = db.session.execute(
        select(User.id, Action)
        .join(Party, is_member())
        .join(ActionOwner, ActionOwner.party_id == Party.id)
        .join(Action, Action.id == ActionOwner.action_id)
        .join(Theme, Theme.id == Action.theme_id)
        .where(
            Theme.plan_id == plan_id,
            User.is_enabled.is_(True),
            User.role.in_([Role.CONTRIBUTOR.value, Role.ADMIN.value]),
            Action.status.not_in([Status.DONE.value, Status.DROPPED.value]),
        )
        .order_by(User.id, Theme.number, Action.number)
    ).all()
    result: dict[int, list[Action]] = {}
    for user_id, action in rows:
        actions = result.setdefault(user_id, [])
        if action not in actions:
            actions.append(action)
    return result


def _existing(meeting: Meeting) -> dict[str, Notification]:
    rows = db.session.scalars(select(Notification).where(Notification.meeting_id == meeting.id))
    return {row.dedupe_key: row for row in rows}


def _wanted(meeting: Meeting, people: list[User]) -> dict[str, tuple]:
    """key -> (kind, user, offset, due_at) for every reminder and update request owed."""
    tz = current_app.config["TIMEZONE"]
    send_time = _send_time()
    wanted = {}
    for user in people:
        if not user.wants(NotificationKind.REMINDER.value):
            continue
        for days in meeting.series.reminder_offsets:
            key = dedupe_key(NotificationKind.REMINDER, meeting.id, user.id, days)
            due = days_before_at(meeting.starts_at, days, send_time, tz)
            wanted[key] = (NotificationKind.REMINDER, user, days, due)
    series = meeting.series
    if series.sends_update_request and series.action is not None:
        open_actions = users_with_open_actions(series.action.theme.plan_id)
        for user in people:
            if user.id in open_actions and user.wants(NotificationKind.UPDATE_REQUEST.value):
                days = series.update_request_days
                key = dedupe_key(NotificationKind.UPDATE_REQUEST, meeting.id, user.id, days)
                due = days_before_at(meeting.starts_at, days, send_time, tz)
                wanted[key] = (NotificationKind.UPDATE_REQUEST, user, days, due)
    return wanted


def _add(kind, meeting, user, offset, due_at, key) -> None:
    """Insert the row unless it exists: a scheduler planning the same meeting at the same
    moment has then planned it already (INSERT … ON CONFLICT DO NOTHING on the dedupe key)."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(Notification)
        .values(
            kind=kind.value,
            recipient_id=user.id,
            meeting_id=meeting.id,
            offset_days=offset,
            dedupe_key=key,
            due_at=due_at,
            state=PENDING,
            attempts=0,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )


def _already_told(existing: dict[str, Notification]) -> set[int]:
    """Recipients who were already sent something about this meeting."""
    return {row.recipient_id for row in existing.values() if row.state == SENT}


def plan_meeting(meeting: Meeting, now: datetime, *, moved: bool = False) -> None:
    """Bring the meeting's outbox rows in line with the meeting. The caller commits.

    - planned and ahead: create missing reminders and update requests, move pending ones to
      the meeting's new time, withdraw those of people no longer taking part; when ``moved``,
      tell whoever was already reminded;
    - cancelled: withdraw what is pending and send a cancellation to whoever was reminded;
    - held or past: nothing is planned (the tick expires what is left).
    """
    existing = _existing(meeting)
    if meeting.state == MeetingState.CANCELLED.value:
        for row in existing.values():
            if row.state == PENDING and row.kind != NotificationKind.CANCELLED.value:
                row.state = NotificationState.WITHDRAWN.value
        users = {u.id: u for u in recipients(meeting)}
        for user_id in _already_told(existing):
            key = dedupe_key(NotificationKind.CANCELLED, meeting.id, user_id, None)
            if key not in existing and user_id in users:
                _add(NotificationKind.CANCELLED, meeting, users[user_id], None, now, key)
        return
    if meeting.state != MeetingState.PLANNED.value or meeting.starts_at <= now:
        return

    people = recipients(meeting)
    wanted = _wanted(meeting, people)
    for key, (kind, user, offset, due_at) in wanted.items():
        row = existing.get(key)
        if row is None:
            _add(kind, meeting, user, offset, due_at, key)
        elif row.state == PENDING and row.due_at != due_at:
            row.due_at = due_at
    for key, row in existing.items():
        planned_kinds = (NotificationKind.REMINDER.value, NotificationKind.UPDATE_REQUEST.value)
        if row.kind in planned_kinds and row.state == PENDING and key not in wanted:
            row.state = NotificationState.WITHDRAWN.value
    if moved:
        by_id = {u.id: u for u in people}
        for user_id in _already_told(existing):
            key = dedupe_key(NotificationKind.CHANGED, meeting.id, user_id, meeting.sequence)
            if key not in existing and user_id in by_id:
                _add(NotificationKind.CHANGED, meeting, by_id[user_id], None, now, key)


@meeting_changed.connect
def _meeting_changed(meeting: Meeting, now: datetime, moved: bool = False) -> None:
    plan_meeting(meeting, now, moved=moved)


def plan_upcoming(now: datetime) -> None:
    """Re-plan every planned meeting still ahead (new people, changed preferences)."""
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.state == MeetingState.PLANNED.value, Meeting.starts_at > now)
    ).all()
    for meeting in meetings:
        plan_meeting(meeting, now)
