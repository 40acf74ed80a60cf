"""The scheduler's job: send what the outbox says is due, exactly once.

``send_due_notifications(now)`` is a plain function: the APScheduler tick, the CLI and the
tests all call it. Each row is claimed in the database before it is sent (a single
conditional UPDATE; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so two schedulers running at
once never send the same row twice.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_mail import Message
from sqlalchemy import or_, select, update

from tracker.dates import dutch_date, to_local
from tracker.extensions import db
from tracker.mail import DeliveryError, deliver, new_message, render_email
from tracker.meetings.calendar import calendar_bytes
from tracker.meetings.models import Meeting
from tracker.notifications.models import Notification, NotificationKind, NotificationState
from tracker.notifications.planning import plan_upcoming, users_with_open_actions
from tracker.urls import external_url

PENDING = NotificationState.PENDING.value
SENDING = NotificationState.SENDING.value
#: Minutes to wait after the 1st, 2nd, … failed attempt; after the last the row is failed.
RETRY_MINUTES = [1, 5, 15, 60]
MAX_ATTEMPTS = len(RETRY_MINUTES) + 1
#: A row claimed this long ago whose sender died is put back (the Message-ID stays the same).
STALE_CLAIM = timedelta(minutes=15)
BATCH = 200


def message_id(key: str, domain: str) -> str:
    """Derived from the dedupe key: a resend after a crash carries the same Message-ID."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def _expire_and_recover(now: datetime) -> None:
    started = select(Meeting.id).where(Meeting.starts_at <= now)
    db.session.execute(
        update(Notification)
        .where(Notification.state == PENDING, Notification.meeting_id.in_(started))
        .values(state=NotificationState.EXPIRED.value, last_error="Vergadering al begonnen")
    )
    db.session.execute(
        update(Notification)
        .where(Notification.state == SENDING, Notification.claimed_at < now - STALE_CLAIM)
        .values(state=PENDING)
    )
    db.session.commit()


def claim_due(now: datetime, limit: int = BATCH) -> list[int]:
    """Atomically move due rows from pending to sending; returns the ids this process owns."""
    candidates = (
        select(Notification.id)
        .where(
            Notification.state == PENDING,
            Notification.due_at <= now,
            or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
        )
        .order_by(Notification.due_at, Notification.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    result = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(candidates.scalar_subquery()), Notification.state == PENDING)
        .values(state=SENDING, claimed_at=now, attempts=Notification.attempts + 1)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    )
    ids = [row[0] for row in result]
    db.session.commit()
    return ids


def _superseded(row: Notification, now: datetime) -> bool:
    """An older reminder that a later one (fewer days before) already replaces."""
    if row.kind != NotificationKind.REMINDER.value:
        return False
    later = db.session.scalar(
        select(Notification.id).where(
            Notification.meeting_id == row.meeting_id,
            Notification.recipient_id == row.recipient_id,
            Notification.kind == row.kind,
            Notification.offset_days < row.offset_days,
            Notification.due_at <= now,
            Notification.state.in_([PENDING, SENDING, NotificationState.SENT.value]),
        )
    )
    return later is not None


SUBJECTS = {
    NotificationKind.REMINDER: "Herinnering: {name} op {date}",
    NotificationKind.UPDATE_REQUEST: "Verzoek: werk uw acties bij vóór de {name} van {date}",
    NotificationKind.CHANGED: "Gewijzigd: {name} op {date}",
    NotificationKind.CANCELLED: "Geannuleerd: {name} van {date}",
}
TEMPLATES = {
    NotificationKind.REMINDER: "meeting_reminder",
    NotificationKind.UPDATE_REQUEST: "update_request",
    NotificationKind.CHANGED: "meeting_changed",
    NotificationKind.CANCELLED: "meeting_cancelled",
}


def build_message(row: Notification, open_actions: dict | None = None) -> Message:
    """The e-mail for one outbox row: Dutch, one recipient, the meeting's .ics attached.
    ``open_actions`` caches ``users_with_open_actions`` per plan for the whole tick, so a
    round of update requests queries it once, not once per recipient."""
    config = current_app.config
    meeting, user, kind = row.meeting, row.recipient, row.kind_enum
    series = meeting.series
    base_url = config["BASE_URL"].rstrip("/")
    tz = config["TIMEZONE"]
    date_text = dutch_date(meeting.starts_at, tz)
    subject = SUBJECTS[kind].format(name=series.name, date=date_text)
    if kind is NotificationKind.REMINDER and series.reminder_subject:
        subject = series.reminder_subject.format(naam=series.name, datum=date_text)
    context = {
        "user": user,
        "meeting": meeting,
        "series": series,
        "date_text": date_text,
        "start": to_local(meeting.starts_at, tz),
        "end": to_local(meeting.ends_at, tz),
        "meeting_url": external_url("meetings.detail", meeting_id=meeting.id),
        "profile_url": external_url("accounts.profile"),
        "days": row.offset_days,
    }
    if kind is NotificationKind.UPDATE_REQUEST:
        plan_id = series.action.theme.plan_id
        cache = open_actions if open_actions is not None else {}
        if plan_id not in cache:
            cache[plan_id] = users_with_open_actions(plan_id)
        actions = cache[plan_id].get(user.id, [])
        context["actions"] = [
            (a, external_url("plan.action", code=a.code, _anchor="voortgang")) for a in actions
        ]
    text, html = render_email(TEMPLATES[kind], **context)
    message = new_message(subject, user.email, text, html)
    domain = config.get("MESSAGE_ID_DOMAIN") or urlsplit(base_url).hostname or "localhost"
    message.msgId = message_id(row.dedupe_key, domain)
    message.attach(
        "vergadering.ics",
        "text/calendar; method=PUBLISH; charset=utf-8",
        calendar_bytes([meeting], base_url),
    )
    return message


def _send_one(row: Notification, now: datetime, open_actions: dict) -> bool:
    user = row.recipient
    if not user.is_enabled or not user.wants(row.kind):
        row.state = NotificationState.WITHDRAWN.value
        row.last_error = "Ontvanger uitgeschakeld of wil dit soort bericht niet"
        return False
    if _superseded(row, now):
        row.state = NotificationState.EXPIRED.value
        row.last_error = "Vervangen door een latere herinnering"
        return False
    message = build_message(row, open_actions)
    row.subject, row.body_text = message.subject, message.body
    try:
        deliver(message, name=f"{row.id}-{row.kind}")
    except DeliveryError as exc:
        row.last_error = str(exc)[:2000]
        if row.attempts >= MAX_ATTEMPTS:
            row.state = NotificationState.FAILED.value
            current_app.logger.error("Notification %s failed for good: %s", row.id, exc)
        else:
            row.state = PENDING
            row.next_attempt_at = now + timedelta(minutes=RETRY_MINUTES[row.attempts - 1])
        return False
    row.state = NotificationState.SENT.value
    row.sent_at = now
    row.message_id = message.msgId
    row.last_error = None
    return True


def send_due_notifications(now: datetime) -> int:
    """One scheduler tick: plan, expire what is too late, claim what is due, send it.
    Returns the number of e-mails sent."""
    plan_upcoming(now)
    db.session.commit()
    _expire_and_recover(now)
    sent, open_actions = 0, {}
    while ids := claim_due(now):
        for row_id in ids:
            row = db.session.get(Notification, row_id)
            sent += _send_one(row, now, open_actions)
            db.session.commit()
        if len(ids) < BATCH:
            break
    return sent


def retry(row: Notification, now: datetime) -> None:
    """A beheerder's retry of a failed row: back in the queue for a full round of attempts."""
    row.state = PENDING
    row.attempts = 0
    row.next_attempt_at = None
    row.due_at = min(row.due_at, now)
