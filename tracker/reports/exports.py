"""Excel and CSV exports of the report's actions, and reading a filled-in Excel back.

Every text cell is neutralised against formula injection: a value that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so a spreadsheet
shows it as text instead of running it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.dates import dutch_date
from tracker.plan.models import SIGNAL_LABELS, STATUS_LABELS
from tracker.xlsx import SheetProblem, neutralise, open_rows

COLUMNS = [
    ("Thema", 8),
    ("Code", 8),
    ("Actie", 60),
    ("Planning", 18),
    ("Termijn", 12),
    ("Eigenaren", 30),
    ("Status", 13),
    ("Signaal", 13),
    ("Laatste update", 14),
    ("Tekst laatste update", 50),
    ("Versie", 8),
    ("Nieuwe status", 15),
    ("Nieuw signaal", 15),
    ("Nieuwe voortgangstekst", 50),
]
FILL_IN = {"Nieuwe status", "Nieuw signaal", "Nieuwe voortgangstekst"}
SHEET = "Acties"
#: The column names are in row 2; row 1 is the title.
HEADER_ROW = 2


def _rows(report: dict) -> list[list]:
    rows = []
    for theme in report["themes"]:
        for row in theme["rows"]:
            rows.append(
                [
                    theme["number"],
                    row["code"],
                    row["text"],
                    row["planning"],
                    date.fromisoformat(row["due"]) if row["due"] else None,
                    row["owners"],
                    row["status_label"],
                    row["signal_label"],
                    date.fromisoformat(row["latest_update_at"][:10])
                    if row["latest_update_at"]
                    else None,
                    row["latest_update_text"],
                    row["version"],
                    "",
                    "",
                    "",
                ]
            )
    return rows


def to_csv(report: dict) -> bytes:
    """Semicolon-separated with a BOM: what Dutch Excel opens correctly by double-click."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([name for name, _ in COLUMNS if name not in FILL_IN])
    for row in _rows(report):
        values = [v.isoformat() if isinstance(v, date) else v for v in row]
        writer.writerow([neutralise(v) for v in values[: len(COLUMNS) - len(FILL_IN)]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


#: Dates as a Dutch reader expects them; real date cells, so they sort and filter as dates.
DATE_FORMAT = "d-m-yyyy"
DATE_COLUMNS = {"Termijn", "Laatste update"}
#: Kept (the upload needs it to spot an action changed since the export), not shown.
HIDDEN_COLUMNS = {"Versie"}


def to_xlsx(report: dict) -> bytes:
    """Row 1 names the plan and peildatum, row 2 the columns, then one row per action."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    plan = report["plan"]
    reference = date.fromisoformat(report["reference_date"])
    sheet.append(
        [f"{plan['title']} {plan['period']}: voortgang, peildatum {dutch_date(reference)}"]
    )
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    sheet.append([name for name, _ in COLUMNS])
    for row in _rows(report):
        sheet.append([neutralise(v) for v in row])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    for index, (name, width) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        sheet.column_dimensions[letter].hidden = name in HIDDEN_COLUMNS
        sheet.cell(row=HEADER_ROW, column=index).font = bold
        if name in FILL_IN:
            sheet.cell(row=HEADER_ROW, column=index).fill = fill
    dates = [i for i, (name, _) in enumerate(COLUMNS) if name in DATE_COLUMNS]
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            cell.alignment = wrap
        for index in dates:
            row[index].number_format = DATE_FORMAT
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{sheet.max_row}"
    first, last = HEADER_ROW + 1, sheet.max_row
    status_col = get_column_letter(COLUMNS.index(("Nieuwe status", 15)) + 1)
    signal_col = get_column_letter(COLUMNS.index(("Nieuw signaal", 15)) + 1)
    statuses = DataValidation(type="list", formula1='"' + ",".join(STATUS_LABELS.values()) + '"')
    signals = DataValidation(type="list", formula1='"' + ",".join(SIGNAL_LABELS.values()) + '"')
    statuses.add(f"{status_col}{first}:{status_col}{last}")
    signals.add(f"{signal_col}{first}:{signal_col}{last}")
    sheet.add_data_validation(statuses)
    sheet.add_data_validation(signals)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class UploadRow:
    code: str
    version: int
    status: str
    signal: str | None
    text: str


@dataclass
class UploadResult:
    rows: list[UploadRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_upload(data: bytes, max_rows: int) -> UploadResult:
    """The filled-in rows of an exported workbook; every problem is named by row and column.
    Rows where all three fill-in columns are empty are ignored; reading stops after
    ``max_rows`` rows (the plan's actions plus a margin)."""
    result = UploadResult()
    try:
        rows = open_rows(
            data, SHEET, [name for name, _ in COLUMNS], "gebruik een export van de tracker"
        )
    except SheetProblem as problem:
        result.problems.append(str(problem))
        return result
    status_by_label = {label.lower(): status.value for status, label in STATUS_LABELS.items()}
    signal_by_label = {label.lower(): signal.value for signal, label in SIGNAL_LABELS.items()}
    for number, cell in rows:
        if number > max_rows + 1:
            result.problems.append(
                f"Het werkblad heeft meer dan {max_rows} rijen; het plan heeft er minder. "
                "Gebruik een export van de tracker."
            )
            break
        new_status, new_signal = cell["Nieuwe status"], cell["Nieuw signaal"]
        text = cell["Nieuwe voortgangstekst"]
        if not (new_status or new_signal or text):
            continue
        code = cell["Code"]
        where = f"Rij {number} (actie {code or '?'})"
        version = cell["Versie"]
        current_status = status_by_label.get(cell["Status"].lower())
        current_signal = signal_by_label.get(cell["Signaal"].lower())
        status = status_by_label.get(new_status.lower()) if new_status else current_status
        signal = signal_by_label.get(new_signal.lower()) if new_signal else current_signal
        if new_status and status is None:
            result.problems.append(f"{where}: status '{new_status}' is onbekend.")
        if new_signal and signal is None:
            result.problems.append(f"{where}: signaal '{new_signal}' is onbekend.")
        if not text:
            result.problems.append(f"{where}: vul een voortgangstekst in.")
        if not version.isdigit():
            result.problems.append(f"{where}: de kolom Versie is leeg of gewijzigd.")
        if status and text and version.isdigit() and (not new_signal or signal):
            result.rows.append(UploadRow(code, int(version), status, signal, text))
    return result
