"""Which parties a person belongs to: their own party, and the party of their municipality
(an aandachtsfunctionaris of Schiedam speaks for "gemeente Schiedam" too). One rule, used by
permissions, e-mail and pages alike, so who may report and who gets mail cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.plan.models import Party


def is_member() -> ColumnElement[bool]:
    """Join condition between ``User`` and ``Party``: the user belongs to the party."""
    return or_(
        Party.id == User.party_id,
        and_(Party.municipality_id.is_not(None), Party.municipality_id == User.municipality_id),
    )


def party_ids_of(user: User) -> set[int]:
    """The ids of the parties ``user`` belongs to."""
    ids = {user.party_id} if user.party_id else set()
    if user.municipality_id:
        ids |= set(
            db.session.scalars(
                select(Party.id).where(Party.municipality_id == user.municipality_id)
            )
        )
    return ids
