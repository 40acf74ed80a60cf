"""Recording progress safely: immutable updates (one or a batch) and the per-municipality
cells, with the stale-save guard of ``conflicts``. Plan revisions are in ``revisions``, the
per-person views in ``queries``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, bindparam, select

from tracker.accounts.auth import may_set_status, regional_status_message
from tracker.accounts.membership import party_ids_of
from tracker.accounts.models import User
from tracker.audit.services import record
from tracker.conflicts import StaleEdit, check_version, saving
from tracker.extensions import db
from tracker.plan.commitments import CommitmentStanding, commitment_standing
from tracker.plan.models import Action, Status, Theme
from tracker.plan.queries import ROW_COLUMNS
from tracker.plan.rows import ActionRow
from tracker.plan.schedule import ScheduleKind
from tracker.progress.models import MunicipalityProgress, ProgressUpdate, YearlyCommitment


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
    check_version(action, expected_version)
    with saving():
        update = _add_update(action, author, status, signal, text, link, now)
    return update


class StatusRefused(Exception):
    """The author may add text to this (regional) action but not move its status or signal
    (``auth.may_set_status``); the message says who does."""


def _add_update(action, author, status, signal, text, link, now, party_ids=None) -> ProgressUpdate:
    moves = (status, signal or None) != (action.status, action.signal)
    if moves and not may_set_status(author, action, party_ids):
        raise StatusRefused(regional_status_message(action))
    return write_update(action, author, status, signal, text, link, now)


def write_update(action, author, status, signal, text, link, now) -> ProgressUpdate:
    """The update and the action's new state, for a caller that has settled who may write
    it: a reporter through ``_add_update``, a beheerder's revision (dropping an action, also
    in a draft, where nobody reports) through its own view's check."""
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
    mine = party_ids_of(author)  # the author's rights, read once for every row
    with saving():
        for action, change in items:
            check_version(action, change["version"])
            _add_update(
                action,
                author,
                change["status"],
                change["signal"],
                change["text"],
                None,
                now,
                mine,
            )


def history(action: Action) -> list[ProgressUpdate]:
    """An action's updates, newest first."""
    return list(db.session.scalars(_HISTORY, {"action_id": action.id}))


#: Built once per process (the action page reads it; ``plan.queries`` says why).
_HISTORY = (
    select(ProgressUpdate)
    .where(ProgressUpdate.action_id == bindparam("action_id"))
    .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
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
) -> MunicipalityProgress | None:
    """Set one municipality's status and note for a year; version 0 means 'not yet stored'.
    None when nothing changed (then nothing is written or audited)."""
    with saving():
        cell = write_cell(action, municipality, year, author, status, note, expected_version, now)
    return cell


def write_cell(action, municipality, year, author, status, note, expected_version, now):
    """One cell's write, inside a ``saving()`` block (the caller's: one or many cells)."""
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
        if status == Status.NOT_STARTED.value and not note.strip():
            return None  # the default, as shown: nothing to store
        cell = MunicipalityProgress(action=action, municipality=municipality, year=year)
        db.session.add(cell)
    else:
        check_version(cell, expected_version)
        if (cell.status, cell.note or "") == (status, note.strip()):
            return None
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


# Per year ----------------------------------------------------------------------------------


def commitment_rows(action: Action) -> dict[int, YearlyCommitment]:
    """The stored years of a yearly action, by year."""
    rows = db.session.scalars(
        select(YearlyCommitment).where(YearlyCommitment.action_id == action.id)
    )
    return {row.year: row for row in rows}


def commitment_years(action: Action, today: date) -> list[CommitmentStanding]:
    """Every year of the plan period for a yearly action, stored or not, with its standing."""
    plan = action.theme.plan
    rows = commitment_rows(action)
    result = []
    for year in range(plan.start_year, plan.end_year + 1):
        row = rows.get(year)
        status = row.status if row else Status.NOT_STARTED.value
        result.append(
            commitment_standing(
                action.schedule, year, status, row.delivered_on if row else None, today
            )
        )
    return result


#: The overview's statement, built once per process (``plan.queries`` says why): the yearly
#: actions with a season (only they can need attention in their own year, ``commitments``
#: says why) and their commitment for the year, if one is stored.
_SEASONAL_ACTIONS_IN_YEAR = (
    select(*ROW_COLUMNS, YearlyCommitment.status, YearlyCommitment.delivered_on)
    .join(Action.theme)
    .outerjoin(
        YearlyCommitment,
        and_(YearlyCommitment.action_id == Action.id, YearlyCommitment.year == bindparam("year")),
    )
    .where(
        Theme.plan_id == bindparam("plan_id"),
        Action.schedule_kind == ScheduleKind.ANNUAL.value,
        Action.season.is_not(None),
    )
    .order_by(Theme.number, Action.number)
)


def commitments_needing_attention(plan, today: date) -> list[tuple[ActionRow, CommitmentStanding]]:
    """This year's yearly actions that missed their season, can no longer be met, or were
    delivered outside their season: for the overview. One query, read as rows."""
    if not plan.start_year <= today.year <= plan.end_year:
        return []
    found = db.session.execute(_SEASONAL_ACTIONS_IN_YEAR, {"plan_id": plan.id, "year": today.year})
    result = []
    for *columns, status, delivered_on in found:
        action = ActionRow(*columns)
        status = status or Status.NOT_STARTED.value
        standing = commitment_standing(action.schedule, today.year, status, delivered_on, today)
        if standing.needs_attention:
            result.append((action, standing))
    return result


def update_commitment(
    action: Action,
    year: int,
    author: User,
    *,
    status: str,
    delivered_on: date | None,
    note: str,
    expected_version: int,
    now: datetime,
) -> YearlyCommitment | None:
    """Set one year's status, delivery day and note; version 0 means 'not yet stored'. None
    when nothing changed (then nothing is written or audited)."""
    with saving():
        row = commitment_rows(action).get(year)
        if row is None:
            if expected_version != 0:
                raise StaleEdit
            if status == Status.NOT_STARTED.value and not note.strip() and not delivered_on:
                return None
            row = YearlyCommitment(action=action, year=year)
            db.session.add(row)
        else:
            check_version(row, expected_version)
            if (row.status, row.delivered_on, row.note or "") == (
                status,
                delivered_on,
                note.strip(),
            ):
                return None
        before = row.status or Status.NOT_STARTED.value
        row.status, row.delivered_on, row.note = status, delivered_on, note.strip()
        row.updated_at, row.updated_by_id = now, author.id
        record(
            "commitment.update",
            author,
            f"actie {action.code} · {year}",
            f"{Status(before).label} → {Status(status).label}",
            note=row.note,
            delivered_on=delivered_on.isoformat() if delivered_on else None,
        )
    return row
