"""Progress logic: recording updates safely, per-municipality cells, revising the plan,
and the views of it per person (Mijn acties) and per gap (orphaned actions).

Optimistic concurrency: forms carry the version they were shown with. A save against an older
version raises ``StaleEdit`` and writes nothing; the database's version check
(``version_id_col``) also catches a race between two saves that both passed the form check.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, subqueryload
from sqlalchemy.orm.exc import StaleDataError

from tracker.accounts.membership import active_users_for_parties
from tracker.accounts.models import User
from tracker.audit.services import record
from tracker.extensions import db
from tracker.plan.models import Action, ActionOwner, Party, Plan, Status, Theme
from tracker.progress.models import ActionRevision, MunicipalityProgress, ProgressUpdate


class StaleEdit(Exception):
    """The object changed since the form was shown; nothing was saved."""


@dataclass(frozen=True)
class OwnerLine:
    party: Party | None
    label: str | None
    role: str | None
    is_lead: bool


_OWNER_LINE = re.compile(r"^(?P<lead>\*)?\s*(?P<name>[^()]+?)\s*(?:\((?P<role>[^()]*)\))?$")


def parse_owner_lines(text: str) -> tuple[list[OwnerLine], list[str]]:
    """Owners from the revision form, one per line; returns (owners, Dutch error messages)."""
    parties = {p.code.lower(): p for p in db.session.scalars(select(Party))}
    owners, errors = [], []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        if line.lower().startswith("tekst:"):
            label = line[6:].strip()
            if not label:
                errors.append(f"Regel {number}: vul na 'tekst:' de omschrijving in.")
            owners.append(OwnerLine(None, label, None, False))
            continue
        match = _OWNER_LINE.match(line)
        party = parties.get(match.group("name").strip().lower()) if match else None
        if party is None:
            errors.append(
                f"Regel {number}: '{line}' is geen bekende partijcode. Gebruik een code uit de "
                "lijst, of 'tekst: ...' voor een eigenaar die geen partij is."
            )
            continue
        role = (match.group("role") or "").strip() or None
        owners.append(OwnerLine(party, None, role, bool(match.group("lead"))))
    if not lines:
        errors.append("Geef minstens één eigenaar op.")
    if sum(o.is_lead for o in owners) > 1:
        errors.append("Markeer hoogstens één trekker met *.")
    if owners and not any(o.is_lead for o in owners):
        first = owners[0]
        owners[0] = OwnerLine(first.party, first.label, first.role, True)
    return owners, errors


def owner_lines_text(action: Action) -> str:
    """The owners of an action in the form's line syntax (inverse of ``parse_owner_lines``)."""
    lines = []
    for index, owner in enumerate(action.owners):
        prefix = "*" if owner.is_lead and index > 0 else ""
        if owner.party is None:
            lines.append(f"tekst: {owner.label}")
        else:
            role = f" ({owner.role})" if owner.role else ""
            lines.append(f"{prefix}{owner.party.code}{role}")
    return "\n".join(lines)


@contextmanager
def _saving():
    """Flush what the block wrote; a version clash at flush becomes StaleEdit (the UPDATE's
    ``WHERE version = …`` matched nothing). A unique-key clash (two first saves of the same
    cell) is a stale edit too. The caller commits, as with every service."""
    try:
        yield
        db.session.flush()
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        raise StaleEdit from exc
    except BaseException:
        db.session.rollback()
        raise


def _check_version(obj, expected_version: int) -> None:
    if obj.version != expected_version:
        raise StaleEdit


def record_update(
    action: Action,
    author: User,
    *,
    status: str,
    signal: str | None,
    text: str,
    link: str | None,
    expected_version: int,
    now: datetime,
) -> ProgressUpdate:
    """Add an immutable progress update and make it the action's current state."""
    _check_version(action, expected_version)
    with _saving():
        update = _add_update(action, author, status, signal, text, link, now)
    return update


def _add_update(action, author, status, signal, text, link, now) -> ProgressUpdate:
    update = ProgressUpdate(
        action=action,
        author_id=author.id,
        created_at=now,
        status_before=action.status,
        status_after=status,
        signal_before=action.signal,
        signal_after=signal or None,
        text=text.strip(),
        link=(link or "").strip() or None,
    )
    db.session.add(update)
    action.status = status
    action.signal = signal or None
    action.last_update_at = now
    record(
        "progress.update",
        author,
        f"actie {action.code}",
        f"{Status(update.status_before).label} → {Status(status).label}",
        status=status,
        signal=signal or None,
    )
    return update


def apply_batch(items: list[tuple[Action, dict]], author: User, now: datetime) -> None:
    """Record several updates in one transaction: all land, or (on a stale one) none."""
    with _saving():
        for action, change in items:
            _check_version(action, change["version"])
            _add_update(
                action, author, change["status"], change["signal"], change["text"], None, now
            )


def updates_since(action: Action, version_seen_at: datetime | None) -> list[ProgressUpdate]:
    """Updates newer than what the user saw (for the stale-save message)."""
    stmt = select(ProgressUpdate).where(ProgressUpdate.action_id == action.id)
    if version_seen_at is not None:
        stmt = stmt.where(ProgressUpdate.created_at > version_seen_at)
    return list(db.session.scalars(stmt.order_by(ProgressUpdate.created_at.desc()).limit(5)))


def history(action: Action) -> list[ProgressUpdate]:
    return list(
        db.session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.action_id == action.id)
            .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
        )
    )


def revisions(action: Action) -> list[ActionRevision]:
    return list(
        db.session.scalars(
            select(ActionRevision)
            .where(ActionRevision.action_id == action.id)
            .order_by(ActionRevision.created_at.desc(), ActionRevision.id.desc())
        )
    )


# Per municipality --------------------------------------------------------------------------


def municipality_cells(action: Action, year: int) -> dict[int, MunicipalityProgress]:
    """The stored cells of one action and year, by municipality id."""
    rows = db.session.scalars(
        select(MunicipalityProgress).where(
            MunicipalityProgress.action_id == action.id, MunicipalityProgress.year == year
        )
    )
    return {row.municipality_id: row for row in rows}


def update_municipality_cell(
    action: Action,
    municipality,
    year: int,
    author: User,
    *,
    status: str,
    note: str,
    expected_version: int,
    now: datetime,
) -> MunicipalityProgress:
    """Set one municipality's status and note for a year; version 0 means 'not yet stored'."""
    with _saving():
        cell = _write_cell(action, municipality, year, author, status, note, expected_version, now)
    return cell


def _write_cell(action, municipality, year, author, status, note, expected_version, now):
    cell = db.session.scalar(
        select(MunicipalityProgress).where(
            MunicipalityProgress.action_id == action.id,
            MunicipalityProgress.municipality_id == municipality.id,
            MunicipalityProgress.year == year,
        )
    )
    if cell is None:
        if expected_version != 0:
            raise StaleEdit
        cell = MunicipalityProgress(action=action, municipality=municipality, year=year)
        db.session.add(cell)
    else:
        _check_version(cell, expected_version)
    before = (cell.status, cell.note)
    cell.status = status
    cell.note = note.strip()
    cell.updated_at = now
    cell.updated_by_id = author.id
    record(
        "municipality.update",
        author,
        f"actie {action.code} · {municipality.name} · {year}",
        f"{Status(before[0] or Status.NOT_STARTED.value).label} → {Status(status).label}",
        note=cell.note,
    )
    return cell


# Plan revisions ---------------------------------------------------------------------------


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
) -> ActionRevision | None:
    """Change the plan's wording of an action; returns None when nothing changed."""
    _check_version(action, expected_version)
    with _saving():
        revision = _write_revision(
            action, author, reason, text, planning, owners_text, owners, is_per_municipality, now
        )
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
        action.set_planning(planning.strip())
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
            action=action, author_id=author.id, created_at=now, reason=reason, changes=changes
        )
    )
    record("plan.add_action", author, f"actie {action.code}", reason.strip())
    return action


def drop_action(action: Action, author: User, *, reason: str, expected_version: int, now):
    """Mark an action vervallen: a revision for the plan and a progress update for its state."""
    _check_version(action, expected_version)
    db.session.add(
        ActionRevision(
            action=action,
            author_id=author.id,
            created_at=now,
            reason=reason.strip(),
            changes={"status": [action.status, Status.DROPPED.value]},
        )
    )
    return record_update(
        action,
        author,
        status=Status.DROPPED.value,
        signal=action.signal,
        text=f"Actie vervallen: {reason.strip()}",
        link=None,
        expected_version=expected_version,
        now=now,
    )


# Per person and per gap -------------------------------------------------------------------


@dataclass
class MyAction:
    action: Action
    update_due: bool
    reason: str


def _due(last_update_at: datetime | None, now: datetime, due_days: int, since) -> tuple[bool, str]:
    if last_update_at is None:
        return True, "nog nooit bijgewerkt"
    if last_update_at < now - timedelta(days=due_days):
        return True, f"langer dan {due_days} dagen niet bijgewerkt"
    if since is not None and last_update_at < since:
        return True, "niet bijgewerkt sinds de laatste Regionale Tafel"
    return False, ""


def my_actions(
    user: User, plan: Plan, party_ids: set[int], now: datetime, due_days: int, since=None
) -> list[MyAction]:
    """Actions owned by one of the user's parties, with whether an update is due."""
    if not party_ids:
        return []
    owned = select(ActionOwner.action_id).where(ActionOwner.party_id.in_(party_ids))
    actions = db.session.scalars(
        select(Action)
        .join(Action.theme)
        .where(Theme.plan_id == plan.id, Action.id.in_(owned))
        .options(
            joinedload(Action.theme), subqueryload(Action.owners).joinedload(ActionOwner.party)
        )
        .order_by(Theme.number, Action.number)
    ).unique()
    result = []
    for action in actions:
        if action.status_enum.is_closed:
            due, reason = False, ""
        else:
            due, reason = _due(action.last_update_at, now, due_days, since)
        result.append(MyAction(action, due, reason))
    return result


def municipality_items(plan: Plan, municipality_id: int, year: int) -> list[tuple]:
    """For an aandachtsfunctionaris: each every-municipality action with their cell this year."""
    actions = db.session.scalars(
        select(Action)
        .join(Action.theme)
        .where(Theme.plan_id == plan.id, Action.is_per_municipality.is_(True))
        .options(joinedload(Action.theme))
        .order_by(Theme.number, Action.number)
    ).all()
    cells = {
        cell.action_id: cell
        for cell in db.session.scalars(
            select(MunicipalityProgress).where(
                MunicipalityProgress.municipality_id == municipality_id,
                MunicipalityProgress.year == year,
            )
        )
    }
    return [(action, cells.get(action.id)) for action in actions]


@dataclass
class OrphanedAction:
    action: Action
    parties_without_reporter: list[Party]


def orphaned_actions(plan: Plan) -> list[OrphanedAction]:
    """Actions none of whose owner parties has an active contributor or beheerder to report
    for it; each with the parties that lack one. Free-text owners never count as covered."""
    actions = (
        db.session.scalars(
            select(Action)
            .join(Action.theme)
            .where(Theme.plan_id == plan.id, Action.status.not_in(["afgerond", "vervallen"]))
            .options(
                joinedload(Action.theme), subqueryload(Action.owners).joinedload(ActionOwner.party)
            )
            .order_by(Theme.number, Action.number)
        )
        .unique()
        .all()
    )
    party_ids = {o.party_id for a in actions for o in a.owners if o.party_id}
    covered = active_users_for_parties(party_ids)
    result = []
    for action in actions:
        parties = [o.party for o in action.owners if o.party]
        lacking = [p for p in parties if not covered.get(p.id)]
        if parties and len(lacking) == len(parties):
            result.append(OrphanedAction(action, lacking))
    return result
