"""Planning the outbox: which e-mails a meeting owes whom, and when.

Every e-mail has one row keyed by (kind, meeting, recipient, offset or sequence), so planning
can run any number of times (on every save and on every scheduler tick) without duplicates.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import lazyload

from tracker.accounts.membership import is_member
from tracker.accounts.models import Role, User
from tracker.dates import app_timezone, days_before_at, local_day, local_to_utc, to_local
from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingOutcome, MeetingState, OutcomeKind
from tracker.notifications import asking
from tracker.notifications.models import (
    Notification,
    NotificationKind,
    NotificationState,
    add_once,
)
from tracker.plan.models import Party

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
            .options(lazyload(User.party), lazyload(User.municipality))
            .order_by(User.id)
            .distinct()
        )
    )


def _existing(meeting: Meeting) -> dict[str, Notification]:
    """The meeting's outbox rows by dedupe key: the rows alone (planning reads their columns,
    not the recipient and meeting they would otherwise join, thousands of times over)."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.meeting_id == meeting.id)
        .options(lazyload(Notification.recipient), lazyload(Notification.meeting))
    )
    return {row.dedupe_key: row for row in rows}


def _wanted(meeting: Meeting, people: list[User], existing: dict) -> dict[str, tuple]:
    """key -> (kind, user, offset, due_at) for every reminder and update request owed."""
    tz = app_timezone()
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
        asked = asking.to_ask(meeting, asking.users_with_open_actions(series.action.theme.plan_id))
        by_hand = asked_by_hand(existing)
        for user in asking.users_by_id(set(asked) - by_hand).values():
            if user.wants(NotificationKind.UPDATE_REQUEST.value):
                days = series.update_request_days
                key = dedupe_key(NotificationKind.UPDATE_REQUEST, meeting.id, user.id, days)
                due = days_before_at(meeting.starts_at, days, send_time, tz)
                wanted[key] = (NotificationKind.UPDATE_REQUEST, user, days, due)
    return wanted


#: ``offset_days`` of an update request the secretary sent by hand ("Verzoek nu versturen").
BY_HAND = 0


def asked_by_hand(existing: dict[str, Notification]) -> set[int]:
    """Recipients the secretary already asked by hand for this meeting (the automatic request
    is then not sent as well)."""
    return {
        row.recipient_id
        for row in existing.values()
        if row.kind == NotificationKind.UPDATE_REQUEST.value
        and row.offset_days == BY_HAND
        and row.state != NotificationState.WITHDRAWN.value
    }


def _add(kind, meeting, user, offset, due_at, key, outcome_id: int | None = None) -> None:
    """``outcome_id``: the actiepunt a FOLLOW_UP reminder is about."""
    add_once(
        kind, user.id, due_at, key, meeting_id=meeting.id, outcome_id=outcome_id, offset_days=offset
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
    wanted = _wanted(meeting, people, existing)
    for key, (kind, user, offset, due_at) in wanted.items():
        row = existing.get(key)
        if row is None:
            _add(kind, meeting, user, offset, due_at, key)
        elif row.state == PENDING and row.due_at != due_at:
            row.due_at = due_at
    for key, row in existing.items():
        planned_kinds = (NotificationKind.REMINDER.value, NotificationKind.UPDATE_REQUEST.value)
        by_hand = row.kind == NotificationKind.UPDATE_REQUEST.value and row.offset_days == BY_HAND
        planned = row.kind in planned_kinds and not by_hand
        if planned and row.state == PENDING and key not in wanted:
            row.state = NotificationState.WITHDRAWN.value
    if moved:
        by_id = {u.id: u for u in people}
        for user_id in _already_told(existing):
            key = dedupe_key(NotificationKind.CHANGED, meeting.id, user_id, meeting.sequence)
            if key not in existing and user_id in by_id:
                _add(NotificationKind.CHANGED, meeting, by_id[user_id], None, now, key)


# Actiepunten ------------------------------------------------------------------------------


def _owners_of(outcome: MeetingOutcome) -> list[User]:
    """Active contributors and beheerders of the actiepunt's owner party."""
    if outcome.party_id is None:
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(Party, is_member())
            .where(
                User.is_enabled.is_(True),
                User.role.in_([Role.CONTRIBUTOR.value, Role.ADMIN.value]),
                Party.id == outcome.party_id,
            )
            .order_by(User.id)
            .distinct()
        )
    )


def plan_follow_up(outcome: MeetingOutcome, now: datetime, *, deleted: bool = False) -> None:
    """An open actiepunt gets one reminder per owner ``FOLLOW_UP_REMINDER_DAYS`` before its
    due date at the reminder time (at once when added later than that, while not yet due);
    done, deleted or past due, its pending reminders are withdrawn."""
    config = current_app.config
    tz, days = config["TIMEZONE"], config["FOLLOW_UP_REMINDER_DAYS"]
    rows = db.session.scalars(
        select(Notification).where(
            Notification.outcome_id == outcome.id, Notification.state == PENDING
        )
    ).all()
    today = to_local(now, tz).date()
    if deleted or not outcome.is_open or outcome.due_on < today:
        for row in rows:
            row.state = NotificationState.WITHDRAWN.value
        return
    due = max(local_to_utc(outcome.due_on - timedelta(days=days), _send_time(), tz) or now, now)
    kind = NotificationKind.FOLLOW_UP
    owners = [user for user in _owners_of(outcome) if user.wants(kind.value)]
    wanted = {f"{kind.value}:{outcome.id}:{user.id}:{days}" for user in owners}
    for row in rows:
        if row.dedupe_key not in wanted:  # no longer an owner, or no longer wants them
            row.state = NotificationState.WITHDRAWN.value
    for user in owners:
        key = f"{kind.value}:{outcome.id}:{user.id}:{days}"
        _add(kind, outcome.meeting, user, days, due, key, outcome_id=outcome.id)


def plan_agenda(meeting: Meeting, now: datetime) -> None:
    """Every participant who wants it gets the agenda as published now (version by version)."""
    kind = NotificationKind.AGENDA
    for user in recipients(meeting):
        if user.wants(kind.value):
            key = dedupe_key(kind, meeting.id, user.id, meeting.agenda_version)
            _add(kind, meeting, user, None, now, key)


def plan_follow_ups(now: datetime) -> None:
    """Every scheduler tick: open actiepunten get their reminders (new owners too), and
    reminders of actiepunten done or past due are withdrawn."""
    waiting = select(Notification.outcome_id).where(
        Notification.kind == NotificationKind.FOLLOW_UP.value, Notification.state == PENDING
    )
    items = db.session.scalars(
        select(MeetingOutcome).where(
            MeetingOutcome.kind == OutcomeKind.FOLLOW_UP.value,
            (MeetingOutcome.done_at.is_(None)) | MeetingOutcome.id.in_(waiting),
        )
    ).all()
    for item in items:
        plan_follow_up(item, now)
    # Reminders whose actiepunt is gone (SQLite does not cascade) are withdrawn.
    db.session.execute(
        update(Notification)
        .where(
            Notification.kind == NotificationKind.FOLLOW_UP.value,
            Notification.state == PENDING,
            Notification.outcome_id.not_in(select(MeetingOutcome.id)),
        )
        .values(state=NotificationState.WITHDRAWN.value)
    )


def plan_upcoming(now: datetime) -> None:
    """Re-plan every planned meeting still ahead (new people, changed preferences)."""
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.state == MeetingState.PLANNED.value, Meeting.starts_at > now)
    ).all()
    for meeting in meetings:
        plan_meeting(meeting, now)


def by_hand_preview(meeting: Meeting, since: datetime | None = None) -> list[dict]:
    """Who "Verzoek nu versturen" would ask for which actions, and who was asked already
    (``since`` as for ``asking.to_ask``)."""
    plan_id = meeting.series.action.theme.plan_id
    asked = asking.to_ask(meeting, asking.users_with_open_actions(plan_id), since)
    existing = _existing(meeting)
    sent = {
        row.recipient_id: row.sent_at
        for row in existing.values()
        if row.kind == NotificationKind.UPDATE_REQUEST.value and row.state == SENT
    }
    by_hand = asked_by_hand(existing)
    rows = []
    for user in sorted(asking.users_by_id(set(asked)).values(), key=lambda u: u.name):
        if user.id in by_hand:
            note = "al met de hand gevraagd"
        elif not user.wants(NotificationKind.UPDATE_REQUEST.value):
            note = "wil geen verzoeken ontvangen"
        else:
            note = ""
        rows.append(
            {"user": user, "actions": asked[user.id], "note": note, "sent_at": sent.get(user.id)}
        )
    return rows


def send_by_hand(meeting: Meeting, now: datetime) -> int:
    """Queue an update request now for everyone the preview would ask; returns how many. Their
    automatic request for this meeting is then withdrawn (planning skips them)."""
    count = 0
    for row in by_hand_preview(meeting):
        if row["note"]:
            continue
        key = dedupe_key(NotificationKind.UPDATE_REQUEST, meeting.id, row["user"].id, BY_HAND)
        _add(NotificationKind.UPDATE_REQUEST, meeting, row["user"], BY_HAND, now, key)
        count += 1
    db.session.flush()
    plan_meeting(meeting, now)
    return count


class PlanningMark:
    """The data version (and local day) the outbox was last planned against, per process.
    Re-planning every meeting ahead is what a tick costs; it is needed only when something
    could have changed what is owed (people, parties, preferences, open actions: any write
    moves the counter), or when a new day begins."""

    def __init__(self, marks: dict, day):
        self._marks, self._day = marks, day

    def __call__(self, version: int) -> bool:
        return self._marks.get("planned") == (version, self._day)

    def remember(self, version: int | None) -> None:
        self._marks["planned"] = None if version is None else (version, self._day)


def planning_mark(now: datetime) -> PlanningMark:
    """This process's mark, for the local day of ``now``."""
    marks = current_app.extensions.setdefault("outbox_planning", {})
    return PlanningMark(marks, local_day(now))
