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
from sqlalchemy import select, union_all

from tracker.accounts.membership import ownerships
from tracker.accounts.models import User
from tracker.extensions import db
from tracker.meetings.models import Meeting
from tracker.meetings.services import previous_held
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


@functools.cache
def _owned_rows(open_only: bool):
    """Built once per process (``plan.queries`` says why): the three ways in one statement."""
    return union_all(*ownerships(*ROW_COLUMNS, open_only=open_only))


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
