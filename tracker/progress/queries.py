"""Progress seen per person (Mijn acties: what is mine, what needs an update) and per gap
(actions that no active account can report on)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, subqueryload

from tracker.accounts.membership import active_users_for_parties
from tracker.accounts.models import User
from tracker.extensions import db
from tracker.plan.models import Action, ActionOwner, Party, Plan, Status, Theme
from tracker.progress.models import MunicipalityProgress


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
        # Only running actions fall behind: a not-started one has nothing to report yet, a
        # closed one nothing more.
        if action.status_enum is not Status.IN_PROGRESS:
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
