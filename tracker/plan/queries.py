"""Reading the plan: the current plan, filtered action lists and the per-theme summary.

Shared by the HTML pages and the JSON API so both filter identically. Every function here
issues a fixed number of queries whatever the plan's size (owners and themes are eager-loaded).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from flask import abort, has_request_context, request
from flask_login import current_user
from sqlalchemy import Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload, subqueryload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.dates import app_timezone, local_to_utc
from tracker.extensions import db
from tracker.params import parse_int
from tracker.plan.models import Action, ActionOwner, Party, Plan, PlanState, Signal, Status, Theme
from tracker.plan.regions import asker_region_id, current_region_id, in_region, region_or_first
from tracker.plan.rows import ActionRow, RowPagination, read_rows
from tracker.plan.schedule import ScheduleKind

CODE_RE = re.compile(r"^([0-9]{1,3})\.([0-9]{1,3})$")
MAX_QUERY_LENGTH = 200


#: ``signaal=geen``: actions without a signal.
NO_SIGNAL = "geen"

#: Sort keys of ``?sorteer=`` (plan order is the default), each ascending first.
SORT_KEYS = {
    "code": "Actie",
    "status": "Status",
    "signaal": "Signaal",
    "bijgewerkt": "Laatste update",
    "termijn": "Termijn",
}


@dataclass(frozen=True)
class ActionFilter:
    theme: int | None = None
    party: str | None = None
    status: Status | None = None
    #: A ``Signal`` value or ``NO_SIGNAL``.
    signal: str | None = None
    year: int | None = None
    query: str | None = None
    #: Actions whose last update is older than this day (or that were never updated).
    not_updated_since: date | None = None
    sort: str = "code"
    descending: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.theme,
                self.party,
                self.status,
                self.signal,
                self.year,
                self.query,
                self.not_updated_since,
            )
        )


#: The query parameter that picks another plan than the current one (``?plan=<slug>``).
PLAN_ARG = "plan"


def visible_plans():
    """SELECT of the plans the asker may read: their region's, drafts for beheerders only."""
    stmt = select(Plan).where(in_region(Plan))
    if not (current_user and current_user.is_authenticated and current_user.is_admin):
        stmt = stmt.where(Plan.state != PlanState.DRAFT.value)
    return stmt


def current_plan() -> Plan | None:
    """The plan the page shows: the one ``?plan=`` names (404 when the asker cannot read it),
    else the region's current plan, else its newest published one."""
    if has_request_context() and (slug := request.args.get(PLAN_ARG, "").strip()):
        plan = db.session.scalar(visible_plans().where(Plan.slug == slug[:80]))
        if plan is None:
            abort(404)
        return plan
    return db.session.scalar(_NEWEST_PUBLISHED, {"region_id": asker_region_id()})


def newest_published(*columns) -> Select:
    """SELECT ``columns`` of the asker's region's current plan, else its newest published one
    (``region_id``: ``asker_region_id()``)."""
    return (
        select(*columns)
        .where(Plan.region_id == region_or_first(), Plan.state == PlanState.PUBLISHED.value)
        .order_by(Plan.is_current.desc(), Plan.start_year.desc())
        .limit(1)
    )


#: Built once, as every page asks for it: SQLAlchemy finds a statement's compiled form by a
#: key it works out for each new statement object, which costs about as much as the query.
_NEWEST_PUBLISHED = newest_published(Plan)


def party_code(text: str) -> str | None:
    """The stored code of the party named ``text`` in any letter case (``rctm`` is RCTM), or
    None: the one rule for ``partij=`` wherever a page filters on it."""
    return db.session.scalar(
        select(Party.code).where(func.lower(Party.code) == text.lower(), in_region(Party))
    )


#: The columns of a listing row (``rows.ActionRow``), in its field order.
ROW_COLUMNS = (
    Action.id,
    Theme.number,
    Action.number,
    Action.text,
    Action.planning,
    Action.schedule_kind,
    Action.times_per_year,
    Action.season,
    Action.starts_on,
    Action.due_on,
    Action.then_ongoing,
    Action.owners_text,
    Action.is_per_municipality,
    Action.status,
    Action.signal,
    Action.last_update_at,
)


_STATUS_ORDER = {status.value: rank for rank, status in enumerate(Status)}
#: Signals by urgency (Achterstand first), for sorting.
SIGNAL_ORDER = {Signal.BEHIND.value: 0, Signal.ATTENTION.value: 1, Signal.ON_TRACK.value: 2}


def _sort_order(action_filter: ActionFilter) -> list:
    """ORDER BY terms for the filter's sort key; empty values last in both directions, plan
    order within equal values. Signals sort by urgency (Achterstand first)."""
    if action_filter.sort == "code":
        return [Theme.number.desc(), Action.number.desc()] if action_filter.descending else []
    column = {
        "status": case(_STATUS_ORDER, value=Action.status),
        "signaal": case(SIGNAL_ORDER, value=Action.signal),
        "bijgewerkt": Action.last_update_at,
        "termijn": Action.due_on,
    }[action_filter.sort]
    direction = column.desc() if action_filter.descending else column.asc()
    return [column.is_(None), direction]


def _year_clause(year: int):
    """SQL twin of ``Schedule.applies_to_year``."""
    recurring = (
        ScheduleKind.CONTINUOUS.value,
        ScheduleKind.ANNUAL.value,
        ScheduleKind.PER_YEAR.value,
    )
    return or_(
        and_(
            Action.schedule_kind.in_(recurring),
            or_(Action.starts_on.is_(None), func.extract("year", Action.starts_on) <= year),
        ),
        and_(
            Action.schedule_kind == ScheduleKind.DEADLINE.value,
            func.extract("year", Action.starts_on) <= year,
            or_(Action.then_ongoing.is_(True), func.extract("year", Action.due_on) >= year),
        ),
    )


def find_actions(plan: Plan, action_filter: ActionFilter) -> list[ActionRow]:
    """The plan's actions matching the filter, in the filter's order (plan order by default)."""
    return read_rows(filtered_actions(plan, action_filter))


#: Actions per page on ``/acties`` and in the API (the real plan fits on one page).
PER_PAGE, MAX_PER_PAGE = 100, 500


def page_of_actions(plan: Plan, action_filter: ActionFilter, args, per_page: int = PER_PAGE):
    """One page of the filtered actions (``db.paginate``: items, total, pages, links), from
    the query string's page number (``pagina``, or ``page`` and ``per_page`` in the API)."""
    page = parse_int(args.get("pagina") or args.get("page"), 1) or 1
    per_page = parse_int(args.get("per_page"), 1, MAX_PER_PAGE) or per_page
    stmt = filtered_actions(plan, action_filter)

    def paginate(number: int) -> RowPagination:
        return RowPagination(
            select=stmt,
            session=db.session(),
            page=number,
            per_page=per_page,
            max_per_page=MAX_PER_PAGE,
            error_out=False,
        )

    found = paginate(page)
    if not found.items and found.total:  # past the end (an old bookmark): the last page
        found = paginate(found.pages)
    return found


def filtered_actions(plan: Plan, action_filter: ActionFilter):
    """The statement behind ``find_actions``, to run whole or a page at a time."""
    stmt = (
        select(*ROW_COLUMNS)
        .join(Action.theme)
        .where(Theme.plan_id == plan.id)
        .order_by(*_sort_order(action_filter), Theme.number, Action.number)
    )
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
    if action_filter.signal == NO_SIGNAL:
        stmt = stmt.where(Action.signal.is_(None))
    elif action_filter.signal:
        stmt = stmt.where(Action.signal == action_filter.signal)
    if action_filter.not_updated_since:
        stmt = stmt.where(
            or_(
                Action.last_update_at.is_(None),
                Action.last_update_at < _local_midnight_utc(action_filter.not_updated_since),
            )
        )
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
    return stmt


def _local_midnight_utc(day: date) -> datetime:
    """The start of ``day`` on the region's clock, as stored (naive UTC)."""
    return local_to_utc(day, time(), app_timezone())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@functools.cache
def _action_by_code():
    """The action page's statement, built once per process (see ``_NEWEST_PUBLISHED``), on
    first use: loader options map every model, which must all be imported by then."""
    return (
        select(Action)
        .join(Action.theme)
        .where(
            Theme.plan_id == bindparam("plan_id"),
            Theme.number == bindparam("theme"),
            Action.number == bindparam("number"),
        )
        .options(
            contains_eager(Action.theme),
            selectinload(Action.owners).joinedload(ActionOwner.party),
        )
    )


def get_action(plan: Plan, code: str) -> Action | None:
    match = CODE_RE.match(code)
    if not match:
        return None
    found = db.session.scalars(
        _action_by_code(),
        {"plan_id": plan.id, "theme": int(match.group(1)), "number": int(match.group(2))},
    )
    action = found.unique().one_or_none()
    if action is not None:
        # The plan in hand, so that ``action.theme.plan`` does not read it again (the session
        # holds objects weakly: the caller's plan may be gone by the time a page asks).
        set_committed_value(action.theme, "plan", plan)
    return action


def get_action_row(plan: Plan, code: str) -> ActionRow | None:
    """The action ``code`` (e.g. ``3.14``) as a listing row."""
    if not CODE_RE.match(code):
        return None
    return next(iter(find_actions(plan, ActionFilter(query=code))), None)


def plan_actions(plan: Plan) -> list[Action]:
    """The plan's actions in order, as objects with their theme and owners (owner links
    too) loaded: for pages that work on every action (the evaluation, the public lines, the
    next plan's draft). Owners load with subqueryload: selectinload splits its id list past
    500 actions."""
    return list(
        db.session.scalars(
            select(Action)
            .join(Action.theme)
            .where(Theme.plan_id == plan.id)
            .options(
                joinedload(Action.theme),
                subqueryload(Action.owners).subqueryload(ActionOwner.links),
            )
            .order_by(Theme.number, Action.number)
        ).unique()
    )


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


def party_choices() -> list:
    """Parties that own at least one action, for the filter menu: rows of (code, short_name)."""
    return db.session.execute(_PARTY_CHOICES, {"region_id": current_region_id()}).all()


def theme_rows(plan: Plan) -> list:
    """The plan's themes as rows of (id, number, title), for a menu or a table by theme."""
    return db.session.execute(_THEME_ROWS, {"plan_id": plan.id}).all()


_PARTY_CHOICES = (
    select(Party.code, Party.short_name)
    .where(
        Party.id.in_(select(ActionOwner.party_id).where(ActionOwner.party_id.is_not(None))),
        Party.region_id == bindparam("region_id"),
    )
    .order_by(Party.short_name)
)
_THEME_ROWS = (
    select(Theme.id, Theme.number, Theme.title)
    .where(Theme.plan_id == bindparam("plan_id"))
    .order_by(Theme.number)
)
