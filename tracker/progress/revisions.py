"""Revising the plan during its period: an action's text, planning and owners change with a
recorded reason, never silently; actions are added or let lapse the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from tracker.accounts.models import User
from tracker.audit.services import record
from tracker.conflicts import check_version, saving
from tracker.dates import local_day
from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingOutcome
from tracker.plan.models import Action, ActionOwner, Party, Plan, Status, Theme
from tracker.progress.models import ActionRevision
from tracker.progress.services import write_update


@dataclass(frozen=True)
class OwnerLine:
    party: Party | None
    label: str | None
    role: str | None
    is_lead: bool


def owners_from_rows(rows: list[dict], lead: str | None) -> tuple[list[OwnerLine], list[str]]:
    """Owners from the form's rows ({party, label, role}; blank rows skipped) and the index
    of the trekker's row; returns (owners, Dutch error messages)."""
    parties = {p.code: p for p in db.session.scalars(select(Party))}
    owners, errors, lead_found = [], [], False
    for index, row in enumerate(rows):
        code, label = row.get("party") or "", (row.get("label") or "").strip()
        role = (row.get("role") or "").strip() or None
        if not code and not label:
            continue
        is_lead = lead == str(index)
        lead_found |= is_lead
        if code and label:
            errors.append(
                f"Rij {index + 1}: kies een partij óf schrijf een omschrijving, niet allebei."
            )
        elif code and code not in parties:
            errors.append(f"Rij {index + 1}: deze partij bestaat niet (meer); kies er een.")
        else:
            owners.append(OwnerLine(parties.get(code), label or None, role, is_lead))
    if not owners and not errors:
        errors.append("Geef minstens één eigenaar op: kies een partij of schrijf een omschrijving.")
    if lead and not lead_found and owners:
        errors.append("De trekker staat op een lege rij; kies de trekker bij een ingevulde rij.")
    if owners and not any(o.is_lead for o in owners):
        first = owners[0]
        owners[0] = OwnerLine(first.party, first.label, first.role, True)
    return owners, errors


def owner_rows(action: Action) -> tuple[list[dict], str]:
    """The form's rows for an action's owners, and the trekker's row index."""
    rows = [
        {"party": o.party.code if o.party else "", "label": o.label or "", "role": o.role or ""}
        for o in action.owners
    ]
    lead = next((str(i) for i, o in enumerate(action.owners) if o.is_lead), "0")
    return rows, lead


def revisions(action: Action) -> list[ActionRevision]:
    """An action's revisions, newest first."""
    return list(db.session.scalars(_REVISIONS, {"action_id": action.id}))


#: Built once per process (the action page reads it; ``plan.queries`` says why).
_REVISIONS = (
    select(ActionRevision)
    .where(ActionRevision.action_id == bindparam("action_id"))
    .order_by(ActionRevision.created_at.desc(), ActionRevision.id.desc())
)


def _owners_snapshot(owners) -> list[str]:
    result = []
    for owner in owners:
        name = owner.party.short_name if owner.party else owner.label
        role = f" ({owner.role})" if owner.role else ""
        lead = " [trekker]" if owner.is_lead else ""
        result.append(f"{name}{role}{lead}")
    return result


def _owner_rows(owners: list[OwnerLine]) -> list[ActionOwner]:
    return [
        ActionOwner(position=i, party=o.party, label=o.label, role=o.role, is_lead=o.is_lead)
        for i, o in enumerate(owners, start=1)
    ]


def revise_action(
    action: Action,
    author: User,
    *,
    reason: str,
    text: str,
    planning: str,
    owners_text: str,
    owners: list[OwnerLine],
    is_per_municipality: bool,
    expected_version: int,
    now: datetime,
    decision_id: int | None = None,
) -> ActionRevision | None:
    """Change the plan's wording of an action; returns None when nothing changed."""
    check_version(action, expected_version)
    with saving():
        revision = _write_revision(
            action, author, reason, text, planning, owners_text, owners, is_per_municipality, now
        )
        if revision is not None:
            revision.decision_id = decision_id
    return revision


def _write_revision(
    action, author, reason, text, planning, owners_text, owners, is_per_municipality, now
):
    changes: dict[str, list] = {}
    for field, value in (
        ("text", text.strip()),
        ("owners_text", owners_text.strip()),
        ("is_per_municipality", is_per_municipality),
    ):
        if getattr(action, field) != value:
            changes[field] = [getattr(action, field), value]
            setattr(action, field, value)
    if action.planning != planning.strip():
        changes["planning"] = [action.planning, planning.strip()]
    if changes:
        action.set_planning(planning.strip())  # the text tells "then ongoing" too
    old_owners = _owners_snapshot(action.owners)
    new_owners = _owners_snapshot(owners)
    if old_owners != new_owners:
        changes["owners"] = [old_owners, new_owners]
        action.owners = _owner_rows(owners)
    if not changes:
        return None
    action.revised_at = now
    revision = ActionRevision(
        action=action, author_id=author.id, created_at=now, reason=reason.strip(), changes=changes
    )
    db.session.add(revision)
    record("plan.revise", author, f"actie {action.code}", reason.strip(), changes=changes)
    return revision


def create_action(
    theme: Theme,
    number: int,
    author: User,
    *,
    reason: str,
    text: str,
    planning: str,
    owners_text: str,
    owners: list[OwnerLine],
    is_per_municipality: bool,
    now: datetime,
    decision_id: int | None = None,
) -> Action:
    action = Action(
        theme=theme,
        number=number,
        text=text.strip(),
        owners_text=owners_text.strip(),
        is_per_municipality=is_per_municipality,
        revised_at=now,
        owners=_owner_rows(owners),
    )
    action.set_planning(planning.strip())
    db.session.add(action)
    db.session.flush()
    changes = {"nieuw": [None, f"{theme.number}.{number}"]}
    db.session.add(
        ActionRevision(
            action=action,
            author_id=author.id,
            created_at=now,
            reason=reason,
            changes=changes,
            decision_id=decision_id,
        )
    )
    record("plan.add_action", author, f"actie {action.code}", reason.strip())
    return action


def drop_action(
    action: Action,
    author: User,
    *,
    reason: str,
    expected_version: int,
    now,
    decision_id: int | None = None,
):
    """Mark an action vervallen: a revision for the plan and a progress update for its state."""
    check_version(action, expected_version)
    db.session.add(
        ActionRevision(
            action=action,
            author_id=author.id,
            created_at=now,
            reason=reason.strip(),
            changes={"status": [action.status, Status.DROPPED.value]},
            decision_id=decision_id,
        )
    )
    with saving():
        return write_update(
            action,
            author,
            Status.DROPPED.value,
            action.signal,
            f"Actie vervallen: {reason.strip()}",
            None,
            now,
        )


def plan_decisions(
    plan: Plan, since: datetime | None = None, until: datetime | None = None
) -> list:
    """The meeting decisions that adopted ``plan`` and changed its actions (revised, added,
    dropped), oldest first, as the reports' plain data; only those of meetings between
    ``since`` and ``until`` when given."""

    def within(decision) -> bool:
        starts = decision.meeting.starts_at
        return (since is None or starts > since) and (until is None or starts <= until)

    def as_data(decision, what: str, note: str) -> dict:
        return {
            "what": what,
            "meeting": decision.meeting.series.name,
            "date": local_day(decision.meeting.starts_at).isoformat(),
            "text": decision.text,
            "note": note,
        }

    rows = db.session.execute(
        select(ActionRevision, MeetingOutcome)
        .join(MeetingOutcome, MeetingOutcome.id == ActionRevision.decision_id)
        .join(Action, Action.id == ActionRevision.action_id)
        .join(Theme, Theme.id == Action.theme_id)
        .where(Theme.plan_id == plan.id)
        .options(joinedload(MeetingOutcome.meeting).joinedload(Meeting.series))
        .order_by(ActionRevision.created_at, ActionRevision.id)
    ).all()
    result = []
    if plan.decision is not None and within(plan.decision):
        result.append(as_data(plan.decision, "Plan vastgesteld", ""))
    result += [
        as_data(decision, f"Actie {revision.action.code}", revision.reason)
        for revision, decision in rows
        if within(decision)
    ]
    return result
