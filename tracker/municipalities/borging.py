"""What a municipality has in place ("borging"), item by item: the items, how a statement
reads (text and level, so a matrix never speaks in colour alone), and reading and writing
the statements. Each item's statements are a history; the newest is its state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from tracker.audit.services import record
from tracker.conflicts import StaleEdit
from tracker.dates import dutch_date
from tracker.extensions import db
from tracker.municipalities.models import BorgingEntry
from tracker.plan.models import Municipality


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    #: The matrix column's heading.
    short: str
    date_label: str
    #: The plan's action this item is the municipal side of, if any.
    action_code: str | None = None
    has_link: bool = False
    #: The item is a day (the yearly visit): in order when it falls in the year shown.
    is_visit: bool = False
    #: Yes or no is neither good nor bad: it only says whether an action applies (3.12).
    is_neutral: bool = False


ITEMS = (
    Item("aandachtsfunctionaris", "Aandachtsfunctionaris aangesteld", "AF", "Sinds"),
    Item(
        "beleid",
        "Lokaal beleid of uitvoeringsplan vastgesteld",
        "Beleid",
        "Vastgesteld op",
        has_link=True,
    ),
    Item("meldroute", "Interne meldroute ingericht", "Meldroute", "Sinds", action_code="3.3"),
    Item("meld_adviespunt", "Aangesloten bij het Meld- en adviespunt", "Meldpunt", "Sinds"),
    Item(
        "jaarlijks_gesprek",
        "Jaarlijks gesprek met de VAR",
        "Gesprek",
        "Datum van het laatste gesprek",
        action_code="2.4",
        is_visit=True,
    ),
    Item(
        "seksinrichting",
        "Vergunde seksinrichting in de gemeente",
        "Seksinrichting",
        "Sinds",
        action_code="3.12",
        is_neutral=True,
    ),
)
ITEM_BY_KEY = {item.key: item for item in ITEMS}

UNKNOWN = "onbekend"
STATE_LABELS = {"ja": "Ja", "nee": "Nee", UNKNOWN: "Onbekend"}
#: An item nothing was ever said about, as (state, date, link, note).
NOTHING_SAID = (UNKNOWN, None, None, "")

#: How a cell reads: in order, partly, not, not known, or neither (a fact, not a score).
LEVEL_LABELS = {
    "goed": "in orde",
    "deels": "deels",
    "niet": "niet in orde",
    "onbekend": "onbekend",
    "neutraal": "feit",
}


@dataclass
class ItemState:
    """One item of one municipality as it stands: its newest statement (None: never said)."""

    item: Item
    entry: BorgingEntry | None
    year: int

    @property
    def state(self) -> str:
        return self.entry.state if self.entry else UNKNOWN

    @property
    def seen_id(self) -> int:
        """What the form remembers, to tell a stale save (someone wrote after it was shown)."""
        return self.entry.id if self.entry else 0

    @property
    def level(self) -> str:
        if self.item.is_visit:
            if self.entry is None or self.entry.on_date is None:
                return "onbekend"
            return "goed" if self.entry.on_date.year == self.year else "niet"
        if self.state == UNKNOWN:
            return "onbekend"
        if self.item.is_neutral:
            return "neutraal"
        return "goed" if self.state == "ja" else "niet"

    @property
    def short(self) -> str:
        """The text for a crowded table (the report's matrix, the Excel sheet)."""
        entry = self.entry
        if self.item.is_visit and entry is not None and entry.on_date is not None:
            if entry.on_date.year == self.year:
                return entry.on_date.strftime("%d-%m-%Y")
            return f"Niet in {self.year}"
        return "Onbekend" if self.item.is_visit else STATE_LABELS[self.state]

    @property
    def text(self) -> str:
        entry = self.entry
        if self.item.is_visit:
            if entry is None or entry.on_date is None:
                return "Onbekend"
            if entry.on_date.year == self.year:
                return dutch_date(entry.on_date)
            return f"Niet in {self.year} (laatst {dutch_date(entry.on_date)})"
        text = STATE_LABELS[self.state]
        if entry is not None and entry.on_date and self.state == "ja":
            text += f", {self.item.date_label.lower()} {dutch_date(entry.on_date)}"
        return text


def current_entries(
    municipality_ids: list[int], until: datetime | None = None
) -> dict[tuple[int, str], BorgingEntry]:
    """The newest statement per (municipality, item), in one query; with ``until``, the
    newest made before then (the borging as it stood on a report's peildatum)."""
    if not municipality_ids:
        return {}
    newest = (
        select(func.max(BorgingEntry.id))
        .where(BorgingEntry.municipality_id.in_(municipality_ids))
        .group_by(BorgingEntry.municipality_id, BorgingEntry.item)
    )
    if until is not None:
        newest = newest.where(BorgingEntry.created_at < until)
    entries = db.session.scalars(select(BorgingEntry).where(BorgingEntry.id.in_(newest)))
    return {(e.municipality_id, e.item): e for e in entries}


def states_of(municipality_id: int, entries: dict, year: int) -> list[ItemState]:
    return [ItemState(item, entries.get((municipality_id, item.key)), year) for item in ITEMS]


def entries_by_id(ids: list[int]) -> dict[int, BorgingEntry]:
    if not ids:
        return {}
    return {
        e.id: e for e in db.session.scalars(select(BorgingEntry).where(BorgingEntry.id.in_(ids)))
    }


def history(municipality_id: int) -> list[BorgingEntry]:
    """Every statement about the municipality, newest first."""
    return list(
        db.session.scalars(
            select(BorgingEntry)
            .where(BorgingEntry.municipality_id == municipality_id)
            .order_by(BorgingEntry.id.desc())
        )
    )


def record_entry(
    municipality: Municipality,
    item: Item,
    author,
    *,
    state: str,
    on_date: date | None,
    link: str | None,
    note: str,
    seen_id: int,
    now: datetime,
) -> BorgingEntry | None:
    """Add a statement about ``item``. ``seen_id`` is the newest statement the writer saw
    (0: none); a newer one means someone else wrote meanwhile (StaleEdit). None when the
    statement says what the newest already says (nothing is written)."""
    newest = db.session.scalar(
        select(BorgingEntry)
        .where(BorgingEntry.municipality_id == municipality.id, BorgingEntry.item == item.key)
        .order_by(BorgingEntry.id.desc())
        .limit(1)
    )
    if (newest.id if newest else 0) != seen_id:
        raise StaleEdit
    state = "ja" if item.is_visit else state
    link = (link or "").strip() or None if item.has_link else None
    values = (state, on_date, link, note.strip())
    if newest is None and values == NOTHING_SAID:
        return None
    if newest is not None and values == (newest.state, newest.on_date, newest.link, newest.note):
        return None
    entry = BorgingEntry(
        municipality_id=municipality.id,
        item=item.key,
        state=state,
        on_date=on_date,
        link=link,
        note=note.strip(),
        author_id=author.id,
        created_at=now,
    )
    db.session.add(entry)
    shown = ItemState(item, entry, on_date.year if on_date else now.year)
    record("borging.update", author, f"{municipality.name} · {item.label}", shown.text, note=note)
    return entry
