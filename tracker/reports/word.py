"""The report as a Word document (python-docx), to be finished in Word: the portfolio
holder's remarks added and changes tracked before it goes to the RVO. The same report data
as the page and the PDF; real headings (Word's navigation pane and its table of contents
see them), real tables, the traffic light as a coloured cell that also says its colour."""

from __future__ import annotations

import io

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.shared import Pt, RGBColor

from tracker.dates import iso_dutch_date, iso_dutch_datetime
from tracker.figures.services import number_text
from tracker.reports.word_base import add_table, first_wide, new_document, shade

#: The traffic light's cell colours (light fills, so the black label stays readable).
LIGHT_FILLS = {"groen": "C8E6C9", "oranje": "FFE0B2", "rood": "FFCDD2"}
#: Signals and statuses coloured as on the page (text colour; the word says it too).
WORD_COLOURS = {
    "achterstand": RGBColor(0xA4, 0x16, 0x1A),
    "aandacht": RGBColor(0x7A, 0x4A, 0x00),
    "afgerond": RGBColor(0x2F, 0x6B, 0x2F),
}


def _heading(report: dict) -> str:
    return "Voortgangsrapportage" + (f" {report['municipality']}" if report["municipality"] else "")


def _title(document, report: dict) -> None:
    plan = report["plan"]
    heading = _heading(report)
    facts = [
        ("Regio", plan["region"]),
        ("Peildatum", iso_dutch_date(report["reference_date"])),
        *([("Veranderd sinds", iso_dutch_date(report["since"]))] if report.get("since") else []),
        *([("Selectie", report["filters"])] if report.get("filters") else []),
        ("Gemaakt op", iso_dutch_datetime(report["made_at"])),
        ("Gemaakt door", report["made_by"]),
    ]
    title_block(document, heading, plan, facts)


def title_block(document, heading: str, plan: dict, facts: list[tuple[str, str]]) -> None:
    """The document's title, the plan it is about, and its facts (label, value) as a table."""
    document.add_heading(heading, level=0)
    subtitle = f": “{plan['subtitle']}”" if plan.get("subtitle") else ""
    document.add_paragraph(f"{plan['title']} {plan['period']}{subtitle}")
    table = document.add_table(rows=0, cols=2)
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].bold = True


def _standing(document, report: dict) -> None:
    st = report["standing"]
    words = report.get("narrative") or {}
    own = words.get("themes") or {}
    document.add_heading("Stand van zaken", level=1)
    table = add_table(
        document,
        ["Thema", "Stand", "Acties" if not st["compared_with"] else "Veranderd", "Toelichting"],
        [],
        [4.5, 4.0, 3.0, 5.5],
    )
    for theme, summary in zip(st["themes"], report["themes"], strict=True):
        cells = table.add_row().cells
        cells[0].text = f"{theme['number']}. {theme['title']}"
        light = theme["light"]
        cells[1].text = ""
        label = cells[1].paragraphs[0].add_run(f"● {light['label']}")
        label.bold = True
        if light["reasons"]:
            cells[1].add_paragraph("; ".join(light["reasons"])).runs[0].font.size = Pt(8)
        shade(cells[1], LIGHT_FILLS.get(light["colour"], "FFFFFF"))
        if st["compared_with"]:
            moved = [f"{m['label']} {m['before']} → {m['after']}" for m in theme["moved"]]
            cells[2].text = "; ".join(moved) or "geen"
        else:
            by_status = summary["by_status"]
            cells[2].text = (
                f"{by_status['afgerond']} van {summary['total']} afgerond, "
                f"{by_status['lopend']} lopend"
            )
        text = (own.get(str(theme["number"])) or {}).get("text")
        cells[3].text = text or "–"
    points = [a for theme in st["themes"] for a in theme["attention"]]
    document.add_heading("Aandachtspunten", level=2)
    if not points:
        document.add_paragraph("Geen acties met het signaal Aandacht of Achterstand.")
    for point in points:
        item = document.add_paragraph(style="List Bullet")
        item.add_run(f"{point['code']} ").bold = True
        signal = item.add_run(f"{point['signal_label']}: ")
        signal.font.color.rgb = WORD_COLOURS.get(point["signal"], RGBColor(0, 0, 0))
        item.add_run(point["short_text"])
        if point.get("latest_update_text"):
            item.add_run(f" “{point['latest_update_text']}”").italic = True
    document.add_heading("Gevraagd van het RVO", level=2)
    document.add_paragraph(words.get("asks") or "Niets gevraagd.")
    rule = document.add_paragraph(f"Zo is het licht bepaald. {st['light_rule']} {st['stale_rule']}")
    rule.runs[0].font.size = Pt(8)


def _summary(document, report: dict) -> None:
    document.add_heading("Samenvatting per thema", level=1)
    rows = [
        [
            f"{t['number']}. {t['title']}",
            t["by_status"]["niet_gestart"],
            t["by_status"]["lopend"],
            t["by_status"]["afgerond"],
            t["by_status"]["vervallen"],
            t["total"],
        ]
        for t in report["themes"]
    ]
    headings = ["Thema", "Niet gestart", "Lopend", "Afgerond", "Vervallen", "Totaal"]
    add_table(document, headings, rows, first_wide(len(headings), 6.0))
    for heading, rows, empty in (
        ("Termijn verstreken, niet afgerond", report["overdue"], "Geen acties."),
        ("Lang niet bijgewerkt", report["stale"], "Geen acties."),
    ):
        document.add_heading(heading, level=2)
        if not rows:
            document.add_paragraph(empty)
        for row in rows:
            item = document.add_paragraph(style="List Bullet")
            item.add_run(f"{row['code']} ").bold = True
            item.add_run(f"{row['short_text']} ({row['planning']}; {row['status_label']})")


def _number(value: dict) -> str:
    return number_text(value["value"], value.get("value_high"))


def _comparison(last: dict | None) -> str:
    if last is None or (last["change"] is None and last["comparable"]):
        return "–"
    if not last["comparable"]:
        return "niet vergelijkbaar" + (f": “{last['caveat']}”" if last["caveat"] else "")
    return f"{last['change']:+d}"


def figures_chapter(document, report: dict) -> None:
    """The kerncijfers chapter: the estimate with the registered counts beside it, then every
    figure per theme (latest and previous year, comparability in the monitor's words)."""
    chapter = report.get("figure_chapter")
    if not chapter:
        return
    document.add_heading("Kerncijfers", level=1)
    document.add_paragraph(
        f"Uit {' en '.join(chapter['monitors'])}. Nieuwere monitors voegt de beheerder toe "
        "onder Kerncijfers zodra ze verschijnen. “Niet vergelijkbaar” staat er waar de monitor "
        "zelf zegt dat de jaren anders zijn geteld."
    )
    if chapter["estimate"]:
        estimate = chapter["estimate"]
        value = estimate["values"][-1]
        document.add_heading("Geschat en geregistreerd", level=2)
        document.add_paragraph(
            f"Naar schatting {_number(value)} {estimate['unit']} in de regio "
            f"({estimate['source']}; {value['monitor']}). {value['caveat']}".strip()
        )
        rows = [
            [f["name"], f["values"][-1]["year"], _number(f["values"][-1]), f["source"]]
            for f in chapter["beside"]
        ]
        add_table(document, ["Registratie", "Jaar", "Aantal", "Bron"], rows, [7, 2, 2.5, 5.5])
        document.add_paragraph(
            "Deze registraties tellen elk iets anders en kunnen overlappen; samen zijn ze een "
            f"klein deel van de schatting. Een daling is daarom niet vanzelf goed nieuws. Het "
            f"plan: “{chapter['dark_number']}”"
        )
    for theme in chapter["themes"]:
        document.add_heading(f"Bij thema {theme['number']}: {theme['title']}", level=2)
        rows = []
        for figure in theme["figures"]:
            values = figure["values"]
            last = values[-1] if values else None
            before = values[-2] if len(values) > 1 else None
            rows.append(
                [
                    f"{figure['name']} ({last['area'] if last else figure['area']})",
                    f"{last['year']}: {_number(last)}" if last else "–",
                    f"{before['year']}: {_number(before)}" if before else "–",
                    _comparison(last),
                    f"{figure['source']}; {last['monitor']}" if last else figure["source"],
                ]
            )
        add_table(
            document,
            ["Kerncijfer", "Laatste jaar", "Jaar ervoor", "Vergelijking", "Bron"],
            rows,
            [5.2, 2.4, 2.4, 4.0, 3.0],
            font_size=8.5,
        )
        for figure in theme["figures"]:
            for table in figure.get("breakdowns", []):
                parts = "; ".join(
                    f"{row['part'].lower()} "
                    + ", ".join(
                        f"{year}: {'–' if value is None else value}"
                        for year, value in zip(table["years"], row["values"], strict=True)
                    )
                    for row in table["rows"]
                )
                line = document.add_paragraph(
                    f"{figure['name']}, naar {table['breakdown'].lower()}: {parts}."
                )
                line.runs[0].font.size = Pt(8.5)


def _meetings(document, report: dict) -> None:
    if not report.get("meetings"):
        return
    document.add_heading(f"Overleggen in {report['reference_date'][:4]}", level=1)
    rows = [
        [m["name"], m["action"], m["held"], m["planned"], m["required"], m["flag"] or "Op schema"]
        for m in report["meetings"]
    ]
    headings = ["Overleg", "Actie", "Gehouden", "Gepland", "Minimum", "Stand"]
    add_table(document, headings, rows, [5.0, 1.4, 2.1, 2.0, 2.0, 4.5])


def borging_table(document, borging: dict) -> None:
    """What each municipality has in place (a matrix's ``borging_report``), with a legend."""
    headings = ["Gemeente", *(c["heading"] for c in borging["columns"])]
    rows = [[r["name"], *(c["text"] for c in r["cells"])] for r in borging["rows"]]
    rows.append(["Regio", *(c["total"] for c in borging["columns"])])
    add_table(document, headings, rows, first_wide(len(headings), 3.6), font_size=8)
    legend = "; ".join(f"{c['heading']}: {c['title']}" for c in borging["columns"])
    document.add_paragraph(legend).runs[0].font.size = Pt(8)


def _municipalities(document, report: dict) -> None:
    matrix, borging = report.get("matrix"), report.get("borging")
    if not matrix:
        return
    document.add_heading(f"Uitvoering per gemeente in {matrix['year']}", level=1)
    if borging:
        document.add_heading("Borging en netwerk", level=2)
        borging_table(document, borging)
    document.add_heading("Acties die iedere gemeente uitvoert", level=2)
    for action in matrix["actions"]:
        item = document.add_paragraph(style="List Bullet")
        item.add_run(f"{action['code']} ").bold = True
        item.add_run(f"{action['short_text']} — {action['rollup']}")
    headings = ["Gemeente", *(a["code"] for a in matrix["actions"])]
    rows = [[r["name"], *(c["status_label"] for c in r["cells"])] for r in matrix["rows"]]
    add_table(document, headings, rows, first_wide(len(headings), 4.5), font_size=8)


def decisions_table(document, report: dict) -> None:
    """The meeting decisions that adopted the plan and changed its actions."""
    if not report.get("decisions"):
        return
    document.add_heading("Besluiten over het plan", level=1)
    rows = [
        [
            iso_dutch_date(d["date"]),
            d["meeting"],
            d["what"],
            d["text"] + (f" ({d['note']})" if d["note"] else ""),
        ]
        for d in report["decisions"]
    ]
    add_table(document, ["Datum", "Overleg", "Over", "Besluit"], rows, [2.6, 3.4, 2.4, 8.6])


def _annex(document, report: dict) -> None:
    """Every action in full, per theme, on landscape pages."""
    section = document.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading("Bijlage: de acties per thema", level=1)
    for index, theme in enumerate(report["themes"]):
        if index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(f"Thema {theme['number']}: {theme['title']}", level=2)
        rows = []
        for row in theme["rows"]:
            status = row["status_label"] + (f" ({row['rollup']})" if row.get("rollup") else "")
            latest = (
                f"{iso_dutch_date(row['latest_update_at'])}: {row['latest_update_text']}"
                if row.get("latest_update_at")
                else "–"
            )
            rows.append(
                [
                    row["code"],
                    row["text"],
                    row["owners"],
                    row["planning"],
                    status,
                    row.get("signal_label") or "–",
                    latest,
                ]
            )
        add_table(
            document,
            ["Actie", "Omschrijving", "Wie", "Planning", "Status", "Signaal", "Laatste update"],
            rows,
            [1.3, 7.2, 3.8, 2.4, 2.8, 2.0, 6.2],
        )


def to_docx(report: dict) -> bytes:
    document = new_document(_heading(report), report)
    _title(document, report)
    if report.get("standing"):
        _standing(document, report)
    _summary(document, report)
    figures_chapter(document, report)
    _meetings(document, report)
    decisions_table(document, report)
    _municipalities(document, report)
    _annex(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
