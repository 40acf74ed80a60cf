"""The evaluation report as a Word document (python-docx), to finish in Word before it goes
to the RVO: the same data as the PDF, in its order, with the progress report's tables and
chapters."""

from __future__ import annotations

import io

from tracker.dates import iso_dutch_date, iso_dutch_datetime
from tracker.reports.word import borging_table, decisions_table, title_block
from tracker.reports.word_base import add_table, new_document

HEADING = "Evaluatie"


def _title(document, report: dict) -> None:
    plan = report["plan"]
    facts = [
        ("Regio", plan["region"]),
        ("Peildatum", iso_dutch_date(report["reference_date"])),
        ("Geëvalueerd", f"{report['evaluated']} van {report['total']} acties"),
        ("Gemaakt op", iso_dutch_datetime(report["made_at"])),
        ("Gemaakt door", report["made_by"]),
    ]
    title_block(document, HEADING, plan, facts)


def _results(document, report: dict) -> None:
    document.add_heading("Resultaten per thema", level=1)
    headings = ["Thema", *(r["label"] for r in report["results"])]
    rows = [
        [f"{t['number']}. {t['title']}", *(r["count"] for r in t["results"])]
        for t in report["themes"]
    ]
    rows.append(["Totaal", *(r["count"] for r in report["results"])])
    add_table(document, headings, rows, [4.2, 2.4, 2.4, 2.4, 2.4, 3.2])


def _themes(document, report: dict) -> None:
    for theme in report["themes"]:
        document.add_heading(f"Thema {theme['number']}: {theme['title']}", level=2)
        for row in theme["rows"]:
            document.add_heading(f"{row['code']} {row['text']}", level=3)
            if not row["evaluated"]:
                document.add_paragraph(f"Niet geëvalueerd. Status: {row['status_label']}.")
                continue
            lines = [
                ("Resultaat", row["result_label"]),
                ("Opgeleverd", row["delivered"]),
                ("Effect", row["effect"]),
                ("Wat hielp", row["helped"]),
                ("Wat belemmerde", row["hindered"]),
                ("Advies", f"{row['advice_label']}: {row['advice_reason']}"),
                ("Nieuwe tekst", row["new_text"]),
                ("Onderbouwing", "; ".join(row["evidence"])),
            ]
            for label, value in lines:
                if value:
                    paragraph = document.add_paragraph()
                    paragraph.add_run(f"{label}: ").bold = True
                    paragraph.add_run(value)


def _knelpunten(document, report: dict) -> None:
    document.add_heading("Knelpunten", level=1)
    if not report["knelpunten"]:
        document.add_paragraph("Er zijn geen knelpunten vastgelegd.")
        return
    rows = [
        [
            k["what"],
            iso_dutch_date(k["since"]),
            ", ".join(k["codes"]),
            k["solver"],
            k["status_label"],
        ]
        for k in report["knelpunten"]
    ]
    add_table(
        document,
        ["Knelpunt", "Sinds", "Acties", "Wie kan het oplossen", "Status"],
        rows,
        [6.5, 2.5, 2.0, 3.5, 2.5],
    )


def _advice(document, report: dict) -> None:
    document.add_heading("Advies voor het volgende plan", level=1)
    for group in report["advice"]:
        document.add_heading(f"{group['label']} ({len(group['items'])})", level=2)
        if not group["items"]:
            document.add_paragraph("Geen acties.")
        for item in group["items"]:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(f"{item['code']} ").bold = True
            paragraph.add_run(item["reason"])
            if item["new_text"]:
                paragraph.add_run(f" Nieuwe tekst: “{item['new_text']}”").italic = True


def _figures(document, report: dict) -> None:
    chapter = report["figures"]
    if not chapter["groups"]:
        return
    document.add_heading("Kerncijfers over de looptijd", level=1)
    document.add_paragraph(
        f"Elk jaar dat {' en '.join(chapter['monitors'])} geven, met de verandering op het jaar "
        f"ervoor; de jaren vóór {report['plan']['start_year']} zijn het vertrekpunt van het "
        "plan. “Niet vergelijkbaar” staat er waar de monitor zelf zegt dat de jaren anders zijn "
        "geteld; zijn kanttekeningen staan erbij in zijn eigen woorden."
    )
    for group in chapter["groups"]:
        document.add_heading(group["title"], level=2)
        rows = [
            [f["name"], "\n".join(f["years"]), f["caveats"] or "–", f["source"]]
            for f in group["rows"]
        ]
        headings = ["Kerncijfer", "Per jaar", "Kanttekening van de monitor", "Bron"]
        add_table(document, headings, rows, [4.5, 3.5, 6, 3])


def to_docx(report: dict) -> bytes:
    document = new_document(HEADING, report)
    _title(document, report)
    _results(document, report)
    _advice(document, report)
    _themes(document, report)
    _figures(document, report)
    _knelpunten(document, report)
    document.add_heading(f"Borging in de gemeenten ({report['borging']['year']})", level=1)
    borging_table(document, report["borging"])
    decisions_table(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
