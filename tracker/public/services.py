"""The public page as plain data, built only from what is chosen for it: per action its
text, planning, lead party, status and approved public line; per theme the traffic light;
the chosen kerncijfers with their sources; for a municipality the chosen borging items.
Never an update's text, a note, a name of a person, a meeting or an evaluation: the page, the
JSON and the CSV all render this one dictionary (invariant 11)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, select

from tracker.audit.services import record
from tracker.extensions import db
from tracker.figures.models import Indicator, IndicatorValue
from tracker.municipalities import borging
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
from tracker.progress.versions import check_version, saving
from tracker.public.models import Publication, PublicLine
from tracker.regions import current_region_id
from tracker.reports.standing import LIGHT_RULE, traffic_light

#: The licence the open data is published under.
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.nl"


# The statements of a page read by anyone, built once per process: SQLAlchemy works out
# the cache key of every new statement object, which costs about as much as the query.
_PUBLICATION = select(Publication).where(Publication.plan_id == bindparam("plan_id"))
#: The plan's actions as rows of the columns the page shows (and its light reads), with
#: their approved public line: no ORM objects to build.
_ACTION_ROWS = (
    select(
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
        Theme.number.label("theme_number"),
        PublicLine.text.label("public_line"),
    )
    .join(Theme, Theme.id == Action.theme_id)
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
_INDICATORS = (
    select(Indicator.id, Indicator.code, Indicator.name, Indicator.source, Indicator.area)
    .add_columns(Indicator.unit)
    .where(
        Indicator.code.in_(bindparam("codes", expanding=True)),
        Indicator.region_id == bindparam("region_id"),
    )
    .order_by(Indicator.position, Indicator.id)
)
_VALUES = (
    select(
        IndicatorValue.indicator_id,
        IndicatorValue.year,
        IndicatorValue.value,
        IndicatorValue.value_high,
        IndicatorValue.monitor,
        IndicatorValue.caveat,
        IndicatorValue.comparable,
    )
    .where(IndicatorValue.indicator_id.in_(bindparam("ids", expanding=True)))
    .order_by(IndicatorValue.year)
)


def publication_of(plan: Plan) -> Publication | None:
    return db.session.scalar(_PUBLICATION, {"plan_id": plan.id})


def _action_rows(plan: Plan) -> list:
    return db.session.execute(_ACTION_ROWS, {"plan_id": plan.id}).all()


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


def _light(actions: list, today: date, now: datetime) -> dict:
    """The report's traffic light from the actions as they stand today."""
    stale_before = now - timedelta(days=current_app.config["UPDATE_DUE_DAYS"])
    rows = [{"code": _code(a), "signal": a.signal, "status": a.status} for a in actions]
    overdue = {_code(a) for a in actions if deadline_passed(a, a.status, today)}
    stale = {
        _code(a)
        for a in actions
        if (a.last_update_at or datetime.min) < stale_before
        and (a.tracked_since or now) < stale_before
    }
    return traffic_light(rows, overdue, stale)


def _figures(codes: list[str]) -> list[dict]:
    if not codes:
        return []
    indicators = db.session.execute(
        _INDICATORS, {"codes": codes, "region_id": current_region_id()}
    ).all()
    values: dict[int, list] = {}
    for value in db.session.execute(_VALUES, {"ids": [i.id for i in indicators]}):
        values.setdefault(value.indicator_id, []).append(value)
    return [
        {
            "code": i.code,
            "name": i.name,
            "source": i.source,
            "area": i.area,
            "unit": i.unit,
            "values": [
                {
                    "year": v.year,
                    "value": v.value,
                    "value_high": v.value_high,
                    "monitor": v.monitor,
                    "caveat": v.caveat,
                    "comparable": v.comparable,
                }
                for v in values.get(i.id, [])
            ],
        }
        for i in indicators
    ]


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
    now: datetime,
    municipality: Municipality | None = None,
) -> dict:
    actions = _action_rows(plan)
    leads = _leads(plan)
    themes = []
    for theme in plan.themes:
        own = [a for a in actions if a.theme_number == theme.number]
        themes.append(
            {
                "number": theme.number,
                "title": theme.title,
                "light": _light(own, today, now),
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
                    for a in own
                ],
            }
        )
    data = {
        "plan": {"title": plan.title, "period": plan.period, "region": plan.region},
        "date": today.isoformat(),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "light_rule": LIGHT_RULE,
        "themes": themes,
        "figures": _figures(publication.figures),
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
