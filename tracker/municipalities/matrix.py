"""The region at a glance: every municipality x its borging items, its attendance at the
network meetings and its rows of the every-municipality actions, each cell a text and a
level (so colour is never the only signal). One builder for the page, the report, the
Excel sheet and the municipal PDF; a constant number of queries at any size."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.meetings.attendance import region_municipalities, year_attendance
from tracker.municipalities import borging, rollup
from tracker.plan.models import Action, Municipality, Plan, Status, Theme
from tracker.progress.models import MunicipalityProgress

#: A municipal action's status read as a level.
STATUS_LEVELS = {
    Status.DONE.value: "goed",
    Status.IN_PROGRESS.value: "deels",
    Status.NOT_STARTED.value: "niet",
    Status.DROPPED.value: "neutraal",
}
#: Sorting on a column puts what needs attention first.
LEVEL_ORDER = {"niet": 0, "onbekend": 1, "deels": 2, "goed": 3, "neutraal": 4}
NETWORK = "netwerk"


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    title: str
    #: What "in order" means in this column, for its region total ("3 van 23 afgerond").
    in_order: str = "in orde"


@dataclass(frozen=True)
class Cell:
    text: str
    level: str
    #: What the municipality wrote with it (a row's note), shown on its page.
    note: str = ""
    #: The text for a crowded table (the report, the Excel sheet); the full text if empty.
    short: str = ""


@dataclass
class Row:
    municipality: Municipality
    cells: dict[str, Cell]
    #: The municipality's borging as ``borging.ItemState`` (its page shows dates and notes).
    states: list = field(default_factory=list)


@dataclass
class Matrix:
    year: int
    columns: list[Column]
    rows: list[Row]
    #: The every-municipality actions, with their stored rows this year by municipality id.
    actions: list[Action]
    cells: dict[tuple[int, int], MunicipalityProgress]

    def count(self, key: str) -> Counter:
        return Counter(row.cells[key].level for row in self.rows)

    def summary(self, key: str) -> str:
        """'14 van 23 in orde', '3 van 23 afgerond' (a fact: '5 van 23 ja')."""
        column = next(c for c in self.columns if c.key == key)
        item = borging.ITEM_BY_KEY.get(key)
        if item is not None and item.is_neutral:
            yes = sum(
                1 for row in self.rows for s in row.states if s.item is item and s.state == "ja"
            )
            return f"{yes} van {len(self.rows)} ja"
        return f"{self.count(key)['goed']} van {len(self.rows)} {column.in_order}"

    def borging_report(self, only: str | None = None) -> dict:
        """The borging and network columns as plain data for the report (a snapshot keeps
        it as JSON): per column its heading and the region's total, per municipality (or
        only the one with code ``only``) its cells."""
        columns = [c for c in self.columns if not c.key.startswith("actie-")]
        return {
            "year": self.year,
            "columns": [
                {"heading": c.heading, "title": c.title, "total": self.summary(c.key)}
                for c in columns
            ],
            "rows": [
                {
                    "code": row.municipality.code,
                    "name": row.municipality.name,
                    "cells": [
                        {
                            "text": row.cells[c.key].short or row.cells[c.key].text,
                            "level": row.cells[c.key].level,
                        }
                        for c in columns
                    ],
                }
                for row in self.rows
                if only is None or row.municipality.code == only
            ],
        }

    def row_of(self, municipality_id: int) -> Row | None:
        return next((r for r in self.rows if r.municipality.id == municipality_id), None)

    def filtered(self, key: str | None, level: str | None) -> list[Row]:
        if not key or not level:
            return self.rows
        return [row for row in self.rows if row.cells[key].level == level]

    def sorted_rows(self, rows: list[Row], key: str | None, descending: bool) -> list[Row]:
        if not key:
            return sorted(rows, key=lambda r: r.municipality.name, reverse=descending)
        return sorted(
            sorted(rows, key=lambda r: r.municipality.name),
            key=lambda r: LEVEL_ORDER[r.cells[key].level],
            reverse=descending,
        )


def municipal_actions(plan: Plan) -> list[Action]:
    return list(
        db.session.scalars(
            select(Action)
            .join(Action.theme)
            .where(Theme.plan_id == plan.id, Action.is_per_municipality.is_(True))
            .options(joinedload(Action.theme))
            .order_by(Theme.number, Action.number)
        )
    )


def columns_for(actions: list[Action]) -> list[Column]:
    items = [Column(item.key, item.short, item.label) for item in borging.ITEMS]
    network = Column(
        NETWORK, "Netwerk", "Aanwezig bij de netwerkbijeenkomsten (actie 2.3)", "vaak genoeg"
    )
    return [
        *items,
        network,
        *(
            Column(f"actie-{a.code}", a.code, f"Actie {a.code}: {a.text}", "afgerond")
            for a in actions
        ),
    ]


def action_cell(cell: MunicipalityProgress | None) -> Cell:
    status = cell.status if cell else Status.NOT_STARTED.value
    return Cell(Status(status).label, STATUS_LEVELS[status], cell.note if cell else "")


def build(
    plan: Plan,
    year: int,
    municipalities: list[Municipality] | None = None,
    until: datetime | None = None,
    with_actions: bool = True,
) -> Matrix:
    """The matrix for ``year`` (of the region's municipalities, or those given); with
    ``until``, the borging and attendance as they stood then (a report's peildatum);
    without the actions' columns when the caller has those already (the report)."""
    if municipalities is None:
        municipalities = region_municipalities()
    ids = [m.id for m in municipalities]
    actions = municipal_actions(plan) if with_actions else []
    cells = {(c.action_id, c.municipality_id): c for c in rollup.stored_cells(actions, {year})}
    entries = borging.current_entries(ids, until)
    attendance = year_attendance(year, ids, until)
    rows = []
    for municipality in municipalities:
        states = borging.states_of(municipality.id, entries, year)
        row_cells = {
            state.item.key: Cell(state.text, state.level, short=state.short) for state in states
        }
        present = attendance[municipality.id]
        row_cells[NETWORK] = Cell(present.text, present.level)
        for action in actions:
            row_cells[f"actie-{action.code}"] = action_cell(cells.get((action.id, municipality.id)))
        rows.append(Row(municipality, row_cells, states))
    return Matrix(year, columns_for(actions), rows, actions, cells)
