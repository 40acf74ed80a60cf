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

from sqlalchemy import (
    Date,
    Row,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    not_,
    select,
    union_all,
)

from tracker.extensions import db
from tracker.plan.models import Action, Plan, Signal, Status, Theme
from tracker.plan.queries import ROW_COLUMNS, SIGNAL_ORDER, theme_rows
from tracker.plan.rows import ActionRow
from tracker.plan.schedule import ScheduleKind

#: Actions per list on the overview; the rest behind "Toon alle".
LIST_CAP = 10

_CLOSED = [status.value for status in Status if status.is_closed]
_NEEDS_ATTENTION = [Signal.ATTENTION.value, Signal.BEHIND.value]


@dataclass
class ThemeCounts:
    """One row of the overview's table; ``theme`` (id, number, title) is None for the totals."""

    theme: Row | None
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
    items: list[ActionRow]
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


#: The day the overview is read for, bound at execution (``on_day``): the statements below
#: are built once per process, not on every request.
TODAY = bindparam("today", type_=Date())
_YEAR_START = bindparam("year_start", type_=Date())
_YEAR_END = bindparam("year_end", type_=Date())


def on_day(today: date) -> dict:
    """The execution parameters of the statements below for ``today``."""
    return {
        "today": today,
        "year_start": date(today.year, 1, 1),
        "year_end": date(today.year, 12, 31),
    }


#: SQL twin of ``deadline_passed``: due before today, not closed, and not a set-up deadline
#: whose work has begun (then it is ongoing).
OVERDUE = and_(
    Action.due_on.is_not(None),
    Action.due_on < TODAY,
    Action.status.not_in(_CLOSED),
    not_(and_(Action.then_ongoing.is_(True), Action.status != Status.NOT_STARTED.value)),
)
#: Open, due in today's year, and not overdue.
DUE_THIS_YEAR = and_(
    Action.due_on >= _YEAR_START,
    Action.due_on <= _YEAR_END,
    Action.status.not_in(_CLOSED),
    not_(OVERDUE),
)
_ATTENTION = and_(Action.signal.in_(_NEEDS_ATTENTION), Action.status.not_in(_CLOSED))
_UNPARSED = Action.schedule_kind == ScheduleKind.UNPARSED.value
_IN_PLAN = and_(Action.theme_id == Theme.id, Theme.plan_id == bindparam("plan_id"))


def _count(clause):
    return func.sum(case((clause, 1), else_=0))


_THEME_COUNTS = (
    select(
        Action.theme_id,
        Action.status,
        Action.signal,
        func.count(),
        _count(DUE_THIS_YEAR),
        _count(OVERDUE),
        _count(_UNPARSED),
    )
    .where(_IN_PLAN)
    .group_by(Action.theme_id, Action.status, Action.signal)
)


def theme_counts(plan: Plan, today: date) -> list[ThemeCounts]:
    """Per theme (plan order): actions by status and by signal, due this year, overdue and
    with an unreadable planning. One query, however many actions."""
    counts = {theme.id: ThemeCounts(theme) for theme in theme_rows(plan)}
    found = db.session.execute(_THEME_COUNTS, {"plan_id": plan.id, **on_day(today)})
    for theme_id, status, signal, number, due, overdue, unparsed in found:
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


#: The overview's lists by their ``?toon=`` name: which actions, in which order (before plan
#: order), and how many there are (read off the counts).
_LISTS = {
    "aandacht": (_ATTENTION, [case(SIGNAL_ORDER, value=Action.signal)], lambda t: t.attention),
    "verstreken": (OVERDUE, [], lambda totals: totals.overdue),
    "dit-jaar": (DUE_THIS_YEAR, [], lambda totals: totals.due_this_year),
    "onbekend": (_UNPARSED, [], lambda totals: totals.unparsed),
}
_NAMES = list(_LISTS)


def _lists_statement(show_all: str | None):
    """Every list in one statement (one round trip instead of four): each list's actions in
    its order, the first ``LIST_CAP`` (all for ``show_all``), marked with the list's index
    and their place in it."""
    members = []
    for index, (name, (which, order, _)) in enumerate(_LISTS.items()):
        order = [*order, Theme.number, Action.number]
        member = (
            select(
                literal_column(str(index)).label("list_index"),
                func.row_number().over(order_by=order).label("place"),
                *ROW_COLUMNS,
            )
            .where(_IN_PLAN, which)
            .order_by(*order)
        )
        if name != show_all:
            member = member.limit(LIST_CAP)
        members.append(select(member.subquery()))
    lists = union_all(*members)
    return lists.order_by(lists.selected_columns.list_index, lists.selected_columns.place)


#: Built once per process, for the page as it opens and with each list shown whole.
_LISTS_STATEMENTS = {show_all: _lists_statement(show_all) for show_all in [None, *_NAMES]}


def action_lists(plan: Plan, totals: ThemeCounts, today: date, show_all: str) -> dict:
    """Every overview list by name: its first ``LIST_CAP`` actions, or all for the one named
    by ``show_all``, as rows without their owners."""
    stmt = _LISTS_STATEMENTS.get(show_all, _LISTS_STATEMENTS[None])
    found: dict[str, list[ActionRow]] = {name: [] for name in _NAMES}
    for index, _place, *columns in db.session.execute(stmt, {"plan_id": plan.id, **on_day(today)}):
        found[_NAMES[index]].append(ActionRow(*columns))
    return {
        name: ActionList(name, found[name], total_of(totals))
        for name, (_, _, total_of) in _LISTS.items()
    }
