"""The public page as plain data, built only from what is chosen for it: per action its
text, planning, lead party, status and approved public line; per theme the traffic light;
the chosen kerncijfers with their sources; for a municipality the chosen borging items.
Never an update's text, a note, a name of a person, a meeting or an evaluation: the page, the
JSON and the CSV all render this one dictionary (invariant 11)."""

from __future__ import annotations

from datetime import date, datetime
from itertools import groupby
from operator import attrgetter

from flask import current_app, request
from sqlalchemy import bindparam, select

from tracker.audit.services import record
from tracker.conflicts import check_version, saving
from tracker.dates import app_timezone, end_of_day_utc
from tracker.extensions import db
from tracker.figures.models import Indicator, IndicatorValue
from tracker.municipalities import borging
from tracker.plan import queries
from tracker.plan.models import (
    STATUS_LABELS,
    Action,
    ActionOwner,
    Municipality,
    Party,
    Plan,
    Status,
    Theme,
    deadline_passed,
    lead_of,
)
from tracker.plan.regions import asker_region_id
from tracker.public.models import Publication, PublicLine
from tracker.reports.standing import LIGHT_RULE, long_not_updated, traffic_light

#: The licence the open data is published under.
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.nl"


# The statements of a page read by anyone, built once per process: SQLAlchemy works out
# the cache key of every new statement object, which costs about as much as the query.
_PUBLICATION = select(Publication).where(Publication.plan_id == bindparam("plan_id"))
#: The asker's region's current plan with its publication (None when never chosen).
_NEWEST_WITH_PUBLICATION = queries.newest_published(Plan, Publication).outerjoin(
    Publication, Publication.plan_id == Plan.id
)
#: The plan's themes with their actions as rows of the columns the page shows (and its light
#: reads), with their approved public line: no ORM objects to build. A theme without
#: actions is one row with empty action columns.
_ROWS = (
    select(
        Theme.number.label("theme_number"),
        Theme.title.label("theme_title"),
        Action.id,
        Action.number,
        Action.text,
        Action.planning,
        Action.status,
        Action.signal,
        Action.last_update_at,
        Action.tracked_since,
        Action.due_on,
        Action.then_ongoing,
        PublicLine.text.label("public_line"),
    )
    .outerjoin(Action, Action.theme_id == Theme.id)
    .outerjoin(
        PublicLine, (PublicLine.action_id == Action.id) & PublicLine.approved_at.is_not(None)
    )
    .where(Theme.plan_id == bindparam("plan_id"))
    .order_by(Theme.number, Action.number)
)
_OWNERS = (
    select(ActionOwner.action_id, ActionOwner.is_lead, ActionOwner.label, Party.short_name)
    .join(Action, Action.id == ActionOwner.action_id)
    .join(Theme, Theme.id == Action.theme_id)
    .outerjoin(Party, Party.id == ActionOwner.party_id)
    .where(Theme.plan_id == bindparam("plan_id"))
    .order_by(ActionOwner.action_id, ActionOwner.position)
)
#: The chosen kerncijfers with their values (one row per value; an indicator without values
#: once, with empty value columns).
_FIGURE_ROWS = (
    select(
        Indicator.id,
        Indicator.code,
        Indicator.name,
        Indicator.source,
        Indicator.area,
        Indicator.unit,
        IndicatorValue.year,
        IndicatorValue.value,
        IndicatorValue.value_high,
        IndicatorValue.monitor,
        IndicatorValue.caveat,
        IndicatorValue.comparable,
    )
    .outerjoin(IndicatorValue, IndicatorValue.indicator_id == Indicator.id)
    .where(
        Indicator.code.in_(bindparam("codes", expanding=True)),
        Indicator.region_id == bindparam("region_id"),
    )
    .order_by(Indicator.position, Indicator.id, IndicatorValue.year)
)


def publication_of(plan: Plan) -> Publication | None:
    return db.session.scalar(_PUBLICATION, {"plan_id": plan.id})


def current_plan_and_publication() -> tuple[Plan | None, Publication | None]:
    """The plan the public page shows (as ``queries.current_plan``) and its publication, in
    one query when no ``?plan=`` names another."""
    if request.args.get(queries.PLAN_ARG, "").strip():
        plan = queries.current_plan()
        return plan, publication_of(plan) if plan is not None else None
    row = db.session.execute(_NEWEST_WITH_PUBLICATION, {"region_id": asker_region_id()}).first()
    return (row.Plan, row.Publication) if row is not None else (None, None)


def _leads(plan: Plan) -> dict[int, str]:
    """Per action its trekker's name (a party, or the plan's words for a free-text owner)."""
    rows = db.session.execute(_OWNERS, {"plan_id": plan.id}).all()
    owners: dict[int, list] = {}
    for row in rows:
        owners.setdefault(row.action_id, []).append(row)
    leads = {action_id: lead_of(rows) for action_id, rows in owners.items()}
    return {action_id: lead.short_name or lead.label or "" for action_id, lead in leads.items()}


def _code(row) -> str:
    return f"{row.theme_number}.{row.number}"


def _light(actions: list, today: date) -> dict:
    """The report's traffic light from the actions as they stand today."""
    day_end = end_of_day_utc(today, app_timezone())
    days = current_app.config["UPDATE_DUE_DAYS"]
    rows = [{"code": _code(a), "signal": a.signal, "status": a.status} for a in actions]
    overdue = {_code(a) for a in actions if deadline_passed(a, a.status, today)}
    stale = {
        _code(a)
        for a in actions
        if long_not_updated(a.last_update_at, a.tracked_since, day_end, days)
    }
    return traffic_light(rows, overdue, stale)


def _figures(codes: list[str], region_id: int) -> list[dict]:
    if not codes:
        return []
    rows = db.session.execute(_FIGURE_ROWS, {"codes": codes, "region_id": region_id})
    figures: dict[int, dict] = {}
    for row in rows:
        figure = figures.get(row.id)
        if figure is None:
            figure = figures[row.id] = {
                "code": row.code,
                "name": row.name,
                "source": row.source,
                "area": row.area,
                "unit": row.unit,
                "values": [],
            }
        if row.year is not None:
            figure["values"].append(
                {
                    "year": row.year,
                    "value": row.value,
                    "value_high": row.value_high,
                    "monitor": row.monitor,
                    "caveat": row.caveat,
                    "comparable": row.comparable,
                }
            )
    return list(figures.values())


def _borging(publication: Publication, municipality: Municipality, year: int) -> list[dict]:
    keys = [key for key in publication.borging_items if key in borging.ITEM_BY_KEY]
    entries = borging.current_entries([municipality.id])
    states = {s.item.key: s for s in borging.states_of(municipality.id, entries, year)}
    return [
        {"key": key, "label": states[key].item.label, "state": states[key].text} for key in keys
    ]


def page_data(
    plan: Plan,
    publication: Publication,
    today: date,
    municipality: Municipality | None = None,
) -> dict:
    """Everything the page shows for ``today``: the same all day (the ETag holds the day)."""
    rows = db.session.execute(_ROWS, {"plan_id": plan.id}).all()
    leads = _leads(plan)
    themes = []
    for number, own in groupby(rows, key=attrgetter("theme_number")):
        own = list(own)
        actions = [a for a in own if a.id is not None]
        themes.append(
            {
                "number": number,
                "title": own[0].theme_title,
                "light": _light(actions, today),
                "actions": [
                    {
                        "code": _code(a),
                        "text": a.text,
                        "planning": a.planning,
                        "lead": leads.get(a.id, ""),
                        "status": a.status,
                        "status_label": STATUS_LABELS[Status(a.status)],
                        "public_line": a.public_line or "",
                    }
                    for a in actions
                ],
            }
        )
    data = {
        "plan": {
            "title": plan.title,
            "subtitle": plan.subtitle,
            "period": plan.period,
            "region": plan.region,
        },
        "date": today.isoformat(),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "light_rule": LIGHT_RULE,
        "themes": themes,
        "figures": _figures(publication.figures, plan.region_id),
        "municipality": None,
    }
    if municipality is not None:
        year = min(max(today.year, plan.start_year), plan.end_year)
        data["municipality"] = {
            "code": municipality.code,
            "name": municipality.name,
            "borging": _borging(publication, municipality, year),
        }
    return data


def csv_rows(data: dict) -> list[list[str]]:
    """The actions of the page as rows (the header first)."""
    rows = [["thema", "actie", "omschrijving", "planning", "trekker", "status", "toelichting"]]
    for theme in data["themes"]:
        rows += [
            [
                f"{theme['number']}. {theme['title']}",
                a["code"],
                a["text"],
                a["planning"],
                a["lead"],
                a["status_label"],
                a["public_line"],
            ]
            for a in theme["actions"]
        ]
    return rows


def save_settings(
    plan: Plan,
    publication: Publication | None,
    *,
    is_open: bool,
    figures: list[str],
    borging_items: list[str],
    version: int,
    author,
    now: datetime,
) -> Publication:
    with saving():
        if publication is None:
            publication = Publication(plan_id=plan.id)
            db.session.add(publication)
            was_open = False
        else:
            check_version(publication, version)
            was_open = publication.is_open
        publication.is_open = is_open
        publication.figures = figures
        publication.borging_items = borging_items
        publication.updated_at = now
        publication.updated_by_id = author.id
    if is_open != was_open:
        summary = "Openbare pagina geopend" if is_open else "Openbare pagina gesloten"
    else:
        summary = "Keuze voor de openbare pagina gewijzigd"
    record(
        "public.settings",
        author,
        f"openbaar {plan.slug}",
        summary,
        figures=figures,
        borging=borging_items,
    )
    return publication


def lines_of(action_ids: list[int]) -> dict[int, PublicLine]:
    rows = db.session.scalars(select(PublicLine).where(PublicLine.action_id.in_(action_ids)))
    return {row.action_id: row for row in rows}


def approve_line(
    action: Action, line: PublicLine | None, text: str, version: int, author, now: datetime
) -> PublicLine | None:
    """A beheerder's line for ``action`` (empty: the action shows none); it replaces any
    proposal. Returns None when nothing changed."""
    text = text.strip()
    with saving():
        if line is None:
            if not text:
                return None
            line = PublicLine(action=action)
            db.session.add(line)
        else:
            check_version(line, version)
            if text == line.text and not line.proposal and line.approved_at:
                return None
        line.text = text
        line.approved_at = now
        line.approved_by_id = author.id
        line.proposal = ""
    record(
        "public.line",
        author,
        f"actie {action.code}",
        f"Openbare regel: {text[:150]}" if text else "Openbare regel weggehaald",
    )
    return line


def propose_line(
    action: Action, line: PublicLine | None, text: str, version: int, author, now: datetime
) -> PublicLine:
    """An owner's proposal, shown to the beheerders; the public sees it once approved."""
    with saving():
        if line is None:
            line = PublicLine(action=action)
            db.session.add(line)
        else:
            check_version(line, version)
        line.proposal = text.strip()
        line.proposed_at = now
        line.proposed_by_id = author.id
    record("public.proposal", author, f"actie {action.code}", f"Voorstel: {text.strip()[:150]}")
    return line
