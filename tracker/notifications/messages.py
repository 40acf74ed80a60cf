"""The e-mail for one outbox row: subject, Dutch text and HTML bodies, and the meeting's
.ics; the Message-ID derives from the row's key, so a resend carries the same one."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_mail import Message

from tracker.dates import dutch_date, to_local
from tracker.mail import new_message, render_email
from tracker.meetings.calendar import calendar_bytes
from tracker.notifications import asking
from tracker.notifications.models import Notification, NotificationKind
from tracker.notifications.signals import message_asked
from tracker.urls import base_url, external_url


def message_id(key: str, domain: str) -> str:
    """Derived from the dedupe key: a resend after a crash carries the same Message-ID."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


SUBJECTS = {
    NotificationKind.REMINDER: "Herinnering: {name} op {date}",
    NotificationKind.UPDATE_REQUEST: "Verzoek: werk uw acties bij vóór de {name} van {date}",
    NotificationKind.CHANGED: "Gewijzigd: {name} op {date}",
    NotificationKind.CANCELLED: "Geannuleerd: {name} van {date}",
    NotificationKind.FOLLOW_UP: "Herinnering actiepunt: uiterlijk {due}",
    NotificationKind.AGENDA: "Agenda: {name} op {date}",
}
TEMPLATES = {
    NotificationKind.REMINDER: "meeting_reminder",
    NotificationKind.UPDATE_REQUEST: "update_request",
    NotificationKind.CHANGED: "meeting_changed",
    NotificationKind.CANCELLED: "meeting_cancelled",
    NotificationKind.FOLLOW_UP: "follow_up_reminder",
    NotificationKind.AGENDA: "meeting_agenda",
}


#: A line that greets ("Beste deelnemer,", "Geachte leden", "Hallo allemaal!").
_GREETING = re.compile(
    r"^\s*(beste|geachte|hallo|hoi|goedemorgen|goedemiddag|goedenavond)\b[^,!:\n]*[,!:]?\s*",
    re.IGNORECASE,
)


def without_greeting(intro: str | None) -> str:
    """A series' custom intro without a greeting of its own: every mail already opens with
    "Beste <naam>,", and two greetings read as a mistake."""
    return _GREETING.sub("", intro or "", count=1).strip()


def build_message(row: Notification, now: datetime, tick_cache: dict | None = None) -> Message:
    """The e-mail for one outbox row: Dutch, one recipient, the meeting's .ics attached (the
    e-mail of another package's kind, an evaluation round's, that package writes:
    ``signals.message_asked``), going out at ``now``. ``tick_cache`` keeps for the whole tick
    what is the same for every recipient of a meeting (the actions to ask about, the .ics),
    so a round of reminders builds them once."""
    for _receiver, message in message_asked.send(row.kind_enum, row=row, message_id=message_id):
        return message
    config = current_app.config
    cache = tick_cache if tick_cache is not None else {}
    meeting, user, kind = row.meeting, row.recipient, row.kind_enum
    series = meeting.series
    root_url = base_url()
    tz = config["TIMEZONE"]
    date_text = dutch_date(meeting.starts_at, tz)
    outcome = row.outcome
    due_text = dutch_date(outcome.due_on) if outcome is not None else ""
    subject = SUBJECTS[kind].format(name=series.name, date=date_text, due=due_text)
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
        # Counted from the day it goes out: a reminder planned less than its offset ahead,
        # or sent after downtime or a weekend, says when the meeting really is.
        "days": (to_local(meeting.starts_at, tz).date() - to_local(now, tz).date()).days,
        "intro": without_greeting(series.reminder_intro),
        "outcome": outcome,
        "due_text": due_text,
    }
    if outcome is not None:
        context["action_links"] = [
            (a, external_url("progress.action", code=a.code)) for a in outcome.actions
        ]
    if kind is NotificationKind.UPDATE_REQUEST:
        if ("ask", meeting.id) not in cache:
            plan_id = series.action.theme.plan_id
            asked = asking.to_ask(meeting, asking.users_with_open_actions(plan_id))
            cache[("ask", meeting.id)] = asked
        actions = cache[("ask", meeting.id)].get(user.id, [])
        context["actions"] = [
            (a, external_url("progress.action", code=a.code, _anchor="voortgang")) for a in actions
        ]
    text, html = render_email(TEMPLATES[kind], **context)
    message = new_message(subject, user.email, text, html)
    domain = config.get("MESSAGE_ID_DOMAIN") or urlsplit(root_url).hostname or "localhost"
    message.msgId = message_id(row.dedupe_key, domain)
    if kind is NotificationKind.FOLLOW_UP:
        return message  # about a due date, not a meeting to put in the calendar
    ics_key = ("ics", meeting.id, meeting.sequence)
    if ics_key not in cache:
        cache[ics_key] = calendar_bytes([meeting], root_url, timezone=tz)
    message.attach(
        "vergadering.ics", "text/calendar; method=PUBLISH; charset=utf-8", cache[ics_key]
    )
    return message
