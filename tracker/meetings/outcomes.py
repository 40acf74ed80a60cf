"""What held meetings decided (besluiten) and asked (actiepunten), and where they show: the
meeting page, the linked actions' pages, the owners' Mijn acties and the RVO report."""

from __future__ import annotations

import functools
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.audit.services import record
from tracker.dates import dutch_date, local_day
from tracker.extensions import db
from tracker.meetings.models import (
    Meeting,
    MeetingOutcome,
    MeetingSeries,
    OutcomeKind,
    outcome_action,
)
from tracker.meetings.signals import outcome_changed
from tracker.plan.models import Action, Party
from tracker.plan.regions import in_region


def _subject(outcome: MeetingOutcome) -> str:
    return f"{outcome.kind_enum.label} {outcome.meeting.subject}"


def add(
    meeting: Meeting,
    *,
    kind: OutcomeKind,
    text: str,
    actions: list[Action],
    party: Party | None,
    due_on: date | None,
    author,
    now: datetime,
) -> MeetingOutcome:
    """Record a decision or a follow-up (which needs an owner party and a due date)."""
    if kind is OutcomeKind.FOLLOW_UP and (party is None or due_on is None):
        raise ValueError("an actiepunt needs an owner party and a due date")
    outcome = MeetingOutcome(
        meeting=meeting,
        kind=kind.value,
        text=text.strip(),
        actions=actions,
        party=party if kind is OutcomeKind.FOLLOW_UP else None,
        due_on=due_on if kind is OutcomeKind.FOLLOW_UP else None,
        created_at=now,
        created_by_id=getattr(author, "id", None),
    )
    db.session.add(outcome)
    db.session.flush()
    record("meeting.outcome", author, _subject(outcome), outcome.text[:200])
    outcome_changed.send(outcome, now=now)
    return outcome


def set_done(outcome: MeetingOutcome, done: bool, author, now: datetime) -> None:
    outcome.done_at = now if done else None
    outcome.done_by_id = getattr(author, "id", None) if done else None
    summary = "Actiepunt afgerond" if done else "Actiepunt weer open"
    record("meeting.outcome_done", author, _subject(outcome), summary)
    outcome_changed.send(outcome, now=now)


def delete(outcome: MeetingOutcome, author, now: datetime) -> None:
    record("meeting.outcome_delete", author, _subject(outcome), outcome.text[:200])
    outcome_changed.send(outcome, now=now, deleted=True)
    db.session.delete(outcome)


def _with_context(stmt):
    return stmt.options(
        joinedload(MeetingOutcome.meeting),
        joinedload(MeetingOutcome.party),
        selectinload(MeetingOutcome.actions).joinedload(Action.theme),
    )


def for_action(action: Action) -> list[MeetingOutcome]:
    """Every decision and follow-up linked to ``action``, newest meeting first."""
    return list(db.session.scalars(_of_action(), {"action_id": action.id}).unique())


@functools.cache
def _of_action():
    """Built once per process (the action page reads it; ``plan.queries`` says why), on first
    use: loader options map every model, which must all be imported by then."""
    return _with_context(
        select(MeetingOutcome)
        .join(MeetingOutcome.meeting)
        .where(
            MeetingOutcome.id.in_(
                select(outcome_action.c.outcome_id).where(
                    outcome_action.c.action_id == bindparam("action_id")
                )
            )
        )
        .order_by(Meeting.starts_at.desc(), MeetingOutcome.id)
    )


def open_follow_ups(party_ids: set[int] | None = None) -> list[MeetingOutcome]:
    """Follow-ups not yet done, soonest due first; only those of ``party_ids`` when given."""
    if party_ids is None:
        return list(db.session.scalars(_open_follow_ups(of_parties=False)).unique())
    if not party_ids:
        return []
    found = db.session.scalars(_open_follow_ups(of_parties=True), {"party_ids": list(party_ids)})
    return list(found.unique())


@functools.cache
def _open_follow_ups(of_parties: bool):
    """Built once per process, like ``_of_action`` (Mijn acties reads it on every view: built
    anew, with its loader options, it cost a sixth of that page)."""
    stmt = select(MeetingOutcome).where(
        MeetingOutcome.kind == OutcomeKind.FOLLOW_UP.value, MeetingOutcome.done_at.is_(None)
    )
    if of_parties:
        stmt = stmt.where(MeetingOutcome.party_id.in_(bindparam("party_ids", expanding=True)))
    return _with_context(stmt.order_by(MeetingOutcome.due_on, MeetingOutcome.id))


def as_data(outcome: MeetingOutcome, today: date) -> dict:
    """A follow-up as the report's plain data."""
    return {
        "text": outcome.text,
        "party": outcome.party.short_name if outcome.party else "",
        "due": outcome.due_on.isoformat() if outcome.due_on else None,
        "overdue": bool(outcome.due_on and outcome.due_on < today),
        "meeting": outcome.meeting.series.name,
        "meeting_date": local_day(outcome.meeting.starts_at).isoformat(),
        "codes": [a.code for a in outcome.actions],
    }


#: How many recent decisions a form offers to name (a plan change names a recent one).
DECISION_CHOICES = 60


def decision_choices() -> list[tuple[str, str]]:
    """The region's most recent meeting decisions (besluiten), newest first, as select
    options: "12 maart 2026 · Regionale Tafel Mensenhandel: <the decision>"."""
    rows = db.session.scalars(
        select(MeetingOutcome)
        .join(Meeting, Meeting.id == MeetingOutcome.meeting_id)
        .join(MeetingSeries, MeetingSeries.id == Meeting.series_id)
        .where(MeetingOutcome.kind == OutcomeKind.DECISION.value, in_region(MeetingSeries))
        .options(joinedload(MeetingOutcome.meeting))
        .order_by(Meeting.starts_at.desc(), MeetingOutcome.id.desc())
        .limit(DECISION_CHOICES)
    )
    return [(str(o.id), decision_label(o)) for o in rows]


def decision_label(outcome: MeetingOutcome) -> str:
    text = outcome.text if len(outcome.text) <= 90 else outcome.text[:89].rsplit(" ", 1)[0] + "…"
    meeting = outcome.meeting
    return f"{dutch_date(meeting.starts_at)} · {meeting.series.name}: {text}"
