"""Progress seen per person (Mijn acties: what is mine, what needs an update) and per gap
(actions that no active account can report on)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, bindparam, distinct, func, or_, select, union_all
from sqlalchemy.orm import joinedload

from tracker.accounts.membership import is_member, owned_action_ids, ownerships
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.plan.models import Action, ActionOwner, Party, Plan, Status, Theme
from tracker.plan.queries import ROW_COLUMNS
from tracker.plan.rows import ActionRow, read_rows
from tracker.progress.models import MunicipalityProgress


@dataclass
class MyAction:
    action: ActionRow
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
    actions = read_rows(
        select(*ROW_COLUMNS)
        .join(Action.theme)
        .where(Theme.plan_id == plan.id, Action.id.in_(owned_action_ids(user, party_ids)))
        .order_by(Theme.number, Action.number),
        with_owners=False,
    )
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
    #: Free-text owners ("(Centrum)gemeenten") that no beheerder has linked to a reporter.
    unlinked_owners: list[str]


def orphaned_actions(plan: Plan) -> list[OrphanedAction]:
    """The plan's open actions nobody can report on: no active contributor or beheerder owns
    them in any of the ways ``membership.ownerships`` knows (the same rule that decides who
    is asked for updates). Each comes with what lacks a reporter: its owner parties (none
    has such a person) and its free-text owners that nobody linked."""
    return [
        OrphanedAction(
            action,
            [o.party for o in action.owners if o.party],
            [o.label for o in action.owners if not o.party_id and not o.links],
        )
        for action in db.session.scalars(_orphans(), {"plan_id": plan.id}).unique()
    ]


def _open(statement: Select) -> Select:
    """``statement`` narrowed to the open actions of the plan ``:plan_id``."""
    return statement.where(
        Theme.plan_id == bindparam("plan_id"),
        Action.status.not_in([Status.DONE.value, Status.DROPPED.value]),
    )


def count_orphaned_actions(plan: Plan) -> int:
    """How many ``orphaned_actions`` there are (the overview shows the number only)."""
    return db.session.scalar(_ORPHAN_COUNT, {"plan_id": plan.id})


def _orphan_ids() -> Select:
    """The ids of the plan's open actions in none of the ownerships."""
    reachable = union_all(*ownerships(Action.id.label("action_id"))).subquery()
    return _open(select(Action.id).join(Action.theme)).where(
        Action.id.not_in(select(reachable.c.action_id))
    )


_ORPHAN_COUNT = select(func.count()).select_from(_orphan_ids().subquery())


@functools.cache
def _orphans() -> Select:
    """Built once per process, on first use (loader options map every model, which must all
    be imported by then; ``plan.queries`` says why). Owners and their links are joined in:
    one statement, a row per link."""
    return (
        select(Action)
        .join(Action.theme)
        .where(Action.id.in_(_orphan_ids()))
        .options(
            joinedload(Action.theme),
            joinedload(Action.owners).joinedload(ActionOwner.party),
            joinedload(Action.owners).joinedload(ActionOwner.links),
        )
        .order_by(Theme.number, Action.number)
    )


@dataclass
class QuietContact:
    party: Party
    user: User
    #: How many open actions of the plan the party owns.
    open_actions: int


def quiet_sole_contacts(plan: Plan, now: datetime, days: int = 90) -> list[QuietContact]:
    """Parties owning open actions of ``plan`` whose only person able to report has not
    logged in for ``days`` days (or never): when that person leaves, the party's actions go
    quiet. One statement; only those parties and people are loaded."""
    cutoff = now - timedelta(days=days)
    rows = db.session.execute(_QUIET_SOLE_CONTACTS, {"plan_id": plan.id, "cutoff": cutoff})
    return [QuietContact(party, user, open_actions) for party, user, open_actions in rows]


def _quiet_sole_contacts() -> Select:
    open_per_party = _open(
        select(ActionOwner.party_id, func.count(distinct(Action.id)).label("open_actions"))
        .join(Action, Action.id == ActionOwner.action_id)
        .join(Theme, Theme.id == Action.theme_id)
        .where(ActionOwner.party_id.is_not(None))
        .group_by(ActionOwner.party_id)
    ).subquery()
    sole_reporter = (
        select(Party.id.label("party_id"), func.min(User.id).label("user_id"))
        .join(User, is_member())
        .where(User.is_enabled.is_(True), User.role != Role.READER.value)
        .group_by(Party.id)
        .having(func.count(distinct(User.id)) == 1)
    ).subquery()
    return (
        select(Party, User, open_per_party.c.open_actions)
        .join(open_per_party, open_per_party.c.party_id == Party.id)
        .join(sole_reporter, sole_reporter.c.party_id == Party.id)
        .join(User, User.id == sole_reporter.c.user_id)
        .where(or_(User.last_login_at.is_(None), User.last_login_at < bindparam("cutoff")))
        .order_by(Party.short_name)
    )


_QUIET_SOLE_CONTACTS = _quiet_sole_contacts()
