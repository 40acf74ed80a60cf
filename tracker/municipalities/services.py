"""Saving a municipality's form: its action rows and borging statements in one transaction."""

from __future__ import annotations

from datetime import datetime

from tracker.conflicts import saving
from tracker.municipalities import borging
from tracker.plan.models import Municipality
from tracker.progress.services import write_cell


def save_rows(
    municipality: Municipality, year: int, cells: list, items: list, author, now: datetime
) -> None:
    """``cells``: (action, CellRowForm) for the changed action rows; ``items``: (item,
    BorgingRowForm) for the changed borging items. All or nothing: StaleEdit when any row
    changed since it was shown (nothing is written then)."""
    with saving():
        for action, row in cells:
            write_cell(
                action,
                municipality,
                year,
                author,
                row.status.data,
                row.note.data or "",
                int(row.version.data),
                now,
            )
        for item, row in items:
            state, on_date, link, note = row.values
            borging.record_entry(
                municipality,
                item,
                author,
                state=state,
                on_date=on_date,
                link=link,
                note=note,
                seen_id=int(row.seen.data),
                now=now,
            )
