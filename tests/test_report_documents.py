"""The report as one document to hand over (issue 36): the complete PDF (story, contents with
page numbers, outline, every action in full, landscape annex) and the Word version to finish
in Word."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from docx import Document
from pypdf import PdfReader

from tracker.dates import utcnow

from .helpers import action
from .test_reports import history, update  # noqa: F401 - the fixture and its helper

LONG_TEXT = "Het plan van aanpak is besproken met alle partners en vastgesteld. " * 12


@pytest.fixture
def long_update(history):  # noqa: F811 - the fixture imported above
    from datetime import datetime

    update(
        "3.8", history["admin"], "lopend", LONG_TEXT.strip(), datetime(2025, 5, 2, 10), "aandacht"
    )
    return history


def assert_dutch(document) -> None:
    """The document's text is Dutch for Word's spelling check (its template says en-US)."""
    namespace = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    languages = {e.get(f"{namespace}val") for e in document.styles.element.iter(f"{namespace}lang")}
    assert languages == {"nl-NL"}


def _outline(reader) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def test_the_complete_pdf_holds_the_whole_report_with_contents_and_outline(client_for, long_update):
    response = client_for("lezer").get("/rapportage/volledig.pdf?peildatum=2025-05-31")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert "volledig.pdf" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    # Page 1 is the story; the contents follow.
    assert "Stand van zaken" in pages[0] and "Gevraagd van het RVO" in pages[0]
    # A viewer's title names the plan with its period (the next plan's title is the same).
    for path in ("/rapportage/volledig.pdf", "/rapportage.pdf", "/rapportage/bijlage-3.pdf"):
        data = client_for("lezer").get(f"{path}?peildatum=2025-05-31").data
        metadata = PdfReader(io.BytesIO(data)).metadata
        assert "Regio Rotterdam 2024-2026" in metadata.title, path
        assert metadata.author.startswith("Test Lezer"), path
    assert "Inhoud" in pages[1]

    # Every action in full, in the plan's own words (the summary cut 3.8 with "…").
    def squeezed(value):  # line breaks and hyphenation left out on both sides
        return re.sub(r"[\s\-\u00ad\u2010]", "", value)

    assert squeezed(action("3.8").text) in squeezed(text)
    for code in ("1.1", "2.12", "3.15", "4.8", "5.7"):
        assert code in text
    # The contents' page numbers are the pages the chapters start on.
    contents = re.sub(r"\s+", " ", pages[1])
    for title in ("Samenvatting per thema", "Thema 3: Bewustwording, signaleren en melden"):
        number = int(re.search(re.escape(title) + r"[ .]*(\d+)", contents).group(1))
        assert title in re.sub(r"\s+", " ", pages[number - 1]), title
    # The outline: the title, the chapters and every theme.
    outline = _outline(reader)
    assert "Stand van zaken" in outline and "Bijlage: de acties per thema" in outline
    assert "Kerncijfers" in outline and "Geschat en geregistreerd" in outline
    assert [t for t in outline if t.startswith("Thema ")][:5] == [
        "Thema 1: Aard en omvang",
        "Thema 2: Bevorderen regionale/lokale samenwerking",
        "Thema 3: Bewustwording, signaleren en melden",
        "Thema 4: Aanpak faciliteerders en mensenhandelaren",
        "Thema 5: Preventie en zorg voor het slachtoffer",
    ]
    # The story and summary portrait, the annex landscape.
    first, last = reader.pages[0].mediabox, reader.pages[-1].mediabox
    assert first.width < first.height and last.width > last.height


def test_the_complete_pdf_keeps_inside_the_margins(client_for, long_update, tmp_path):
    from PIL import Image

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm not found (apt-get install poppler-utils; .ci/run does)")
    data = client_for("lezer").get("/rapportage/volledig.pdf?peildatum=2025-05-31").data
    (tmp_path / "v.pdf").write_bytes(data)
    subprocess.run(  # noqa: S603 - a fixed command on our own file
        [pdftoppm, "-r", "40", "-png", str(tmp_path / "v.pdf"), str(tmp_path / "v")], check=True
    )
    crossing = []
    for page in sorted(tmp_path.glob("v-*.png")):
        image = Image.open(page).convert("L")
        width, height = image.size
        paper = 297 if width > height else 210
        margin = image.crop(
            (int(width * (1 - 12 / paper)), int(height * 0.05), width, int(height * 0.95))
        )
        if margin.getextrema()[0] < 200:
            crossing.append(page.name)
    assert crossing == []


def test_the_annex_breaks_the_owners_only_between_words(client_for):
    """The Dutch hyphenation patterns break "Aandachtsfunctionarissen" inside the word
    ("Aandachtsfuncti-onarissen"); the annex's Wie column has room for it whole."""
    data = client_for("lezer").get("/rapportage/bijlage-3.pdf").data
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Aandachtsfunctionarissen" in text
    assert not re.search(r"Aandachts\w*-\s", text)


def test_the_report_page_offers_the_complete_pdf_first(client_for):
    html = client_for("lezer").get("/rapportage").get_data(as_text=True)
    bar = html[html.index('<p class="no-print actions-bar">') :]
    first = re.search(r'<a [^>]*href="([^"]+)"', bar).group(1)
    assert first.startswith("/rapportage/volledig.pdf")
    assert "/rapportage.docx" in bar and "/rapportage.pdf" in bar


def test_the_word_version_has_real_headings_and_the_traffic_light(client_for, long_update):
    response = client_for("lezer").get("/rapportage.docx?peildatum=2025-05-31")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    document = Document(io.BytesIO(response.data))
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]
    assert ("Title", "Voortgangsrapportage") in headings
    for level, text in [
        ("Heading 1", "Stand van zaken"),
        ("Heading 2", "Gevraagd van het RVO"),
        ("Heading 1", "Samenvatting per thema"),
        ("Heading 1", "Kerncijfers"),
        ("Heading 2", "Geschat en geregistreerd"),
        ("Heading 1", "Uitvoering per gemeente in 2025"),
        ("Heading 1", "Bijlage: de acties per thema"),
        ("Heading 2", "Thema 5: Preventie en zorg voor het slachtoffer"),
    ]:
        assert (level, text) in headings
    light_table = next(t for t in document.tables if t.rows[0].cells[1].text == "Stand")
    assert len(light_table.rows) == 6  # the header and five themes
    fills = set()
    for row in light_table.rows[1:]:
        cell = row.cells[1]
        assert re.match(r"● (Groen|Oranje|Rood)", cell.text)  # says its colour in words
        shading = cell._tc.tcPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}shd"
        )
        fills.add(shading.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fill"))
    assert fills <= {"C8E6C9", "FFE0B2", "FFCDD2"} and fills
    # The annex: every action with its full text, in landscape.
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert action("3.8").text in cells
    assert any(LONG_TEXT.strip()[:80] in c for c in cells)
    landscape = document.sections[-1]
    assert landscape.page_width > landscape.page_height
    # Described as what it is, in Dutch (Word checks the spelling in the document's language).
    properties = document.core_properties
    assert properties.title == (
        "Voortgangsrapportage Regionaal Actieplan Mensenhandel Regio Rotterdam 2024-2026"
    )
    assert properties.author.startswith("Test Lezer") and "python-docx" not in properties.comments
    made = properties.created.replace(tzinfo=None)  # UTC
    assert abs(made - utcnow()) < timedelta(minutes=5)  # made now, not in 2013
    assert properties.language == "nl-NL"
    facts = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert re.fullmatch(r"\d{1,2} [a-z]+ 20\d\d om \d\d:\d\d", facts["Gemaakt op"])  # as the PDF
    assert_dutch(document)
    # A4, portrait and landscape: python-docx's own template is US Letter.
    assert [(round(s.page_width.cm, 1), round(s.page_height.cm, 1)) for s in document.sections] == [
        (21.0, 29.7),
        (29.7, 21.0),
    ]


def test_the_word_base_keep_their_words_whole(client_for, long_update):
    """Word and LibreOffice break a word that does not fit its column in two ("Meldrout|e",
    "Seksinric|hting" in the municipalities' table, when every column had the same width):
    each column is as wide as its longest word needs, and the tables fit their pages."""
    from docx.shared import Length

    from tracker.reports.word_base import BODY_POINTS, _word_cm

    document = Document(io.BytesIO(client_for("lezer").get("/rapportage.docx").data))
    borging = next(t for t in document.tables if t.rows[0].cells[-1].text == "Netwerk")
    widths = {
        cell.text: column.width.cm
        for cell, column in zip(borging.rows[0].cells, borging.columns, strict=True)
    }
    assert widths["Seksinrichting"] > widths["AF"]
    for section, tables in (
        (document.sections[0], document.tables[1:-5]),
        (document.sections[-1], document.tables[-5:]),
    ):
        room = Length(section.page_width - section.left_margin - section.right_margin).cm
        for table in tables:
            assert sum(c.width.cm for c in table.columns) <= room + 0.01
            points = table.rows[0].cells[0].paragraphs[0].runs[0].font.size
            points = points.pt if points else BODY_POINTS
            for row in table.rows:
                for cell, column in zip(row.cells, table.columns, strict=True):
                    if "://" not in cell.text:  # a link longer than the page's room breaks
                        assert _word_cm(cell.text, points) < column.width.cm, cell.text


def test_page_one_holds_the_story_and_the_asks_however_many_points(client_for, roles):
    """Ten actions need attention, each with a long latest update: page 1 of both PDFs still
    ends with "Gevraagd van het RVO", naming how many more points follow."""
    from datetime import datetime

    from .helpers import post_form

    codes = ["1.2", "1.3", "1.4", "2.6", "2.7", "2.8", "3.1", "3.2", "4.2", "5.4"]
    for index, code in enumerate(codes):
        update(
            code,
            roles["beheerder"],
            "lopend",
            "Het overleg met de partners loopt vertraging op door capaciteit. " * 4,
            datetime(2025, 5, 1 + index, 10),
            "aandacht",
        )
    asks = "Het RVO wordt gevraagd in te stemmen met de gezamenlijke training."
    client = client_for("beheerder")
    assert post_form(client, "/rapportage/tekst", {"version": "0", "asks": asks}).status_code == 302
    for path in ("/rapportage.pdf", "/rapportage/volledig.pdf"):
        data = client.get(f"{path}?peildatum=2025-05-31").data
        first = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
        assert "Gevraagd van het RVO" in first and asks in first, path
        assert "en nog 6" in first, path
