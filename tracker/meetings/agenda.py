"""A meeting's agenda: ordered items, a proposal from the plan, and publishing it.

"Agenda voorstellen" proposes, between an opening and a closing item: the open actiepunten of
this series' meetings, the actions with signal Aandacht or Achterstand, the actions past their
deadline, the actions updated since the previous meeting of the series, and what other
packages add (``signals.proposals_asked``: the knelpunten proposed for the Tafel). Items already on
the agenda (same title) are not proposed twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, subqueryload

from tracker.audit.services import record
from tracker.dates import dutch_date
from tracker.extensions import db
from tracker.meetings.models import AgendaItem, Meeting, MeetingOutcome, OutcomeKind
from tracker.meetings.services import previous_held
from tracker.meetings.signals import agenda_published, proposals_asked
from tracker.plan.models import Action, ActionOwner, Party, Theme
from tracker.text import short

OPENING = "Opening en vaststellen van de agenda"
CLOSING = "Rondvraag en sluiting"
SHORT = 90


@dataclass
class Proposal:
    title: str
    actions: list[Action] = field(default_factory=list)
    presenter: Party | None = None
    theme_number: int | None = None


def add_item(
    meeting: Meeting,
    *,
    title: str,
    actions: list[Action],
    theme_number: int | None,
    presenter: Party | None,
    duration: int | None,
) -> AgendaItem:
    """A new item at the end, before the closing item if there is one."""
    closing = next((i for i in meeting.items if i.title == CLOSING), None)
    position = max((i.position for i in meeting.items), default=0) + 1
    if closing is not None:
        position, closing.position = closing.position, position
    item = AgendaItem(
        meeting=meeting,
        position=position,
        title=title.strip(),
        actions=actions,
        theme_number=theme_number,
        presenter=presenter,
        duration_minutes=duration,
    )
    db.session.add(item)
    meeting.items.sort(key=lambda i: i.position)
    return item


def change_item(
    item: AgendaItem,
    *,
    title: str,
    actions: list[Action],
    theme_number: int | None,
    presenter: Party | None,
    duration: int | None,
) -> None:
    item.title = title.strip()
    item.actions = actions
    item.theme_number = theme_number
    item.presenter = presenter
    item.duration_minutes = duration


def move(item: AgendaItem, step: int) -> None:
    """Swap the item with its neighbour above (-1) or below (+1)."""
    items = list(item.meeting.items)
    index = items.index(item)
    other = index + step
    if 0 <= other < len(items):
        items[index].position, items[other].position = items[other].position, items[index].position


def remove(item: AgendaItem) -> None:
    meeting = item.meeting
    meeting.items.remove(item)
    for position, rest in enumerate(meeting.items, start=1):
        rest.position = position


def _plan_actions(plan_id: int) -> list[Action]:
    return list(
        db.session.scalars(
            select(Action)
            .join(Action.theme)
            .where(Theme.plan_id == plan_id)
            .options(
                joinedload(Action.theme), subqueryload(Action.owners).joinedload(ActionOwner.party)
            )
            .order_by(Theme.number, Action.number)
        ).unique()
    )


def open_follow_ups_of_series(meeting: Meeting) -> list[MeetingOutcome]:
    """Actiepunten of this series' earlier meetings that are not done."""
    return list(
        db.session.scalars(
            select(MeetingOutcome)
            .join(MeetingOutcome.meeting)
            .where(
                Meeting.series_id == meeting.series_id,
                Meeting.starts_at < meeting.starts_at,
                MeetingOutcome.kind == OutcomeKind.FOLLOW_UP.value,
                MeetingOutcome.done_at.is_(None),
            )
            .order_by(MeetingOutcome.due_on, MeetingOutcome.id)
        )
    )


def proposals(meeting: Meeting, today: date) -> list[Proposal]:
    """What the plan puts on this meeting's agenda (see the module docstring)."""
    result = [Proposal(OPENING)]
    for follow_up in open_follow_ups_of_series(meeting):
        due = dutch_date(follow_up.due_on) if follow_up.due_on else "–"
        party = follow_up.party.short_name if follow_up.party else ""
        result.append(
            Proposal(
                f"Actiepunt {party} (uiterlijk {due}): {short(follow_up.text, SHORT)}",
                list(follow_up.actions),
                follow_up.party,
            )
        )
    if meeting.series.action is not None:
        actions = _plan_actions(meeting.series.action.theme.plan_id)
        flagged = [a for a in actions if a.signal in ("aandacht", "achterstand")]
        for action in flagged:
            label = "Achterstand" if action.signal == "achterstand" else "Aandacht"
            lead = action.lead_owner.party if action.lead_owner else None
            title = f"Actie {action.code} ({label}): {short(action.text, SHORT)}"
            result.append(Proposal(title, [action], lead))
        overdue = [a for a in actions if a.is_overdue(today) and a not in flagged]
        if overdue:
            codes = ", ".join(a.code for a in overdue)
            result.append(Proposal(f"Acties over hun termijn: {codes}", overdue))
        previous = previous_held(meeting)
        if previous is not None:
            changed = [
                a for a in actions if a.last_update_at and a.last_update_at > previous.starts_at
            ]
            if changed:
                codes = ", ".join(a.code for a in changed)
                result.append(
                    Proposal(
                        f"Voortgang sinds de vorige {meeting.series.name} "
                        f"({dutch_date(previous.starts_at)}): {codes}",
                        changed,
                    )
                )
    for _, asked in proposals_asked.send(meeting):
        result.extend(asked or [])
    result.append(Proposal(CLOSING))
    return result


def add_proposals(meeting: Meeting, today: date, author) -> int:
    """Put the proposals not yet on the agenda after its items (closing last); returns how
    many were added."""
    present = {item.title for item in meeting.items}
    fresh = [p for p in proposals(meeting, today) if p.title not in present]
    for proposal in fresh:  # add_item keeps the closing item last
        add_item(
            meeting,
            title=proposal.title,
            actions=proposal.actions,
            theme_number=proposal.theme_number,
            presenter=proposal.presenter,
            duration=None,
        )
    # The opening goes first, also when items were added by hand before proposing.
    items = sorted(meeting.items, key=lambda i: (i.title != OPENING, i.position))
    for position, item in enumerate(items, start=1):
        item.position = position
    meeting.items.sort(key=lambda i: i.position)
    if fresh:
        record("meeting.agenda", author, meeting.subject, f"{len(fresh)} agendapunten voorgesteld")
    return len(fresh)


def publish(meeting: Meeting, author, now: datetime) -> None:
    """The agenda as it is now goes to every participant (again, after a change)."""
    meeting.agenda_version += 1
    meeting.agenda_published_at = now
    db.session.flush()
    agenda_published.send(meeting, now=now)
    record(
        "meeting.agenda_publish",
        author,
        meeting.subject,
        f"Agenda versie {meeting.agenda_version}",
    )
