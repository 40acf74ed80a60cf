"""Which parties a person belongs to: their own party, the party of their municipality
(an aandachtsfunctionaris of Schiedam speaks for "gemeente Schiedam" too), and the parties
whose contact person or plaatsvervanger they are. One rule, used by
permissions, e-mail and pages alike, so who may report and who gets mail cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.plan.models import Action, ActionOwner, OwnerLink, Party, Status, Theme


def is_member() -> ColumnElement[bool]:
    """Join condition between ``User`` and ``Party``: the user belongs to the party, or is
    its contact person or plaatsvervanger."""
    return or_(
        Party.id == User.party_id,
        and_(Party.municipality_id.is_not(None), Party.municipality_id == User.municipality_id),
        Party.contact_id == User.id,
        Party.deputy_id == User.id,
    )


def party_ids_of(user: User) -> set[int]:
    """The ids of the parties ``user`` belongs to, and those they are the contact person or
    plaatsvervanger of."""
    ids = {user.party_id} if user.party_id else set()
    found = db.session.scalars(
        _PARTIES_SPOKEN_FOR, {"user_id": user.id, "municipality_id": user.municipality_id}
    )
    return ids | set(found)


#: Built once (asked on most pages): a statement object carries the key of its compiled
#: form, which SQLAlchemy works out again for every new one. ``municipality_id = NULL``
#: matches nothing, so a user without a municipality speaks for no municipality's party.
_PARTIES_SPOKEN_FOR = select(Party.id).where(
    or_(
        Party.contact_id == bindparam("user_id"),
        Party.deputy_id == bindparam("user_id"),
        Party.municipality_id == bindparam("municipality_id"),
    )
)


def owned_action_ids(user: User, party_ids: set[int] | None = None) -> Select:
    """The ids of the actions one of ``user``'s parties owns, or whose free-text owner a
    beheerder linked to them or their party: the one query for "my actions" (the bulk page,
    Mijn acties, the evaluation still to do), the actions ``auth.can_report_on`` accepts
    where ``auth.may_report_in`` their plan."""
    party_ids = party_ids_of(user) if party_ids is None else party_ids
    owned = select(ActionOwner.action_id).where(ActionOwner.party_id.in_(party_ids))
    linked = (
        select(ActionOwner.action_id)
        .join(OwnerLink, OwnerLink.owner_id == ActionOwner.id)
        .where(
            ActionOwner.party_id.is_(None),  # as ``can_report_on``: only free-text owners
            or_(OwnerLink.party_id.in_(party_ids), OwnerLink.user_id == user.id),
        )
    )
    return owned.union(linked)


def active_users_for_parties(party_ids: set[int]) -> dict[int, int]:
    """Per party id, how many active non-reader users can report for it (own party or own
    municipality's party)."""
    if not party_ids:
        return {}
    rows = db.session.execute(
        select(Party.id, func.count(User.id))
        .join(User, is_member())
        .where(Party.id.in_(party_ids), User.is_enabled.is_(True), User.role != Role.READER.value)
        .group_by(Party.id)
    )
    return dict(rows.all())


def ownerships(*columns, open_only: bool = True) -> list[Select]:
    """The three ways an active contributor or beheerder owns an action of the plan
    ``:plan_id`` (a bind parameter), each a SELECT of the user's id and ``columns``: through
    a party they belong to, through a free-text owner linked to such a party, or linked to
    them by name; with ``open_only`` only the actions neither done nor dropped. The
    e-mails' recipients and the actions without a reporter both read it."""
    closed = [Status.DONE.value, Status.DROPPED.value] if open_only else []
    member = select(User.id, *columns).join(Party, is_member())
    by_party = member.join(ActionOwner, ActionOwner.party_id == Party.id)
    # As ``owned_action_ids``: only a free-text owner's link gives the action.
    free_text_owner = (ActionOwner.id == OwnerLink.owner_id) & ActionOwner.party_id.is_(None)
    linked_party = member.join(OwnerLink, OwnerLink.party_id == Party.id).join(
        ActionOwner, free_text_owner
    )
    linked_person = (
        select(User.id, *columns)
        .join(OwnerLink, OwnerLink.user_id == User.id)
        .join(ActionOwner, free_text_owner)
    )
    return [
        stmt.join(Action, Action.id == ActionOwner.action_id)
        .join(Theme, Theme.id == Action.theme_id)
        .where(
            Theme.plan_id == bindparam("plan_id"),
            User.is_enabled.is_(True),
            User.role.in_([Role.CONTRIBUTOR.value, Role.ADMIN.value]),
            Action.status.not_in(closed),
        )
        for stmt in (by_party, linked_party, linked_person)
    ]
