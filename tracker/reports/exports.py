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
#: Kept (the upload needs it to spot a row changed since the export), not shown.
HIDDEN_COLUMNS = {"Versie"}

#: The second sheet: one row per municipality and every-municipality action (the matrix).
MUNICIPAL_SHEET = "Gemeenten"
MUNICIPAL_COLUMNS = [
    ("Code", 8),
    ("Actie", 50),
    ("Gemeente", 24),
    ("Jaar", 8),
    ("Status", 13),
    ("Toelichting", 40),
    ("Versie", 8),
    ("Nieuwe status", 15),
    ("Nieuwe toelichting", 50),
]
MUNICIPAL_FILL_IN = {"Nieuwe status", "Nieuwe toelichting"}
BORGING_SHEET = "Borging"


def _municipal_rows(report: dict) -> list[list]:
    matrix = report.get("matrix")
    if not matrix:
        return []
    return [
        [
            shared["code"],
            shared["short_text"],
            row["name"],
            matrix["year"],
            cell["status_label"],
            cell["note"],
            cell["version"],
            "",
            "",
        ]
        for row in matrix["rows"]
        for shared, cell in zip(matrix["actions"], row["cells"], strict=True)
    ]


#: A line of the sheet's text (Calibri 11) in points, and the most lines a row shows.
LINE_POINTS, MAX_LINES = 15, 12


def _lines(values: list, widths: list[int]) -> int:
    """How many lines the row's longest wrapped text takes: a row height set in the file, as
    Excel and LibreOffice keep the default height of one line for a file's wrapped cells
    (the action's text showed its first words only). A column's width counts its
    characters; a word does not fit exactly, so a line holds a little less."""
    lines = 1
    for value, width in zip(values, widths, strict=True):
        if isinstance(value, str):
            per_line = max(width - 2, 1)
            lines = max(lines, sum(-(-len(part) // per_line) or 1 for part in value.split("\n")))
    return min(lines, MAX_LINES)


def _fill_sheet(sheet, title: str, columns, fill_in: set[str], rows, choices: dict) -> None:
    """Row 1 the title, row 2 the column names (fill-in columns yellow), then ``rows``;
    ``choices`` gives a drop-down list per column name."""
    sheet.append([title])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    sheet.append([name for name, _ in columns])
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    names = [name for name, _ in columns]
    for index, (name, width) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        sheet.column_dimensions[letter].hidden = name in HIDDEN_COLUMNS
        sheet.cell(row=HEADER_ROW, column=index).font = bold
        if name in fill_in:
            sheet.cell(row=HEADER_ROW, column=index).fill = fill
    dates = [i for i, name in enumerate(names) if name in DATE_COLUMNS]
    wrap = Alignment(wrap_text=True, vertical="top")
    widths = [width for _, width in columns]
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            cell.alignment = wrap
        for index in dates:
            row[index].number_format = DATE_FORMAT
        lines = _lines([cell.value for cell in row], widths)
        sheet.row_dimensions[row[0].row].height = LINE_POINTS * lines
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{sheet.max_row}"
    first, last = HEADER_ROW + 1, max(sheet.max_row, HEADER_ROW + 1)
    for name, values in choices.items():
        column = get_column_letter(names.index(name) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"')
        validation.add(f"{column}{first}:{column}{last}")
        sheet.add_data_validation(validation)


def to_xlsx(report: dict) -> bytes:
    """Sheet "Acties": one row per action; sheet "Gemeenten" (when the report has
    every-municipality actions): one row per municipality and such action; sheet "Borging":
    one row per municipality, its borging and network attendance (to read). Row 1 of each
    names the plan and peildatum, row 2 the columns."""
    workbook = Workbook()
    plan = report["plan"]
    reference = date.fromisoformat(report["reference_date"])
    title = f"{plan['title']} {plan['period']}: voortgang, peildatum {dutch_date(reference)}"
    statuses = list(STATUS_LABELS.values())
    sheet = workbook.active
    sheet.title = SHEET
    _fill_sheet(
        sheet,
        title,
        COLUMNS,
        FILL_IN,
        _rows(report),
        {"Nieuwe status": statuses, "Nieuw signaal": list(SIGNAL_LABELS.values())},
    )
    municipal = _municipal_rows(report)
    if municipal:
        _fill_sheet(
            workbook.create_sheet(MUNICIPAL_SHEET),
            f"{title}; per gemeente, {report['matrix']['year']}",
            MUNICIPAL_COLUMNS,
            MUNICIPAL_FILL_IN,
            municipal,
            {"Nieuwe status": statuses},
        )
    borging = report.get("borging")
    if borging:  # to read, not to fill in: the municipality's page is where it changes
        _fill_sheet(
            workbook.create_sheet(BORGING_SHEET),
            f"{title}; borging per gemeente, {borging['year']}",
            [("Gemeente", 24), *((c["title"], 18) for c in borging["columns"])],
            set(),
            [[row["name"], *(cell["text"] for cell in row["cells"])] for row in borging["rows"]]
            + [["Regio", *(c["total"] for c in borging["columns"])]],
            {},
        )
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
class MunicipalUploadRow:
    code: str
    municipality: str
    year: int
    version: int
    status: str
    note: str


@dataclass
class UploadResult:
    rows: list[UploadRow] = field(default_factory=list)
    municipal_rows: list[MunicipalUploadRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_upload(data: bytes, max_rows: int) -> UploadResult:
    """The filled-in rows of an exported workbook; every problem is named by row and column.
    Rows where all three fill-in columns are empty are ignored; reading stops after
    ``max_rows`` rows (the plan's actions plus a margin)."""
    result = UploadResult()
    hint = "gebruik een export van de tracker"
    try:
        rows = open_rows(data, SHEET, [name for name, _ in COLUMNS], hint)
        # Exports made before the municipal sheet existed still upload.
        municipal = open_rows(
            data, MUNICIPAL_SHEET, [name for name, _ in MUNICIPAL_COLUMNS], hint, required=False
        )
    except SheetProblem as problem:
        result.problems.append(str(problem))
        return result
    _read_action_rows(rows, max_rows, result)
    _read_municipal_rows(municipal, max_rows, result)
    return result


_STATUS_BY_LABEL = {label.lower(): status.value for status, label in STATUS_LABELS.items()}


def _too_many(result: UploadResult, sheet: str, max_rows: int) -> None:
    result.problems.append(
        f"Het werkblad '{sheet}' heeft meer dan {max_rows} rijen; het plan heeft er minder. "
        "Gebruik een export van de tracker."
    )


def _read_action_rows(rows, max_rows: int, result: UploadResult) -> None:
    status_by_label = _STATUS_BY_LABEL
    signal_by_label = {label.lower(): signal.value for signal, label in SIGNAL_LABELS.items()}
    for number, cell in rows:
        if number > max_rows + HEADER_ROW:
            _too_many(result, SHEET, max_rows)
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


def _read_municipal_rows(rows, max_rows: int, result: UploadResult) -> None:
    """Filled-in rows of the "Gemeenten" sheet: a new status, a new note, or both."""
    for number, cell in rows:
        if number > max_rows + HEADER_ROW:
            _too_many(result, MUNICIPAL_SHEET, max_rows)
            break
        new_status, new_note = cell["Nieuwe status"], cell["Nieuwe toelichting"]
        if not (new_status or new_note):
            continue
        where = f"Gemeenten, rij {number} (actie {cell['Code'] or '?'}, {cell['Gemeente'] or '?'})"
        status = _STATUS_BY_LABEL.get((new_status or cell["Status"]).lower())
        if status is None:
            result.problems.append(f"{where}: status '{new_status or cell['Status']}' is onbekend.")
        version, year = cell["Versie"], cell["Jaar"]
        if not version.isdigit() or not year.isdigit():
            result.problems.append(f"{where}: de kolom Versie of Jaar is leeg of gewijzigd.")
        elif status:
            result.municipal_rows.append(
                MunicipalUploadRow(
                    cell["Code"],
                    cell["Gemeente"],
                    int(year),
                    int(version),
                    status,
                    new_note or cell["Toelichting"],
                )
            )
