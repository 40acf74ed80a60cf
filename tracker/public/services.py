"""The public page as plain data, built only from what is chosen for it: per action its
text, planning, lead party, status and approved public line; per theme the traffic light;
the chosen kerncijfers with their sources; for a municipality the chosen borging items.
Never an update's text, a note, a name of a person, a meeting or an evaluation: the page, the
JSON and the CSV all render this one dictionary (invariant 11)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload, subqueryload

from tracker.audit.services import record
from tracker.extensions import db
from tracker.figures.models import Indicator
from tracker.municipalities import borging
from tracker.plan.models import (
    STATUS_LABELS,
    Action,
    Municipality,
    Plan,
    Status,
    Theme,
    deadline_passed,
    lead_of,
)
from tracker.progress.versions import check_version, saving
from tracker.public.models import Publication, PublicLine
from tracker.regions import in_region
from tracker.reports.standing import LIGHT_RULE, traffic_light

#: The licence the open data is published under.
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.nl"


def publication_of(plan: Plan) -> Publication | None:
    return db.session.scalar(select(Publication).where(Publication.plan_id == plan.id))


def plan_actions(plan: Plan) -> list[Action]:
    return list(
        db.session.scalars(
            select(Action)
            .join(Action.theme)
            .where(Theme.plan_id == plan.id)
            .options(joinedload(Action.theme), subqueryload(Action.owners))
            .order_by(Theme.number, Action.number)
        ).unique()
    )


def approved_lines(action_ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(PublicLine.action_id, PublicLine.text).where(
            PublicLine.action_id.in_(action_ids), PublicLine.approved_at.is_not(None)
        )
    )
    return {action_id: text for action_id, text in rows if text}


def _light(actions: list[Action], today: date, now: datetime) -> dict:
    """The report's traffic light from the actions as they stand today."""
    stale_before = now - timedelta(days=current_app.config["UPDATE_DUE_DAYS"])
    rows = [{"code": a.code, "signal": a.signal, "status": a.status} for a in actions]
    overdue = {a.code for a in actions if deadline_passed(a, a.status, today)}
    stale = {
        a.code
        for a in actions
        if (a.last_update_at or datetime.min) < stale_before
        and (a.tracked_since or now) < stale_before
    }
    return traffic_light(rows, overdue, stale)


def _figures(codes: list[str]) -> list[dict]:
    if not codes:
        return []
    indicators = db.session.scalars(
        select(Indicator)
        .where(Indicator.code.in_(codes), in_region(Indicator))
        .options(selectinload(Indicator.values))
        .order_by(Indicator.position, Indicator.id)
    )
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
                for v in sorted(i.values, key=lambda v: v.year)
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
    actions = plan_actions(plan)
    lines = approved_lines([a.id for a in actions])
    themes = []
    for theme in sorted({a.theme for a in actions} | set(plan.themes), key=lambda t: t.number):
        own = [a for a in actions if a.theme_id == theme.id]
        themes.append(
            {
                "number": theme.number,
                "title": theme.title,
                "light": _light(own, today, now),
                "actions": [
                    {
                        "code": a.code,
                        "text": a.text,
                        "planning": a.planning,
                        "lead": _lead(a),
                        "status": a.status,
                        "status_label": STATUS_LABELS[Status(a.status)],
                        "public_line": lines.get(a.id, ""),
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


def _lead(action: Action) -> str:
    lead = lead_of(action.owners)
    if lead is None:
        return ""
    return lead.party.short_name if lead.party else lead.label or ""


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
