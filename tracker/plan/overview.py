"""The overview's figures: counted by the database, and its lists capped.

The overview used to load every action with its owners and theme to count them in Python,
which grows with the plan (4,700 actions at 100x). Here one ``GROUP BY`` query counts, and each
list loads only its first ``LIST_CAP`` actions with the columns it shows; "Toon alle" (``?toon=``)
lifts the cap of one list.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, not_, select
from sqlalchemy.orm import contains_eager, load_only

from tracker.extensions import db
from tracker.plan.models import Action, Plan, Signal, Status, Theme
from tracker.plan.queries import SIGNAL_ORDER
from tracker.plan.schedule import ScheduleKind

#: Actions per list on the overview; the rest behind "Toon alle".
LIST_CAP = 10

_CLOSED = [status.value for status in Status if status.is_closed]
_NEEDS_ATTENTION = [Signal.ATTENTION.value, Signal.BEHIND.value]


@dataclass
class ThemeCounts:
    """One row of the overview's table; ``theme`` is None for the totals."""

    theme: Theme | None
    by_status: Counter = field(default_factory=Counter)
    #: Open actions per signal.
    by_signal: Counter = field(default_factory=Counter)
    due_this_year: int = 0
    overdue: int = 0
    unparsed: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def attention(self) -> int:
        return sum(self.by_signal[Signal(value)] for value in _NEEDS_ATTENTION)

    def add(self, other: ThemeCounts) -> None:
        self.by_status.update(other.by_status)
        self.by_signal.update(other.by_signal)
        self.due_this_year += other.due_this_year
        self.overdue += other.overdue
        self.unparsed += other.unparsed


@dataclass(frozen=True)
class ActionList:
    """The first actions of a list, and how many there are in all."""

    name: str
    items: list[Action]
    total: int
    cap: int = LIST_CAP

    @property
    def capped(self) -> bool:
        """More actions than shown: the page offers "Toon alle"."""
        return self.total > len(self.items)

    @property
    def expanded(self) -> bool:
        """All shown, and more than the cap: the page offers to show the first ones again."""
        return self.total > self.cap and not self.capped


def overdue_clause(today: date):
    """SQL twin of ``deadline_passed``: due before today, not closed, and not a set-up
    deadline whose work has begun (then it is ongoing)."""
    return and_(
        Action.due_on.is_not(None),
        Action.due_on < today,
        Action.status.not_in(_CLOSED),
        not_(and_(Action.then_ongoing.is_(True), Action.status != Status.NOT_STARTED.value)),
    )


def due_this_year_clause(today: date):
    """Open, due in today's year, and not overdue."""
    return and_(
        Action.due_on >= date(today.year, 1, 1),
        Action.due_on <= date(today.year, 12, 31),
        Action.status.not_in(_CLOSED),
        not_(overdue_clause(today)),
    )


def _attention_clause():
    return and_(Action.signal.in_(_NEEDS_ATTENTION), Action.status.not_in(_CLOSED))


def _unparsed_clause():
    return Action.schedule_kind == ScheduleKind.UNPARSED.value


def _count(clause):
    return func.sum(case((clause, 1), else_=0))


def theme_counts(plan: Plan, today: date) -> list[ThemeCounts]:
    """Per theme (plan order): actions by status and by signal, due this year, overdue and
    with an unreadable planning. One query, however many actions."""
    counts = {theme.id: ThemeCounts(theme) for theme in plan.themes}
    stmt = (
        select(
            Action.theme_id,
            Action.status,
            Action.signal,
            func.count(),
            _count(due_this_year_clause(today)),
            _count(overdue_clause(today)),
            _count(_unparsed_clause()),
        )
        .join(Action.theme)
        .where(Theme.plan_id == plan.id)
        .group_by(Action.theme_id, Action.status, Action.signal)
    )
    for theme_id, status, signal, number, due, overdue, unparsed in db.session.execute(stmt):
        row = counts[theme_id]
        row.by_status[Status(status)] += number
        if signal and status not in _CLOSED:
            row.by_signal[Signal(signal)] += number
        row.due_this_year += due or 0
        row.overdue += overdue or 0
        row.unparsed += unparsed or 0
    return list(counts.values())


def totals_of(rows: list[ThemeCounts]) -> ThemeCounts:
    total = ThemeCounts(theme=None)
    for row in rows:
        total.add(row)
    return total


#: The overview's lists by their ``?toon=`` name: which actions (on a given day), what orders
#: them before plan order, and how many there are (read off the counts).
_LISTS = {
    "aandacht": (
        lambda today: _attention_clause(),
        lambda: [case(SIGNAL_ORDER, value=Action.signal)],
        lambda totals: totals.attention,
    ),
    "verstreken": (overdue_clause, list, lambda totals: totals.overdue),
    "dit-jaar": (due_this_year_clause, list, lambda totals: totals.due_this_year),
    "onbekend": (lambda today: _unparsed_clause(), list, lambda totals: totals.unparsed),
}


def action_lists(plan: Plan, totals: ThemeCounts, today: date, show_all: str) -> dict:
    """Every overview list by name: its first ``LIST_CAP`` actions, or all for the one named
    by ``show_all``. Only the columns a list shows are loaded (not the owners, not the
    theme's texts): one query per list."""
    lists = {}
    for name, (which, order, total_of) in _LISTS.items():
        stmt = (
            select(Action)
            .join(Action.theme)
            .where(Theme.plan_id == plan.id, which(today))
            .options(
                contains_eager(Action.theme).load_only(Theme.id, Theme.number),
                load_only(
                    Action.number,
                    Action.text,
                    Action.planning,
                    Action.due_on,
                    Action.status,
                    Action.signal,
                    Action.last_update_at,
                ),
            )
            .order_by(*order(), Theme.number, Action.number)
        )
        if show_all != name:
            stmt = stmt.limit(LIST_CAP)
        lists[name] = ActionList(name, list(db.session.scalars(stmt)), total_of(totals))
    return lists
