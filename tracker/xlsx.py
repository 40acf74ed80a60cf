"""Spreadsheet safety shared by every export and upload: formula injection on the way out,
zip bombs and stray apostrophes on the way in.

Every text cell is neutralised against formula injection: a value that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so a spreadsheet
shows it as text instead of running it.
"""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet would read as a formula is made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def clean_cell(value) -> str:
    text = "" if value is None else str(value).strip()
    return text[1:] if text.startswith("'") else text


#: The tracker's export of the whole plan unpacks to about 100 kB in 10 parts (with every
#: progress text at its maximum, under 500 kB); a zip that claims more than this, or more
#: parts, is refused before openpyxl inflates it. openpyxl reads about 0.15-0.4 s of CPU per
#: unpacked megabyte, so no upload costs a worker a second (20 MB cost 7.5 s).
MAX_UNPACKED_BYTES = 1024 * 1024
MAX_ZIP_ENTRIES = 40


def zip_problem(data: bytes) -> str | None:
    """Why this file must not be opened as a workbook (a "zip bomb"), else None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "Het bestand is geen Excel-werkboek (.xlsx)."
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        return (
            "Het bestand is uitgepakt te groot voor een export van de tracker; "
            "upload het werkboek dat u van de tracker kreeg."
        )
    return None


#: How many rows down the column names may stand (below a title).
HEADER_SEARCH = 3


class SheetProblem(Exception):
    """The upload cannot be read as the expected sheet; the message says why, in Dutch."""


def open_rows(data: bytes, sheet: str, columns: list[str], hint: str, *, required=True):
    """The data rows of ``sheet`` in an uploaded workbook, each a dict by column name (cells
    cleaned), numbered as Excel shows them. Raises ``SheetProblem`` for a file that is no
    workbook, too big unpacked, lacks the sheet (``hint`` says which file to use; a sheet that
    is not ``required`` gives no rows instead) or a column."""
    if problem := zip_problem(data):
        raise SheetProblem(problem)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise SheetProblem(
            f"Het bestand is geen Excel-werkboek (.xlsx): {type(exc).__name__}."
        ) from exc
    if sheet not in workbook.sheetnames and not required:
        return iter(())
    if sheet not in workbook.sheetnames:
        raise SheetProblem(f"Het werkblad '{sheet}' ontbreekt; {hint}.")
    rows = workbook[sheet].iter_rows(values_only=True)
    # The column names are in the first row, or below a title row (at most three rows down).
    header, header_number = [], 0
    for header_number, values in enumerate(rows, start=1):
        header = [clean_cell(v) for v in values]
        if all(name in header for name in columns) or header_number == HEADER_SEARCH:
            break
    missing = [name for name in columns if name not in header]
    if missing:
        raise SheetProblem("Kolommen ontbreken: " + ", ".join(missing) + ".")
    index = {name: header.index(name) for name in columns}

    def numbered():
        for number, values in enumerate(rows, start=header_number + 1):
            values = list(values) + [None] * (len(header) - len(values))
            yield number, {name: clean_cell(values[at]) for name, at in index.items()}

    return numbered()
