"""Reading the plan: the current plan, filtered action lists and the per-theme summary.

Shared by the HTML pages and the JSON API so both filter identically. Every function here
issues a fixed number of queries whatever the plan's size (owners and themes are eager-loaded).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, subqueryload

from tracker.extensions import db
from tracker.params import parse_int
from tracker.plan.models import Action, ActionOwner, Party, Plan, Status, Theme
from tracker.plan.schedule import ScheduleKind

CODE_RE = re.compile(r"^([0-9]{1,3})\.([0-9]{1,3})$")
MAX_QUERY_LENGTH = 200


class FilterError(ValueError):
    """Invalid filter parameters; ``errors`` maps parameter name to a Dutch message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ActionFilter:
    theme: int | None = None
    party: str | None = None
    status: Status | None = None
    year: int | None = None
    query: str | None = None

    @property
    def is_empty(self) -> bool:
        return not any((self.theme, self.party, self.status, self.year, self.query))


def current_plan() -> Plan | None:
    """The plan pages show: the one marked current, else the newest."""
    return db.session.scalar(
        select(Plan).order_by(Plan.is_current.desc(), Plan.start_year.desc()).limit(1)
    )


def parse_action_filter(args: Mapping[str, str], plan: Plan) -> ActionFilter:
    """Validate the query parameters ``thema``, ``partij``, ``status``, ``jaar`` and ``q``."""
    errors: dict[str, str] = {}
    values: dict = {}
    if theme := (args.get("thema") or "").strip():
        values["theme"] = parse_int(theme, 1, 99)
        if values["theme"] is None:
            errors["thema"] = "Kies een themanummer (een getal, bijvoorbeeld 3)."
    if party := (args.get("partij") or "").strip():
        found = db.session.scalar(select(Party.code).where(func.lower(Party.code) == party.lower()))
        if found is None:
            errors["partij"] = f"Partij '{party[:60]}' is onbekend."
        values["party"] = found
    if status := (args.get("status") or "").strip():
        try:
            values["status"] = Status(status)
        except ValueError:
            allowed = ", ".join(s.value for s in Status)
            errors["status"] = f"Status '{status[:40]}' is onbekend; kies uit {allowed}."
    if year := (args.get("jaar") or "").strip():
        values["year"] = parse_int(year, 2000, 2100)
        if values["year"] is None:
            errors["jaar"] = "Geef een jaartal van vier cijfers, bijvoorbeeld 2025."
    if query := (args.get("q") or "").strip():
        if len(query) > MAX_QUERY_LENGTH:
            errors["q"] = f"De zoektekst mag hoogstens {MAX_QUERY_LENGTH} tekens lang zijn."
        values["query"] = query
    if errors:
        raise FilterError(errors)
    return ActionFilter(**values)


def _action_query(plan: Plan):
    return (
        select(Action)
        .join(Action.theme)
        .where(Theme.plan_id == plan.id)
        .options(
            joinedload(Action.theme),
            subqueryload(Action.owners).joinedload(ActionOwner.party),
        )
        .order_by(Theme.number, Action.number)
    )


def _year_clause(year: int):
    recurring = (
        ScheduleKind.CONTINUOUS.value,
        ScheduleKind.ANNUAL.value,
        ScheduleKind.PER_YEAR.value,
    )
    return or_(
        Action.schedule_kind.in_(recurring),
        and_(
            Action.schedule_kind == ScheduleKind.DEADLINE.value,
            func.extract("year", Action.starts_on) <= year,
            func.extract("year", Action.due_on) >= year,
        ),
    )


def find_actions(plan: Plan, action_filter: ActionFilter) -> list[Action]:
    """The plan's actions matching the filter, in plan order."""
    stmt = _action_query(plan)
    if action_filter.theme:
        stmt = stmt.where(Theme.number == action_filter.theme)
    if action_filter.party:
        owned = (
            select(ActionOwner.action_id)
            .join(ActionOwner.party)
            .where(Party.code == action_filter.party)
        )
        stmt = stmt.where(Action.id.in_(owned))
    if action_filter.status:
        stmt = stmt.where(Action.status == action_filter.status.value)
    if action_filter.year:
        stmt = stmt.where(_year_clause(action_filter.year))
    if action_filter.query:
        if match := CODE_RE.match(action_filter.query):
            stmt = stmt.where(
                Theme.number == int(match.group(1)), Action.number == int(match.group(2))
            )
        else:
            pattern = f"%{_escape_like(action_filter.query)}%"
            stmt = stmt.where(
                or_(
                    Action.text.ilike(pattern, escape="\\"),
                    Action.planning.ilike(pattern, escape="\\"),
                    Action.owners_text.ilike(pattern, escape="\\"),
                )
            )
    return list(db.session.scalars(stmt).unique())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_action(plan: Plan, code: str) -> Action | None:
    match = CODE_RE.match(code)
    if not match:
        return None
    stmt = _action_query(plan).where(
        Theme.number == int(match.group(1)), Action.number == int(match.group(2))
    )
    return db.session.scalars(stmt).unique().one_or_none()


def get_theme(plan: Plan, number: int) -> Theme | None:
    return db.session.scalar(select(Theme).where(Theme.plan_id == plan.id, Theme.number == number))


def action_counts_by_theme(plan: Plan) -> dict[int, int]:
    stmt = (
        select(Action.theme_id, func.count())
        .join(Action.theme)
        .where(Theme.plan_id == plan.id)
        .group_by(Action.theme_id)
    )
    return {theme_id: count for theme_id, count in db.session.execute(stmt)}


def party_choices() -> list[Party]:
    """Parties that own at least one action, for the filter menu."""
    owning = select(ActionOwner.party_id).where(ActionOwner.party_id.is_not(None))
    return list(
        db.session.scalars(select(Party).where(Party.id.in_(owning)).order_by(Party.short_name))
    )


@dataclass
class ThemeSummary:
    theme: Theme | None
    by_status: Counter = field(default_factory=Counter)
    due_this_year: list[Action] = field(default_factory=list)
    overdue: list[Action] = field(default_factory=list)
    recurring: int = 0
    unparsed: list[Action] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def sum_summaries(summaries: list[ThemeSummary]) -> ThemeSummary:
    """Totals over all themes (``theme`` is None)."""
    total = ThemeSummary(theme=None)
    for summary in summaries:
        total.by_status.update(summary.by_status)
        total.due_this_year += summary.due_this_year
        total.overdue += summary.overdue
        total.recurring += summary.recurring
        total.unparsed += summary.unparsed
    return total


def plan_summary(plan: Plan, today: date) -> list[ThemeSummary]:
    """Per theme: actions by status, deadlines falling this year, overdue and unparsed ones."""
    summaries = {theme.id: ThemeSummary(theme) for theme in plan.themes}
    for action in db.session.scalars(_action_query(plan)).unique():
        summary = summaries[action.theme_id]
        summary.by_status[action.status_enum] += 1
        if action.schedule.is_recurring:
            summary.recurring += 1
        if action.schedule_kind == ScheduleKind.UNPARSED.value:
            summary.unparsed.append(action)
        if action.is_overdue(today):
            summary.overdue.append(action)
        elif (
            action.due_on and action.due_on.year == today.year and not action.status_enum.is_closed
        ):
            summary.due_this_year.append(action)
    return list(summaries.values())
