"""What every Word document of the tracker shares (python-docx): A4 pages, Dutch as its
language, properties that say what it is, and tables with a shaded header row whose columns
keep every word whole."""

from __future__ import annotations

import re
from datetime import datetime

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HEADER_FILL = "EEF2F6"
LANGUAGE = "nl-NL"
#: The documents' body text (Calibri); tables may ask for smaller.
BODY_POINTS = 10.0
#: A4 with 2 cm margins: the width a portrait page's tables share (landscape: 25.7).
PORTRAIT_WIDTH_CM = 17.0
#: A character's average width as a share of the font size: DejaVu Sans's, which
#: LibreOffice shows where Calibri is missing, and wider than Calibri's (so a column wide
#: enough there is wide enough in Word). Bold headings are a tenth wider.
CHAR_EM = 0.65
#: A cell's margins, left and right together: Word's 0.19 cm each, or 0.1 cm each in a
#: crowded table (one with a smaller font).
CELL_PADDING_CM = 0.38
CROWDED_PADDING_CM = 0.2
POINTS_PER_CM = 72 / 2.54


def new_document(heading: str, report: dict):
    """A Word document in the reports' look: A4 (Dutch offices print on it; python-docx's
    own template is US Letter), Calibri 10 pt, 2 cm margins; written in Dutch (Word checks
    the spelling in the document's language, which the template sets to US English) and
    described as what it is: ``heading`` and the report's plan, who made it and when (the
    template's says "python-docx", December 2013)."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(BODY_POINTS)
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    language = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    language.set(qn("w:val"), LANGUAGE)
    document.settings.element.find(qn("w:themeFontLang")).set(qn("w:val"), LANGUAGE)
    plan, author = report["plan"], report["made_by"]
    properties = document.core_properties
    properties.title = f"{heading} {plan['title']} {plan['period']}"
    properties.author = properties.last_modified_by = author
    properties.comments = ""
    properties.language = LANGUAGE
    properties.created = properties.modified = datetime.fromisoformat(report["made_at"])
    return document


def shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def add_table(
    document,
    headings: list[str],
    rows: list[list],
    widths: list[float] | None = None,
    font_size: float | None = None,
):
    """A table with a shaded header row that repeats on every page; ``font_size`` (pt) for
    a crowded one (the municipalities). ``widths`` (cm) are what each column should get;
    a column is widened where its longest word needs it (``fitted_widths``)."""
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(heading)
        run.bold = True
        shade(cell, HEADER_FILL)
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    texts = [["" if value is None else str(value) for value in values] for values in rows]
    for values in texts:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    padding = CELL_PADDING_CM
    if font_size:
        for row in table.rows:
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(font_size)
        padding = CROWDED_PADDING_CM
        _cell_margins(table, padding / 2)
    if widths:  # Word reads the cells' widths, LibreOffice the grid's: set both
        widths = fitted_widths(widths, headings, texts, font_size or BODY_POINTS, padding)
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    return table


def _cell_margins(table, cm: float) -> None:
    """The left and right margin of every cell of ``table``."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(cm * 567)))  # twentieths of a point
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties = table._tbl.tblPr
    look = properties.find(qn("w:tblLook"))  # the schema's order: margins before the look
    if look is not None:
        look.addprevious(margins)
    else:
        properties.append(margins)


def first_wide(count: int, first: float, total: float = PORTRAIT_WIDTH_CM) -> list[float]:
    """Widths for a table whose first column names the row and the rest share the page."""
    return [first] + [(total - first) / (count - 1)] * (count - 1)


def _word_cm(text: str, points: float, bold: bool = False) -> float:
    """The width (cm) of the longest piece of ``text`` that cannot be broken (a word; a
    hyphenated word breaks after its hyphen)."""
    longest = max((len(word) for word in re.split(r"\s+|(?<=-)", text)), default=0)
    em = CHAR_EM * (1.1 if bold else 1.0)
    return longest * em * points / POINTS_PER_CM


def fitted_widths(
    preferred: list[float],
    headings: list[str],
    rows: list[list[str]],
    points: float,
    padding: float = CELL_PADDING_CM,
) -> list[float]:
    """``preferred`` widths, with each column widened to hold its longest word (Word and
    LibreOffice break a word that does not fit mid-word: "Meldrout|e"); the room is taken
    from the columns that have some to spare, in proportion to it. Where the longest words
    alone are wider than the table (a link in an update), the longest break and the others
    stay whole."""
    needs = [
        padding
        + max([_word_cm(heading, points, bold=True), *(_word_cm(row[i], points) for row in rows)])
        for i, heading in enumerate(headings)
    ]
    total = sum(preferred)
    if sum(needs) >= total:
        return _capped(needs, total)
    widths = [max(width, need) for width, need in zip(preferred, needs, strict=True)]
    room = [width - need for width, need in zip(widths, needs, strict=True)]
    excess = sum(widths) - total  # less than sum(room), as the needs fit
    return [width - excess * spare / sum(room) for width, spare in zip(widths, room, strict=True)]


def _capped(needs: list[float], total: float) -> list[float]:
    """``needs`` with the largest cut down to one level, so that together they are ``total``."""
    ordered = sorted(needs, reverse=True)
    for count in range(1, len(ordered) + 1):
        cap = (total - sum(ordered[count:])) / count
        if count == len(ordered) or cap >= ordered[count]:
            break
    return [min(need, cap) for need in needs]
