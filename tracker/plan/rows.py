"""Action lists read as plain rows: the columns a list shows and each action's owners, in two
queries, without building ORM objects (the cheap path for ``/acties``, the theme page and the
API; a page that edits an action loads the ``Action`` itself)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import bindparam, select

from tracker.extensions import db
from tracker.plan.models import (
    ActionOwner,
    Party,
    Status,
    deadline_passed,
    lead_of,
    schedule_of,
)


@dataclass(slots=True)
class OwnerRow:
    is_lead: bool
    role: str | None
    label: str | None
    party_code: str | None
    party_name: str | None

    @property
    def display_name(self) -> str:
        return self.party_name or self.label


@dataclass(slots=True)
class ActionRow:
    """What a list shows of an action; duck-types ``Action`` where templates and the API read
    it (``code``, ``lead_owner``, ``is_overdue``, ``schedule``)."""

    id: int
    theme_number: int
    number: int
    text: str
    planning: str
    schedule_kind: str
    times_per_year: int | None
    season: str | None
    starts_on: date | None
    due_on: date | None
    then_ongoing: bool
    owners_text: str
    is_per_municipality: bool
    status: str
    signal: str | None
    last_update_at: datetime | None
    owners: list[OwnerRow] = field(default_factory=list)

    @property
    def code(self) -> str:
        return f"{self.theme_number}.{self.number}"

    @property
    def lead_owner(self) -> OwnerRow | None:
        return lead_of(self.owners)

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    schedule = property(schedule_of)

    def is_overdue(self, today: date) -> bool:
        return deadline_passed(self, self.status, today)


def read_rows(stmt, params: dict | None = None, with_owners: bool = True) -> list[ActionRow]:
    """``stmt`` (a ``select`` of ``queries.ROW_COLUMNS``, run with ``params``) as rows, with
    their owners unless the list does not show them."""
    actions = [ActionRow(*row) for row in db.session.execute(stmt, params)]
    if not actions or not with_owners:
        return actions
    owners = defaultdict(list)
    found = db.session.execute(_OWNERS_OF, {"action_ids": [action.id for action in actions]})
    for action_id, *owner in found:
        owners[action_id].append(OwnerRow(*owner))
    for action in actions:
        action.owners = owners[action.id]
    return actions


#: Built once, like every statement a list page runs whatever its filters (SQLAlchemy works
#: out the cache key of each new statement object, about as costly as running it).
_OWNERS_OF = (
    select(
        ActionOwner.action_id,
        ActionOwner.is_lead,
        ActionOwner.role,
        ActionOwner.label,
        Party.code,
        Party.short_name,
    )
    .outerjoin(ActionOwner.party)
    .where(ActionOwner.action_id.in_(bindparam("action_ids", expanding=True)))
    .order_by(ActionOwner.action_id, ActionOwner.position)
)


class RowPagination(SelectPagination):
    """Flask-SQLAlchemy's pagination over a statement of columns, each item an ``ActionRow``."""

    def _query_items(self) -> list[ActionRow]:
        select_ = self._query_args["select"]
        return read_rows(select_.limit(self.per_page).offset(self._query_offset))

    def _query_count(self) -> int:
        """A page that is not full is the last one, and the total follows from it: no count
        query for the list that fits on one page (the real plan does)."""
        if len(self.items) < self.per_page and (self.items or self.page == 1):
            return self._query_offset + len(self.items)
        return super()._query_count()
