"""The Excel template for a new year's figures: download (one row per indicator, its latest
year shown), fill in Jaar, Waarde and Monitor, upload; every problem is named by row."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.figures.models import Indicator
from tracker.figures.services import FIRST_YEAR, LAST_YEAR
from tracker.xlsx import SheetProblem, neutralise, open_rows

SHEET = "Kerncijfers"
COLUMNS = [
    ("Code", 28),
    ("Kerncijfer", 50),
    ("Bron", 26),
    ("Gebied", 14),
    ("Laatste jaar", 12),
    ("Laatste waarde", 14),
    ("Jaar", 8),
    ("Waarde", 10),
    ("Monitor", 30),
    ("Paragraaf", 30),
    ("Kanttekening", 50),
    ("Vergelijkbaar met vorig jaar", 14),
]


def template(indicators: list[Indicator]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([name for name, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    for indicator in indicators:
        latest = max(indicator.values, key=lambda v: v.year, default=None)
        sheet.append(
            [
                neutralise(indicator.code),
                neutralise(indicator.name),
                neutralise(indicator.source),
                neutralise(indicator.area),
                latest.year if latest else None,
                latest.value if latest else None,
                None,
                None,
                None,
                None,
                None,
                "ja",
            ]
        )
    choice = DataValidation(type="list", formula1='"ja,nee"', allow_blank=True)
    sheet.add_data_validation(choice)
    choice.add(f"L2:L{max(sheet.max_row, 2)}")
    sheet.freeze_panes = "C2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass
class FilledRow:
    row: int
    code: str
    year: int
    value: int
    monitor: str
    section: str
    caveat: str
    comparable: bool


@dataclass
class Filled:
    rows: list[FilledRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read(data: bytes, max_rows: int) -> Filled:
    """The rows with a Jaar or Waarde filled in; rows left empty are skipped."""
    result = Filled()
    try:
        rows = open_rows(data, SHEET, [name for name, _ in COLUMNS], "gebruik het sjabloon")
    except SheetProblem as problem:
        result.problems.append(str(problem))
        return result
    for number, cell in rows:
        if number > max_rows + 1:
            result.problems.append(f"Het werkblad heeft meer dan {max_rows} rijen.")
            break
        if not (cell["Jaar"] or cell["Waarde"]):
            continue
        where = f"Rij {number} ({cell['Kerncijfer'] or cell['Code'] or '?'})"
        problems = []
        year = _whole(cell["Jaar"])
        if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
            problems.append(f"{where}: vul bij Jaar een jaartal in, bijvoorbeeld 2024.")
        value = _whole(cell["Waarde"])
        if value is None or value < 0:
            problems.append(f"{where}: vul bij Waarde een aantal in (een geheel getal, 0 of meer).")
        if not cell["Monitor"]:
            problems.append(
                f"{where}: vul bij Monitor de bron in, bijvoorbeeld 'Mensenhandelmonitor 2024'."
            )
        comparable = cell["Vergelijkbaar met vorig jaar"].lower() or "ja"
        if comparable not in ("ja", "nee"):
            problems.append(f"{where}: vul bij Vergelijkbaar met vorig jaar 'ja' of 'nee' in.")
        result.problems += problems
        if not problems:
            result.rows.append(
                FilledRow(
                    row=number,
                    code=cell["Code"],
                    year=year,
                    value=value,
                    monitor=cell["Monitor"],
                    section=cell["Paragraaf"],
                    caveat=cell["Kanttekening"],
                    comparable=comparable == "ja",
                )
            )
    return result


def _whole(text: str) -> int | None:
    """'2024', '2024.0' (Excel numbers) or '1.234' (Dutch thousands) as an int."""
    text = text.strip()
    if text.endswith(".0"):
        text = text[:-2]
    digits = text.replace(".", "") if "." in text and len(text.split(".")[-1]) == 3 else text
    return int(digits) if digits.isdigit() else None
