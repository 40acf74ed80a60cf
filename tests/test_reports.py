"""The RVO report: page, PDF, Excel/CSV, the Excel round trip and snapshots."""

import csv
import html
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from pypdf import PdfReader
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.plan.models import Municipality
from tracker.progress.models import MunicipalityProgress, ProgressUpdate
from tracker.reports.models import ReportSnapshot

from .helpers import action, fill_export, post_form, text_of


def update(code, user, status, text, at, signal=None):
    target = action(code)
    db.session.add(
        ProgressUpdate(
            action=target,
            author_id=user.id,
            created_at=at,
            status_before=target.status,
            status_after=status,
            signal_before=target.signal,
            signal_after=signal,
            text=text,
        )
    )
    target.status, target.signal, target.last_update_at = status, signal, at
    db.session.commit()


@pytest.fixture
def history(roles):
    riec, admin = roles["bijdrager_eigen"], roles["beheerder"]
    update("4.1", riec, "lopend", "Voorstel in concept.", datetime(2025, 2, 10, 10), "op_koers")
    update("4.1", riec, "afgerond", "Voorstel vastgesteld.", datetime(2025, 5, 20, 10), "op_koers")
    update("2.10", admin, "afgerond", "Community staat online.", datetime(2025, 3, 1, 10))
    update(
        "1.2",
        admin,
        "lopend",
        '=HYPERLINK("http://evil.test","klik")',
        datetime(2025, 4, 2, 10),
        "aandacht",
    )
    return {"riec": riec, "admin": admin}


def test_report_counts_as_of_the_reference_date(client_for, history):
    page = text_of(client_for("lezer").get("/rapportage?peildatum=2025-04-30"))
    assert "Peildatum 30 april 2025" in page
    # On 30 April 4.1 was still "Lopend" (afgerond came on 20 May).
    totals = re.search(
        r"Totaal (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)",
        page.split("Acties per thema naar status")[1],
    )
    assert totals.groups() == ("44", "2", "1", "0", "1", "1", "0", "45", "47")
    theme4 = page.split("Thema 4: Aanpak faciliteerders")[-1]
    assert "4.1" in theme4 and "Lopend" in theme4 and "Voorstel in concept." in theme4
    assert "Zo is geteld" in page
    overdue = page.split("Termijn verstreken zonder")[1].split("Lang niet bijgewerkt")[0]
    assert "2.12" in overdue and "2.10" not in overdue  # 2.10 was done by then
    assert "<svg" in client_for("lezer").get("/rapportage").get_data(as_text=True)


def test_each_action_counts_its_last_update_before_each_moment(app, roles):
    """The latest update per action is ranked in SQL: by time, then by order of entry; the
    comparison's moment and the "sinds" window each read their own."""
    from tracker.plan.queries import current_plan
    from tracker.reports.services import Comparison, ReportParams, build_report

    admin = roles["beheerder"]
    update("3.2", admin, "lopend", "Eerst.", datetime(2025, 1, 10, 10), "op_koers")
    update("3.2", admin, "afgerond", "Daarna, zelfde moment.", datetime(2025, 3, 3, 9))
    update("3.2", admin, "lopend", "Weer open, zelfde moment.", datetime(2025, 3, 3, 9), "aandacht")
    update("3.2", admin, "afgerond", "Na de peildatum.", datetime(2025, 7, 1, 9))
    update("3.4", admin, "afgerond", "Klaar na 1 februari.", datetime(2025, 3, 1, 9))
    update("3.5", admin, "afgerond", "Klaar voor 1 februari.", datetime(2025, 1, 20, 9))
    with app.test_request_context():
        data = build_report(
            current_plan(),
            ReportParams(reference_date=date(2025, 5, 31), since=date(2025, 2, 1)),
            timezone="Europe/Amsterdam",
            stale_days=90,
            made_by="Test",
            made_at=datetime(2025, 6, 1),
            comparison=Comparison(day=date(2025, 2, 1), label="op 1 februari 2025"),
        )
    row = next(r for t in data["themes"] for r in t["rows"] if r["code"] == "3.2")
    assert (row["status"], row["signal"]) == ("lopend", "aandacht")
    assert row["latest_update_text"] == "Weer open, zelfde moment."
    assert [c["text"] for c in data["changes"]] == [
        "Klaar na 1 februari.",
        "Daarna, zelfde moment.",
        "Weer open, zelfde moment.",
    ]
    # Finished since the comparison: done now, not done then.
    finished = next(t for t in data["standing"]["themes"] if t["number"] == 3)["finished"]
    assert [f["code"] for f in finished] == ["3.4"]


def test_since_section_lists_exactly_the_changes_in_the_window(client_for, history):
    page = text_of(client_for("lezer").get("/rapportage?peildatum=2025-05-31&sinds=2025-03-01"))
    section = page.split("Veranderd sinds 1 maart 2025")[1].split("Thema 1:")[0]
    assert "Voorstel vastgesteld." in section and "Lopend → Afgerond" in section
    assert "=HYPERLINK" in section  # 2 April
    assert "Community staat online." not in section  # on 1 March itself: before the window
    assert "Voorstel in concept." not in section


def test_filters_narrow_the_report(client_for, history, roles):
    lezer = client_for("lezer")
    theme = text_of(lezer.get("/rapportage?thema=4"))
    assert "Thema 4:" in theme and "Thema 3:" not in theme
    party = text_of(lezer.get("/rapportage?partij=RCTM"))
    # The same party rule as /acties: any letter case.
    lower = text_of(lezer.get("/rapportage?partij=rctm"))
    assert re.findall(r" 4\.\d+ ", lower) == re.findall(r" 4\.\d+ ", party)
    assert re.findall(r"Acties van thema \d", party) == ["Acties van thema 4"]
    assert (
        " 4.5 " in party
        and " 4.7 " in party
        and " 4.1 " not in party.split("Acties van thema 4")[1]
    )
    db.session.add(
        MunicipalityProgress(
            action=action("2.4"),
            municipality=roles["af_schiedam"].municipality,
            year=2025,
            status="afgerond",
            note="Gesprek gevoerd op 3 maart.",
        )
    )
    db.session.commit()
    muni = text_of(lezer.get("/rapportage?gemeente=schiedam&peildatum=2025-12-31"))
    assert "gemeente Schiedam" in muni
    assert "Gesprek gevoerd op 3 maart." in muni
    assert " 3.6 " in muni  # owned by the aandachtsfunctionarissen
    assert "Thema 4:" in muni and " 4.1 " not in muni  # RIEC's action is not Schiedam's


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("peildatum=31-12-2025", "Gebruik een datum als jjjj-mm-dd"),
        ("peildatum=2025-02-30", "Deze datum bestaat niet."),
        ("peildatum=2025-01-01&sinds=2025-06-01", "moet vóór de peildatum liggen"),
        ("partij=XYZ", "Partij &#39;XYZ&#39; is onbekend."),
        ("gemeente=atlantis", "Gemeente &#39;atlantis&#39; is onbekend."),
    ],
)
def test_bad_report_parameters_get_a_dutch_message(client_for, query, message):
    response = client_for("lezer").get(f"/rapportage?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert client_for("lezer").get(f"/rapportage.pdf?{query}").status_code == 400


def test_pdf_has_title_page_page_numbers_and_the_content(client_for, history):
    response = client_for("lezer").get("/rapportage.pdf?peildatum=2025-05-31&sinds=2025-03-01")
    assert response.mimetype == "application/pdf"
    assert "filename=voortgang-actieplan-2025-05-31.pdf" in response.headers["Content-Disposition"]
    # Someone's own view of the report: no shared cache may keep it.
    assert response.headers["Cache-Control"] == "private, no-cache"
    reader = PdfReader(io.BytesIO(response.data))
    first = reader.pages[0].extract_text()
    assert "Voortgangsrapportage" in first and "31 mei 2025" in first and "1 maart 2025" in first
    assert "Test Lezer" in first  # made by
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert f"Pagina 2 van {len(reader.pages)}" in text
    assert "Samenvatting per thema" in text and "Voorstel vastgesteld." in text
    assert "Thema 5: Preventie en zorg voor het slachtoffer" in text


def test_pdf_keeps_every_table_inside_the_right_margin(client_for, history, tmp_path):
    """Rendered to images, the last 12 mm of every page (the right margin is 15 mm) stay
    blank: no table runs off the paper (the annexes are landscape, 297 mm wide); and no page
    but the last of each PDF is left mostly empty. The summary and each theme's annex."""
    import shutil
    import subprocess

    from PIL import Image

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm not found (apt-get install poppler-utils; .ci/run does)")
    # A long owner list and a long update text are the cells that used to push tables out.
    lezer = client_for("lezer")
    paths = ["/rapportage.pdf", *(f"/rapportage/bijlage-{n}.pdf" for n in range(1, 6))]
    crossing, near_empty, landscape = [], [], []
    for number, path in enumerate(paths):
        (tmp_path / f"{number}.pdf").write_bytes(lezer.get(f"{path}?peildatum=2025-05-31").data)
        subprocess.run(  # noqa: S603 - a fixed command on our own file
            [
                pdftoppm,
                "-r",
                "40",
                "-png",
                str(tmp_path / f"{number}.pdf"),
                str(tmp_path / f"{number}"),
            ],
            check=True,
        )
        pages = sorted(tmp_path.glob(f"{number}-*.png"))
        images = [Image.open(page).convert("L") for page in pages]
        landscape.append({image.size[0] > image.size[1] for image in images})
        for index, (page, image) in enumerate(zip(pages, images, strict=True)):
            width, height = image.size
            paper_width = 297 if width > height else 210
            margin = image.crop(
                (int(width * (1 - 12 / paper_width)), int(height * 0.05), width, int(height * 0.95))
            )
            if margin.getextrema()[0] < 200:  # anything darker than the lightest grey
                crossing.append(f"{path} {page.name}")
            # Above the footer, every page but the last is at least 60 % used.
            body = image.crop((0, int(height * 0.06), width, int(height * 0.93)))
            rows = [
                y
                for y in range(body.height)
                if body.crop((0, y, width, y + 1)).getextrema()[0] < 200
            ]
            if index + 1 < len(pages) and (not rows or max(rows) < body.height * 0.6):
                near_empty.append(f"{path} {page.name}")
    assert crossing == []
    assert near_empty == []
    assert landscape == [{False}] + [{True}] * 5  # the summary portrait, the annexes landscape


def test_status_and_signal_are_labels_that_read_without_colour(client_for, history):
    """The word itself, in a coloured frame (the PDF's stylesheet styles .badge too)."""
    html = client_for("lezer").get("/rapportage?peildatum=2025-05-31").get_data(as_text=True)
    assert '<span class="badge status-afgerond">Afgerond</span>' in html
    assert '<span class="badge signal-aandacht">Aandacht</span>' in html
    text = "\n".join(
        page.extract_text()
        for page in PdfReader(
            io.BytesIO(client_for("lezer").get("/rapportage.pdf?peildatum=2025-05-31").data)
        ).pages
    )
    assert "Aandacht" in text and "Afgerond" in text


def test_excel_export_is_a_proper_workbook_with_neutralised_formulas(client_for, history):
    response = client_for("lezer").get("/export.xlsx?peildatum=2025-05-31")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Acties"]
    title = sheet["A1"].value
    assert title.startswith("Regionaal Actieplan Mensenhandel") and "peildatum 31 mei 2025" in title
    header = [c.value for c in sheet[2]]
    assert header[:4] == ["Thema", "Code", "Actie", "Planning"] and "Nieuwe status" in header
    assert sheet.max_row == 49
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref.startswith("A2:")
    assert sheet.column_dimensions["C"].width == 60
    assert sheet["C3"].alignment.wrap_text
    version = get_column_letter(header.index("Versie") + 1)
    assert sheet.column_dimensions[version].hidden  # kept for the upload, not shown
    rows = {r[1].value: r for r in sheet.iter_rows(min_row=3)}
    assert rows["1.2"][header.index("Tekst laatste update")].value.startswith("'=HYPERLINK")
    assert rows["4.1"][header.index("Status")].value == "Afgerond"
    due = rows["2.10"][header.index("Termijn")]
    assert due.value == datetime(2024, 3, 31) and due.number_format == "d-m-yyyy"  # a real date
    # Each row is as high as its longest wrapped text (Excel and LibreOffice keep a file's
    # rows one line high otherwise: the action's text showed its first words only).
    for code, row in rows.items():
        lines = min(-(-len(row[2].value) // 58), 12)
        assert sheet.row_dimensions[row[2].row].height >= 15 * lines, code
    assert sheet.row_dimensions[rows["3.9"][2].row].height >= 60  # 280 characters


def test_csv_export_is_semicolon_separated_and_neutralised(client_for, history):
    data = client_for("lezer").get("/export.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert rows[0][:3] == ["Thema", "Code", "Actie"] and len(rows) == 48
    row = next(r for r in rows if r[1] == "1.2")
    assert row[rows[0].index("Tekst laatste update")].startswith("'=HYPERLINK")
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r)


# Round trip ----------------------------------------------------------------------------------


def _filled(export: bytes, changes: dict) -> bytes:
    return fill_export(
        export,
        {
            code: {"Nieuwe status": status, "Nieuw signaal": signal, "Nieuwe voortgangstekst": text}
            for code, (status, signal, text) in changes.items()
        },
    )


def _upload(client, data: bytes, name="ingevuld.xlsx"):
    return post_form(
        client,
        "/export/upload",
        {"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_excel_round_trip_previews_then_applies_exactly_those_changes(client_for, roles):
    admin = client_for("beheerder")
    export = admin.get("/export.xlsx").data
    filled = _filled(
        export,
        {
            "3.1": ("Lopend", "Op koers", "Leerhuis gepland."),
            "5.2": ("Afgerond", None, "Campagne afgerond."),
        },
    )
    preview = _upload(admin, filled)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert (
        "2 voortgangsupdates worden op uw naam opgeslagen" in html and "Leerhuis gepland." in html
    )
    assert db.session.scalar(select(ProgressUpdate)) is None  # nothing yet
    token = re.search(r'/export/upload/([\w-]+)"', html).group(1)
    assert post_form(admin, f"/export/upload/{token}", {}).status_code == 302
    updates = db.session.scalars(select(ProgressUpdate).order_by(ProgressUpdate.id)).all()
    assert [
        (u.action.code, u.status_after, u.signal_after, u.text, u.author_id) for u in updates
    ] == [
        ("3.1", "lopend", "op_koers", "Leerhuis gepland.", roles["beheerder"].id),
        ("5.2", "afgerond", None, "Campagne afgerond.", roles["beheerder"].id),
    ]
    assert post_form(admin, f"/export/upload/{token}", {}).status_code == 404  # used once


def test_a_bad_upload_changes_nothing_and_names_each_problem(client_for):
    admin = client_for("beheerder")
    export = admin.get("/export.xlsx").data
    filled = _filled(
        export,
        {
            "3.1": ("Lopend", None, "Goed."),
            "3.2": ("Klaar", None, "Onbekende status."),
            "3.3": ("Lopend", None, None),
        },
    )
    response = _upload(admin, filled)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert (
        "status &#39;Klaar&#39; is onbekend" in html
        and "actie 3.3): vul een voortgangstekst in" in html
    )
    assert db.session.scalar(select(ProgressUpdate)) is None
    not_excel = _upload(admin, b"geen excel", "ingevuld.xlsx")
    assert "geen Excel-werkboek" in not_excel.get_data(as_text=True)
    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    assert "Het werkblad &#39;Acties&#39; ontbreekt" in _upload(admin, buffer.getvalue()).get_data(
        as_text=True
    )


def test_stale_rows_are_refused_like_the_update_form(client_for, roles):
    admin = client_for("beheerder")
    export = admin.get("/export.xlsx").data
    update("3.1", roles["beheerder"], "lopend", "Tussendoor bijgewerkt.", datetime(2026, 1, 5, 10))
    filled = _filled(
        export, {"3.1": ("Afgerond", None, "Uit Excel."), "3.2": ("Lopend", None, "Ook uit Excel.")}
    )
    response = _upload(admin, filled)
    assert response.status_code == 400
    assert "Actie 3.1: is gewijzigd sinds de export" in response.get_data(as_text=True)
    assert (
        db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.text == "Ook uit Excel."))
        is None
    )


def test_upload_rows_need_the_right_to_report(client_for):
    riec = client_for("bijdrager_eigen")
    filled = _filled(
        riec.get("/export.xlsx").data,
        {"4.1": ("Lopend", None, "Mag."), "2.10": ("Lopend", None, "Mag niet.")},
    )
    response = _upload(riec, filled)
    assert "Actie 2.10: u mag over deze actie geen voortgang melden." in response.get_data(
        as_text=True
    )


# Snapshots -----------------------------------------------------------------------------------


def test_snapshot_survives_later_updates_and_compares(client_for, history, roles):
    lezer = client_for("lezer")
    response = post_form(lezer, "/rapportages", {"peildatum": "2025-04-30"})
    assert response.status_code == 302
    first = db.session.scalar(select(ReportSnapshot))
    frozen_data, frozen_pdf = first.data, first.pdf
    assert first.title == "Voortgangsrapportage peildatum 30 april 2025"

    update(
        "1.2",
        roles["beheerder"],
        "afgerond",
        "Kennisbank compleet.",
        datetime(2025, 4, 15, 10),
        "op_koers",
    )
    db.session.refresh(first)
    assert first.data == frozen_data and first.pdf == frozen_pdf
    page = text_of(lezer.get(f"/rapportages/{first.id}"))
    assert "Kennisbank compleet." not in page and "Vastgelegd op" in page
    assert lezer.get(f"/rapportages/{first.id}.pdf").data == frozen_pdf

    post_form(lezer, "/rapportages", {"peildatum": "2025-06-30"})
    second = db.session.scalars(select(ReportSnapshot).order_by(ReportSnapshot.id.desc())).first()
    compared = text_of(lezer.get(f"/rapportages/vergelijk?a={second.id}&b={first.id}"))
    assert "4.1 Lopend → Afgerond" in compared
    assert "1.2 Lopend → Afgerond Aandacht → Op koers" in compared
    assert " 3.1 " not in compared
    assert "Vastgelegde rapportages" in text_of(lezer.get("/rapportages"))


def test_only_a_beheerder_deletes_a_snapshot_and_it_is_audited(client_for):
    lezer = client_for("lezer")
    post_form(lezer, "/rapportages", {"peildatum": "2025-04-30"})
    snapshot = db.session.scalar(select(ReportSnapshot))
    assert post_form(lezer, f"/rapportages/{snapshot.id}/verwijderen", {}).status_code == 403
    assert (
        post_form(
            client_for("beheerder"), f"/rapportages/{snapshot.id}/verwijderen", {}
        ).status_code
        == 302
    )
    assert db.session.scalar(select(ReportSnapshot)) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "report.delete"))
    assert event.details["reference_date"] == "2025-04-30"


def test_meeting_figures_appear_in_the_report(client_for, seeded_app):
    from tracker.meetings.models import Meeting, MeetingSeries

    table = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "regionale-tafel"))
    db.session.add(
        Meeting(
            series=table,
            starts_at=datetime(2025, 2, 1, 10),
            ends_at=datetime(2025, 2, 1, 12),
            state="gehouden",
        )
    )
    db.session.commit()
    with time_machine.travel(datetime(2025, 6, 1, 10, tzinfo=UTC), tick=False):
        page = text_of(client_for("lezer").get("/rapportage?peildatum=2025-06-01"))
    row = page.split("Overleggen in 2025")[1].split("Platform Mensenhandel")[0]
    assert "Regionale Tafel Mensenhandel 2.1 1 0 3" in row


def test_meeting_figures_stand_as_of_the_peildatum(client_for, seeded_app):
    """A report with an earlier peildatum counts the meetings as they stood that day: one
    held since then counts as still planned, one held before as held, a cancelled one never;
    a report on the day itself counts what is held and planned now."""
    from tracker.meetings.models import Meeting, MeetingSeries

    table = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "regionale-tafel"))
    for month, state in ((2, "gehouden"), (5, "gehouden"), (9, "gepland"), (10, "geannuleerd")):
        db.session.add(
            Meeting(
                series=table,
                starts_at=datetime(2025, month, 1, 10),
                ends_at=datetime(2025, month, 1, 12),
                state=state,
            )
        )
    db.session.commit()

    def tafel_row(peildatum: str) -> str:
        page = text_of(client_for("lezer").get(f"/rapportage?peildatum={peildatum}"))
        return page.split("Overleggen in 2025")[1].split("Platform Mensenhandel")[0]

    with time_machine.travel(datetime(2025, 6, 1, 10, tzinfo=UTC), tick=False):
        assert "Regionale Tafel Mensenhandel 2.1 2 1 3" in tafel_row("2025-06-01")
        assert "Regionale Tafel Mensenhandel 2.1 1 2 3" in tafel_row("2025-03-01")


def test_abandoned_upload_previews_are_removed_after_a_day(client_for, seeded_app):
    from tracker.previews import UploadPreview

    admin = client_for("beheerder")
    filled = _filled(admin.get("/export.xlsx").data, {"3.1": ("Lopend", None, "Even kijken.")})
    _upload(admin, filled)
    (preview,) = db.session.scalars(select(UploadPreview)).all()
    preview.created_at -= timedelta(days=2)
    db.session.commit()
    old_token = preview.token
    _upload(admin, filled)
    assert [p.token for p in db.session.scalars(select(UploadPreview))] != [old_token]
    assert db.session.scalar(select(func.count(UploadPreview.id))) == 1


def test_an_upload_previewed_on_one_host_is_applied_on_another(seeded_app, roles, tmp_path):
    """Nothing a request needs lives on one host's disk: two app instances with instance
    folders of their own share only the database (two web containers behind one proxy)."""
    from tracker import create_app

    from .conftest import login_as

    admin = login_as(seeded_app.test_client(), roles["beheerder"])
    filled = _filled(admin.get("/export.xlsx").data, {"3.1": ("Lopend", None, "Op host A.")})
    preview = _upload(admin, filled)
    token = re.search(r'action="/export/upload/([^"]+)"', preview.get_data(as_text=True)).group(1)
    settings = {k: seeded_app.config[k] for k in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
    host_b = create_app({**settings, "TESTING": True}, instance_path=str(tmp_path / "host-b"))
    assert host_b.instance_path != seeded_app.instance_path
    user_id = roles["beheerder"].id
    with host_b.app_context():
        from tracker.accounts.models import User

        client = login_as(host_b.test_client(), db.session.get(User, user_id))
        applied = post_form(client, f"/export/upload/{token}", {})
        assert applied.status_code == 302
        db.session.remove()
        db.engine.dispose()
    assert action("3.1").status == "lopend"


# The "Gemeenten" sheet: the municipal rows in the same round trip -----------------------------

MUNICIPAL_KEY = ("Code", "Gemeente")


def _municipal(export: bytes, changes: dict, **kwargs) -> bytes:
    return fill_export(export, changes, "Gemeenten", MUNICIPAL_KEY, **kwargs)


def _apply(client, preview):
    token = re.search(r'/export/upload/([\w-]+)"', preview.get_data(as_text=True)).group(1)
    return post_form(client, f"/export/upload/{token}", {})


def _cell(code, municipality_code):
    return db.session.scalar(
        select(MunicipalityProgress)
        .join(MunicipalityProgress.municipality)
        .where(
            MunicipalityProgress.action_id == action(code).id,
            Municipality.code == municipality_code,
        )
    )


def test_excel_has_a_municipal_sheet_with_every_municipality(client_for):
    book = load_workbook(
        io.BytesIO(client_for("lezer").get("/export.xlsx?peildatum=2025-05-31").data)
    )
    sheet = book["Gemeenten"]
    assert "peildatum 31 mei 2025; per gemeente, 2025" in sheet["A1"].value
    header = [c.value for c in sheet[2]]
    assert header[:6] == ["Code", "Actie", "Gemeente", "Jaar", "Status", "Toelichting"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 23 * 4  # 23 municipalities x 2.4, 3.3, 3.6, 3.7
    assert {row[0] for row in rows} == {"2.4", "3.3", "3.6", "3.7"}
    versie = get_column_letter(header.index("Versie") + 1)
    assert sheet.column_dimensions[versie].hidden
    one = client_for("lezer").get("/export.xlsx?gemeente=schiedam&peildatum=2025-05-31").data
    rows = list(load_workbook(io.BytesIO(one))["Gemeenten"].iter_rows(min_row=3, values_only=True))
    assert {row[2] for row in rows} == {"Schiedam"}


def test_municipal_rows_round_trip_with_the_actions_all_at_once(client_for, roles):
    af = client_for("af_schiedam")
    export = af.get("/export.xlsx?peildatum=2025-05-31").data
    # 3.9 is carried by all aandachtsfunctionarissen: her text, not the region's status.
    filled = _filled(export, {"3.9": (None, None, "Training gegeven aan wijkteams.")})
    filled = _municipal(
        filled,
        {
            ("2.4", "Schiedam"): {"Nieuwe status": "Afgerond", "Nieuwe toelichting": "Klaar."},
            ("3.3", "Schiedam"): {"Nieuwe toelichting": "Loopt via het zorgnetwerk."},
        },
    )
    preview = _upload(af, filled)
    assert preview.status_code == 200
    html = text_of(preview)
    assert "1 voortgangsupdate en 2 standen per gemeente worden" in html
    assert "2.4 Schiedam 2025 Niet gestart → Afgerond Klaar." in html
    assert _cell("2.4", "schiedam") is None  # nothing yet
    assert _apply(af, preview).status_code == 302
    assert (_cell("2.4", "schiedam").status, _cell("2.4", "schiedam").note) == (
        "afgerond",
        "Klaar.",
    )
    assert _cell("3.3", "schiedam").status == "niet_gestart"  # only the note was filled in
    assert _cell("3.3", "schiedam").note == "Loopt via het zorgnetwerk."
    assert db.session.scalar(select(ProgressUpdate)).text == "Training gegeven aan wijkteams."
    audited = db.session.scalars(
        select(AuditEvent).where(AuditEvent.kind == "municipality.update")
    ).all()
    assert len(audited) == 2
    # The next report rolls the row up: 2.4 runs in the region now.
    assert "1 van 23 gemeenten afgerond in 2025" in text_of(
        client_for("lezer").get("/rapportage?peildatum=2025-12-31")
    )


def test_an_aandachtsfunctionaris_cannot_set_the_regional_status_of_a_shared_action(client_for):
    af = client_for("af_schiedam")
    export = af.get("/export.xlsx?peildatum=2025-05-31").data
    response = _upload(af, _filled(export, {"3.6": ("Afgerond", None, "Klaar in Schiedam.")}))
    assert response.status_code == 400
    assert "Actie 3.6 voert de regio samen uit: de status en het signaal zet de beheerder" in (
        text_of(response)
    )
    assert "in Excel: het blad Gemeenten" in text_of(response)
    assert db.session.scalar(select(ProgressUpdate)) is None
    # 2.3 (all aandachtsfunctionarissen): her text is welcome, the status is VAR's.
    response = _upload(af, _filled(export, {"2.3": ("Afgerond", None, "Gedaan in Schiedam.")}))
    assert response.status_code == 400
    assert "Actie 2.3 voert de regio samen uit: de status en het signaal zet VAR" in text_of(
        response
    )
    assert db.session.scalar(select(ProgressUpdate)) is None


def test_a_bad_municipal_row_stops_the_whole_upload(client_for):
    af = client_for("af_schiedam")
    export = af.get("/export.xlsx?peildatum=2025-05-31").data
    filled = _filled(export, {"3.9": (None, None, "Training gegeven.")})
    filled = _municipal(
        filled,
        {
            ("2.4", "Vlaardingen"): {"Nieuwe status": "Afgerond"},
            ("3.3", "Schiedam"): {"Nieuwe status": "Bijna klaar"},
            ("3.7", "Schiedam"): {"Nieuwe toelichting": "Gesprek met BSN 123456782."},
        },
    )
    response = _upload(af, filled)
    assert response.status_code == 400
    page = text_of(response)
    assert "Actie 2.4, Vlaardingen: u mag de stand van deze gemeente niet wijzigen." in page
    assert "status &#39;Bijna klaar&#39; is onbekend." in page
    assert "Actie 3.7, Schiedam: bevat persoonsgegevens" in page
    assert db.session.scalar(select(MunicipalityProgress)) is None
    assert db.session.scalar(select(ProgressUpdate)) is None


def test_an_upload_of_one_municipal_row_says_so_in_the_singular(client_for):
    """The preview and the confirmation name only what is saved: no "0 voortgangsupdates"."""
    af = client_for("af_schiedam")
    export = af.get("/export.xlsx?peildatum=2025-05-31").data
    filled = _municipal(export, {("2.4", "Schiedam"): {"Nieuwe status": "Lopend"}})
    preview = _upload(af, filled)
    assert "1 stand per gemeente wordt op uw naam opgeslagen" in text_of(preview)
    page = text_of(af.get(_apply(af, preview).headers["Location"]))
    assert "1 stand per gemeente uit het Excel-bestand opgeslagen." in page
    assert "0 voortgangsupdates" not in page
    assert _cell("2.4", "schiedam").status == "lopend"


def test_a_municipal_row_changed_since_the_export_is_refused(client_for, roles):
    af = client_for("af_schiedam")
    export = af.get("/export.xlsx?peildatum=2025-05-31").data
    post_form(
        client_for("beheerder"),
        "/acties/2.4/gemeenten/schiedam/2025",
        {"status": "lopend", "note": "Gestart.", "version": "0"},
    )
    response = _upload(af, _municipal(export, {("2.4", "Schiedam"): {"Nieuwe status": "Afgerond"}}))
    assert response.status_code == 400
    assert "is gewijzigd sinds de export" in text_of(response)
    assert _cell("2.4", "schiedam").status == "lopend"


def test_an_export_without_the_municipal_sheet_still_uploads(client_for):
    admin = client_for("beheerder")
    export = admin.get("/export.xlsx").data
    filled = fill_export(
        export,
        {"3.1": {"Nieuwe status": "Lopend", "Nieuwe voortgangstekst": "Gestart."}},
        drop_sheet="Gemeenten",
    )
    preview = _upload(admin, filled)
    assert preview.status_code == 200
    assert _apply(admin, preview).status_code == 302
    assert db.session.scalar(select(ProgressUpdate)).text == "Gestart."


def test_weasyprint_warmed_up_before_gunicorn_forks_still_renders_in_the_worker():
    """``tracker.wsgi`` warms WeasyPrint up before the fork, so the workers inherit Pango
    and the fonts set up: a forked child must still make a sound PDF with them."""
    import os

    from tracker.reports.pdf import render_pdf, warm_up

    warm_up()
    child = os.fork()
    if child == 0:  # the worker: never back into pytest
        try:
            pdf = render_pdf("<h1>Na de fork</h1><p>Één regel.</p>")
            ok = "Na de fork" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        except BaseException:
            ok = False
        os._exit(0 if ok else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_without_pango_the_warm_up_logs_and_the_app_still_starts(monkeypatch, caplog):
    import tracker.reports.pdf as pdf

    def missing(html):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "render_pdf", missing)
    pdf.warm_up()
    assert "PDFs unavailable" in caplog.text


def test_the_action_list_and_the_report_read_thema_and_partij_alike(client):
    """One rule for the filters both pages take (they had drifted: a party name cut at 60
    characters on one page and at 40 on the other)."""
    name = "X" * 70
    for path in ("/acties", "/rapportage"):
        page = html.unescape(text_of(client.get(f"{path}?partij={name}&thema=drie")))
        assert f"Partij '{'X' * 60}' is onbekend." in page, path
        assert "Kies een themanummer" in page, path


def test_a_short_line_folds_the_texts_line_breaks():
    """One line of a list (evidence, an agenda proposal, a knelpunt's actions): a text typed
    with line breaks or double spaces reads as one line, cut at a word."""
    from tracker.text import short

    assert short("Werkgroep gestart.\n\n- twee  gemeenten\n- Schiedam", 160) == (
        "Werkgroep gestart. - twee gemeenten - Schiedam"
    )
    assert short("Werkgroep gestart met de eerste twee gemeenten.", 20) == "Werkgroep gestart…"
    # No stop or comma before the mark: "(2023)…", "problematiek…".
    assert short("Naar aanleiding van het Rapport (2023). Scope bepalen.", 41) == (
        "Naar aanleiding van het Rapport (2023)…"
    )
    assert (
        short("Richting gebieden met problematiek, waarmee", 36)
        == "Richting gebieden met problematiek…"
    )


def test_lists_and_e_mails_cut_a_long_text_as_the_tracker_does(client_for):
    """Every template cuts with the tracker's own rule (``short``), not Jinja's ``truncate``
    ("kennisbank...", "(2023)...." beside "…" elsewhere)."""
    from pathlib import Path

    client = client_for("lezer")
    folder = Path(client.application.template_folder)
    assert not [p.name for p in folder.rglob("*.*") if "truncate(" in p.read_text()]
    page = client.get("/acties").get_data(as_text=True)
    assert "..." not in page and "kennisbank van de VAR." in page
