"""Kerncijfers as the pages, the report and the API show them: values per year with the change
against the year before, and entering new years (form and Excel) with an audit trail."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload, subqueryload

from tracker.audit.services import record
from tracker.extensions import db
from tracker.figures.models import (
    DIRECTIONS,
    ESTIMATE,
    REGION,
    Indicator,
    IndicatorAction,
    IndicatorValue,
)
from tracker.plan.models import Action
from tracker.plan.regions import in_region

#: Years a figure may be entered for.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Point:
    """One year of an indicator, with its change against the previous year shown."""

    year: int
    value: int
    monitor: str
    section: str
    caveat: str
    #: None for the first year, or when the monitor says the years are not comparable.
    change: int | None
    comparable: bool
    #: The top of an estimate's range; None for a count.
    value_high: int | None = None
    #: Where this year was counted, when not the indicator's area.
    area: str = ""

    @property
    def value_text(self) -> str:
        return number_text(self.value, self.value_high)

    @property
    def arrow(self) -> str:
        if self.change is None:
            return ""
        return "▲" if self.change > 0 else "▼" if self.change < 0 else "="

    @property
    def change_text(self) -> str:
        """'+9 ▲', '−7 ▼', '0 =', 'niet vergelijkbaar' or '' (first year)."""
        if not self.comparable:
            return "niet vergelijkbaar"
        if self.change is None:
            return ""
        sign = "+" if self.change > 0 else "−" if self.change < 0 else ""
        return f"{sign}{abs(self.change)} {self.arrow}"


def number_text(value: int, high: int | None = None) -> str:
    """'1.234', or for an estimate '500 – 600'."""
    low = f"{value:,}".replace(",", ".")
    return low if high is None else f"{low} – {high:,}".replace(",", ".")


def points(indicator: Indicator) -> list[Point]:
    """The indicator's values in year order. The change is against the value of the year just
    before; without that year (a gap) there is no change to show."""
    result, previous = [], None
    for value in sorted(indicator.values, key=lambda v: v.year):
        follows = previous is not None and previous.year == value.year - 1
        change = value.value - previous.value if follows and value.comparable else None
        result.append(
            Point(
                year=value.year,
                value=value.value,
                monitor=value.monitor,
                section=value.section,
                caveat=value.caveat,
                change=change,
                comparable=value.comparable or not follows,
                value_high=value.value_high,
                area=value.area,
            )
        )
        previous = value
    return result


def all_indicators(only_in_report: bool = False) -> list[Indicator]:
    """Every indicator of the asker's region with its values and its links to actions (three
    queries), by source and seed order."""
    stmt = (
        select(Indicator)
        .where(in_region(Indicator))
        .options(subqueryload(Indicator.values), _with_links())
        .order_by(Indicator.position, Indicator.id)
    )
    if only_in_report:
        stmt = stmt.where(Indicator.in_report.is_(True))
    return list(db.session.scalars(stmt))


def for_action(action: Action) -> list[Indicator]:
    """The figures of their own (not a part of another) that inform one action, with
    their values and links."""
    return list(db.session.scalars(_for_action(), {"action_id": action.id}))


@functools.cache
def _with_links():
    """An indicator's links with their actions and themes (for the code and the plan). Built
    once per process, on first use: a loader option maps every model, which must all be
    imported by then."""
    return (
        selectinload(Indicator.action_links)
        .joinedload(IndicatorAction.action)
        .joinedload(Action.theme)
    )


@functools.cache
def _for_action():
    """Built once per process (the action page reads it; ``plan.queries`` says why)."""
    linked = select(IndicatorAction.indicator_id).where(
        IndicatorAction.action_id == bindparam("action_id")
    )
    return (
        select(Indicator)
        .where(Indicator.id.in_(linked), Indicator.breakdown_of == "")
        .options(selectinload(Indicator.values), _with_links())
        .order_by(Indicator.position, Indicator.id)
    )


def set_target(indicator: Indicator, direction: str, target: int | None, author) -> None:
    if (indicator.direction, indicator.target) == (direction, target):
        return
    indicator.direction, indicator.target = direction, target
    shown = DIRECTIONS.get(direction, "geen richting")
    record(
        "figure.target",
        author,
        f"kerncijfer {indicator.code}",
        f"{shown}; doel {target if target is not None else 'geen'}",
    )


def by_source(indicators: list[Indicator]) -> list[tuple[str, list[Indicator]]]:
    """The figures of their own (not the parts of another) grouped by source."""
    groups: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        if not indicator.breakdown_of:
            groups.setdefault(indicator.source, []).append(indicator)
    return list(groups.items())


def breakdowns(indicators: list[Indicator]) -> dict[str, list[dict]]:
    """Per figure (its code), its breakdowns as tables: per dimension ("Geslacht") the years
    any part has, and per part its value in each of those years (None where not given)."""
    parts: dict[str, dict[str, list[Indicator]]] = {}
    for indicator in indicators:
        if indicator.breakdown_of:
            by_dimension = parts.setdefault(indicator.breakdown_of, {})
            by_dimension.setdefault(indicator.breakdown, []).append(indicator)
    result: dict[str, list[dict]] = {}
    for code, by_dimension in parts.items():
        for dimension, members in by_dimension.items():
            years = sorted({v.year for member in members for v in member.values})
            rows = [
                {
                    "part": member.part,
                    "values": [
                        next((v.value for v in member.values if v.year == year), None)
                        for year in years
                    ],
                }
                for member in members
            ]
            result.setdefault(code, []).append(
                {"breakdown": dimension, "years": years, "rows": rows}
            )
    return result


def as_data(indicator: Indicator, plan_id: int | None) -> dict:
    """Plain data for the API, the report and its snapshots; the linked actions are those
    of plan ``plan_id`` (the one reported on, or the current one)."""
    links = indicator.links_in(plan_id)
    return {
        "code": indicator.code,
        "name": indicator.name,
        "source": indicator.source,
        "theme": indicator.theme_number,
        "area": indicator.area,
        "unit": indicator.unit,
        "kind": indicator.kind,
        "actions": [link.action.code for link in links],
        "action_reasons": {link.action.code: link.reason for link in links if link.reason},
        "beside_estimate": indicator.beside_estimate,
        "direction": indicator.direction,
        "target": indicator.target,
        "breakdown_of": indicator.breakdown_of,
        "breakdown": indicator.breakdown,
        "part": indicator.part,
        "values": [
            {
                "year": p.year,
                "value": p.value,
                "value_high": p.value_high,
                "area": p.area or indicator.area,
                "change": p.change,
                "comparable": p.comparable,
                "monitor": p.monitor,
                "section": p.section,
                "caveat": p.caveat,
            }
            for p in points(indicator)
        ],
    }


#: The plan's own words on low figures (its introduction to theme 1), printed with the
#: registered counts beside the estimate.
DARK_NUMBER = (
    "Bij slachtoffers van mensenhandel zijn geen of lage cijfers juist reden om flink te "
    "investeren en in te zetten om een steeds groter deel van het 'dark number' inzichtelijk "
    "te krijgen."
)


def report_chapter(
    indicators: list[Indicator],
    plan_id: int | None,
    theme_titles: dict[int, str],
    theme: int | None = None,
    municipality: str | None = None,
) -> dict:
    """The report's chapter of kerncijfers as plain data: the estimate with the registered
    counts beside it, then every count per theme, and the monitors they come from. It follows
    the report's selection: one theme's figures, or for a municipality's view the region's
    and its own (not another municipality's)."""
    areas = {REGION, municipality} if municipality else None
    indicators = [
        i
        for i in indicators
        if (theme is None or i.theme_number == theme or i.kind == ESTIMATE)
        and (areas is None or i.area in areas)
    ]
    estimate = next((i for i in indicators if i.kind == ESTIMATE), None)
    counts = [i for i in indicators if i.kind != ESTIMATE and not i.breakdown_of]
    parts = breakdowns(indicators)
    numbers = sorted({i.theme_number for i in counts if i.theme_number})

    def with_parts(indicator: Indicator) -> dict:
        return as_data(indicator, plan_id) | {"breakdowns": parts.get(indicator.code, [])}

    return {
        "estimate": as_data(estimate, plan_id) if estimate else None,
        "beside": [as_data(i, plan_id) for i in counts if i.beside_estimate],
        "dark_number": DARK_NUMBER,
        "themes": [
            {
                "number": number,
                "title": theme_titles.get(number, ""),
                "figures": [with_parts(i) for i in counts if i.theme_number == number],
            }
            for number in numbers
        ],
        "monitors": sorted({v.monitor for i in indicators for v in i.values}),
    }


@dataclass(frozen=True)
class NewValue:
    indicator: Indicator
    year: int
    value: int
    monitor: str
    section: str
    caveat: str
    comparable: bool


def save_values(new_values: list[NewValue], author, now: datetime) -> tuple[int, int]:
    """Store each value (a new year, or a correction of a stored one), audited; returns
    (added, changed). The caller commits."""
    added = changed = 0
    for new in new_values:
        stored = next((v for v in new.indicator.values if v.year == new.year), None)
        before = stored.value if stored is not None else None
        if stored is None:
            stored = IndicatorValue(indicator=new.indicator, year=new.year, quote="")
            db.session.add(stored)
            added += 1
        elif (stored.value, stored.monitor, stored.section, stored.caveat, stored.comparable) == (
            new.value,
            new.monitor,
            new.section,
            new.caveat,
            new.comparable,
        ):
            continue
        else:
            changed += 1
        stored.value, stored.monitor, stored.section = new.value, new.monitor, new.section
        stored.caveat, stored.comparable = new.caveat, new.comparable
        stored.edited_at, stored.edited_by_id = now, author.id
        record(
            "figure.save",
            author,
            f"{new.indicator.name} ({new.indicator.area}) {new.year}",
            f"{'–' if before is None else before} → {new.value}",
            monitor=new.monitor,
        )
    db.session.flush()
    return added, changed


def choose_for_report(codes: set[str], author) -> None:
    """Which indicators go to the RVO report."""
    for indicator in all_indicators():
        indicator.in_report = indicator.code in codes
    record("figure.report", author, "kerncijfers", f"{len(codes)} kerncijfers in de rapportage")


def compare(old: list[dict], new: list[dict]) -> list[dict]:
    """Figures that differ between two reports: a year added, or a value corrected."""
    before = {f["code"]: f for f in old}
    result = []
    for figure in new:
        previous = {v["year"]: v["value"] for v in before.get(figure["code"], {}).get("values", [])}
        for value in figure["values"]:
            if previous.get(value["year"]) != value["value"]:
                result.append(
                    {
                        "name": figure["name"],
                        "area": figure["area"],
                        "year": value["year"],
                        "before": previous.get(value["year"]),
                        "after": value["value"],
                    }
                )
    return result
