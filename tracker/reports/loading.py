"""What the report reads from the database: the actions of the selection, and their progress
updates as of a moment (one per action) or within a window (every one)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Row, func, select
from sqlalchemy.orm import joinedload, subqueryload

from tracker.extensions import db
from tracker.plan.models import AF_PARTY, Action, ActionOwner, Municipality, Party, Plan, Theme
from tracker.progress.models import ProgressUpdate

if TYPE_CHECKING:
    from tracker.reports.services import ReportParams


def report_actions(
    plan: Plan, params: ReportParams, municipality: Municipality | None
) -> list[Action]:
    """The plan's actions in the selection (theme, party, municipality), in plan order, with
    their theme and owners loaded."""
    stmt = (
        select(Action)
        .join(Action.theme)
        .where(Theme.plan_id == plan.id)
        .options(
            joinedload(Action.theme), subqueryload(Action.owners).joinedload(ActionOwner.party)
        )
        .order_by(Theme.number, Action.number)
    )
    if params.theme:
        stmt = stmt.where(Theme.number == params.theme)
    owner_codes = []
    if params.party:
        owner_codes.append(params.party)
    if municipality is not None:
        # A municipality answers for what its own party and its aandachtsfunctionaris own.
        owner_codes += [f"gemeente-{municipality.code}", AF_PARTY]
    if owner_codes:
        owned = (
            select(ActionOwner.action_id).join(ActionOwner.party).where(Party.code.in_(owner_codes))
        )
        stmt = stmt.where(Action.id.in_(owned))
    return list(db.session.scalars(stmt).unique())


def latest_updates_before(action_ids: list[int], before: datetime) -> dict[int, Row]:
    """Each action's last update before ``before`` (the columns a row shows), ranked per
    action in SQL: the report reads one update per action, not every action's history."""
    ranked = (
        select(
            ProgressUpdate.action_id,
            ProgressUpdate.created_at,
            ProgressUpdate.status_after,
            ProgressUpdate.signal_after,
            ProgressUpdate.text,
            func.row_number()
            .over(
                partition_by=ProgressUpdate.action_id,
                order_by=(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc()),
            )
            .label("rank"),
        )
        .where(ProgressUpdate.action_id.in_(action_ids), ProgressUpdate.created_at < before)
        .subquery()
    )
    return {
        row.action_id: row for row in db.session.execute(select(ranked).where(ranked.c.rank == 1))
    }


def updates_between(
    action_ids: list[int], since: datetime, until: datetime
) -> dict[int, list[ProgressUpdate]]:
    """Every update from ``since`` up to ``until``, per action in the order they were made."""
    rows = db.session.scalars(
        select(ProgressUpdate)
        .where(
            ProgressUpdate.action_id.in_(action_ids),
            ProgressUpdate.created_at >= since,
            ProgressUpdate.created_at < until,
        )
        .options(joinedload(ProgressUpdate.author))
        .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
    )
    result: dict[int, list[ProgressUpdate]] = {}
    for row in rows:
        result.setdefault(row.action_id, []).append(row)
    return result
