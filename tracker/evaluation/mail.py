"""The evaluation round's e-mails: the invitation listing the owner's actions, and the
reminder before the deadline listing those still to evaluate (sent through the outbox,
which builds them here)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_mail import Message

from tracker.dates import dutch_date, local_day
from tracker.evaluation import rounds
from tracker.mail import new_message, render_email
from tracker.notifications.asking import users_with_open_actions
from tracker.notifications.models import Notification, NotificationKind, NotificationState
from tracker.urls import base_url, external_url

SUBJECTS = {
    NotificationKind.EVALUATION: "Evaluatie {title}: evalueer uw acties vóór {deadline}",
    NotificationKind.EVALUATION_REMINDER: "Herinnering: evalueer uw acties vóór {deadline}",
}
#: After a reminder's subject when the deadline is not the one the round was opened with.
MOVED = " (termijn verschoven)"


def actions_to_list(row: Notification) -> list:
    """The invitation lists every action of the owner; the reminder those still open."""
    evaluation_round = row.evaluation_round
    if row.kind_enum is NotificationKind.EVALUATION_REMINDER:
        return rounds.still_to_evaluate(row.recipient, evaluation_round)
    owned = users_with_open_actions(evaluation_round.plan_id, open_only=False)
    return owned.get(row.recipient_id, [])


def withheld(row: Notification, now: datetime) -> dict | None:
    """The row's new values when its e-mail is not to go out after all: the deadline it
    names has passed (the outbox was held up: a server down, a mail server refusing), or
    it is a reminder to someone who evaluated everything already."""
    evaluation_round = row.evaluation_round
    if evaluation_round.deadline_passed(local_day(now)):
        deadline = dutch_date(evaluation_round.deadline)
        return {
            "state": NotificationState.EXPIRED.value,
            "last_error": f"Termijn van de evaluatie ({deadline}) al verstreken",
        }
    if row.kind_enum is NotificationKind.EVALUATION_REMINDER and not actions_to_list(row):
        return {
            "state": NotificationState.WITHDRAWN.value,
            "last_error": "Alle acties van de ontvanger zijn al geëvalueerd",
        }
    return None


def build(row: Notification, message_id) -> Message:
    evaluation_round = row.evaluation_round
    plan, user = evaluation_round.plan, row.recipient
    deadline = dutch_date(evaluation_round.deadline)
    kind = row.kind_enum
    # The reminder names the first deadline, which the owner read in the invitation; an
    # invitation (a late owner's, one held up past the first deadline) names only the new.
    moved_from = (
        evaluation_round.moved_from if kind is NotificationKind.EVALUATION_REMINDER else None
    )
    actions = actions_to_list(row)
    context = {
        "user": user,
        "plan": plan,
        "deadline": deadline,
        "moved_from": dutch_date(moved_from) if moved_from else None,
        "reminder": kind is NotificationKind.EVALUATION_REMINDER,
        "actions": [
            (a, external_url("evaluation.evaluate", slug=plan.slug, code=a.code)) for a in actions
        ],
        "overview_url": external_url("evaluation.index", slug=plan.slug),
        "municipality_url": (
            external_url("municipalities.municipality", code=user.municipality.code)
            if user.municipality_id
            else None
        ),
        "profile_url": external_url("accounts.profile"),
        "meeting": None,
        "outcome": None,
    }
    text, html = render_email("evaluation_request", **context)
    subject = SUBJECTS[kind].format(title=f"{plan.title} {plan.period}", deadline=deadline)
    subject += MOVED if moved_from else ""
    message = new_message(subject, user.email, text, html)
    config = current_app.config
    domain = config.get("MESSAGE_ID_DOMAIN") or urlsplit(base_url()).hostname or "localhost"
    message.msgId = message_id(row.dedupe_key, domain)
    return message
