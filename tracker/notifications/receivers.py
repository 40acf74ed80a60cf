"""The outbox listens to the rest of the tracker: it plans a meeting's e-mail whenever the
meeting, its agenda or one of its actiepunten changes, and withdraws a leaver's pending
e-mail. ``create_app`` connects these once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from tracker.accounts import signals as accounts
from tracker.accounts.models import User
from tracker.extensions import db
from tracker.meetings import signals as meetings
from tracker.meetings.models import Meeting, MeetingOutcome
from tracker.notifications import planning
from tracker.notifications.models import Notification, NotificationState
from tracker.text import counted

_PENDING = Notification.state == NotificationState.PENDING.value


def _meeting_changed(meeting: Meeting, now: datetime, moved: bool = False) -> None:
    planning.plan_meeting(meeting, now, moved=moved)


def _agenda_published(meeting: Meeting, now: datetime) -> None:
    planning.plan_agenda(meeting, now)


def _outcome_changed(outcome: MeetingOutcome, now: datetime, deleted: bool = False) -> None:
    if outcome.is_follow_up:
        planning.plan_follow_up(outcome, now, deleted=deleted)


def _pending_mail(user: User) -> str | None:
    count = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.recipient_id == user.id, _PENDING)
    )
    return counted(count, "e-mail", "e-mails") + " in de wachtrij" if count else None


def _withdraw_pending_mail(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, _PENDING)
        .values(state=NotificationState.WITHDRAWN.value, last_error="Account uitgeschakeld")
    )


def connect_receivers() -> None:
    meetings.meeting_changed.connect(_meeting_changed)
    meetings.agenda_published.connect(_agenda_published)
    meetings.outcome_changed.connect(_outcome_changed)
    accounts.holdings_asked.connect(_pending_mail)
    accounts.handed_over.connect(_withdraw_pending_mail)
