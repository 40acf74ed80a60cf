"""Who is asked to update what before a meeting.

Every owner with open actions is asked (not only the series' participants: an
aandachtsfunctionaris owns actions every municipality shares and never sits at the Regionale
Tafel), and only for actions not updated since the previous held meeting of the series; before
a series' first held meeting, an update in the ``UPDATE_DUE_DAYS`` (90) days before the meeting
counts as recent, the same rule that marks an action "update nodig". The request e-mail, the
meeting page and "Verzoek nu versturen" all use this.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, select, union_all

from tracker.accounts.membership import is_member
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.meetings.models import Meeting
from tracker.meetings.services import previous_held
from tracker.plan.models import Action, ActionOwner, OwnerLink, Party, Status, Theme
from tracker.plan.queries import ROW_COLUMNS
from tracker.plan.rows import ActionRow


def users_with_open_actions(plan_id: int, open_only: bool = True) -> dict[int, list[ActionRow]]:
    """Per active contributor or beheerder, the open actions their parties own, and those of
    free-text owners linked to them or to their party, as listing rows in code order, each
    once; with ``open_only=False`` the closed ones too (an evaluation asks about every
    action). One statement; the e-mails, the meeting page and the overview read it."""
    owned: dict[int, dict[int, ActionRow]] = {}
    for user_id, *columns in db.session.execute(_owned_rows(open_only), {"plan_id": plan_id}):
        rows = owned.setdefault(user_id, {})
        if columns[0] not in rows:
            rows[columns[0]] = ActionRow(*columns)
    return {
        user_id: sorted(rows.values(), key=lambda row: (row.theme_number, row.number))
        for user_id, rows in owned.items()
    }


def _ownership(open_only: bool, *columns) -> list:
    """The three ways a user owns an action of the plan ``plan_id``, each as a SELECT of the
    user's id and ``columns``: through a party they belong to, through a free-text owner
    linked to such a party, or linked to them by name."""
    closed = [Status.DONE.value, Status.DROPPED.value] if open_only else []
    member = select(User.id, *columns).join(Party, is_member())
    by_party = member.join(ActionOwner, ActionOwner.party_id == Party.id)
    # As ``membership.owned_action_ids``: only a free-text owner's link gives the action.
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


@functools.cache
def _owned_rows(open_only: bool):
    """Built once per process (``plan.queries`` says why): the three ways in one statement."""
    return union_all(*_ownership(open_only, *ROW_COLUMNS))


def recent_since(meeting: Meeting) -> tuple[datetime, Meeting | None]:
    """Since when an update counts as recent for this meeting, and the meeting that sets it."""
    previous = previous_held(meeting)
    if previous is not None:
        return previous.starts_at, previous
    return meeting.starts_at - timedelta(days=current_app.config["UPDATE_DUE_DAYS"]), None


def to_ask(
    meeting: Meeting, open_actions: dict[int, list[ActionRow]], since: datetime | None = None
) -> dict[int, list[ActionRow]]:
    """Per user, the open actions they own that were not updated recently (see the module).
    ``since``: ``recent_since(meeting)``, when the caller read it already."""
    if since is None:
        since, _ = recent_since(meeting)
    result = {}
    for user_id, actions in open_actions.items():
        stale = [a for a in actions if a.last_update_at is None or a.last_update_at <= since]
        if stale:
            result[user_id] = stale
    return result


def users_by_id(ids) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
