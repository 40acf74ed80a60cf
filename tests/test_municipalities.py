"""The municipalities as first-class (issue 35): the region's matrix, a page per municipality
with its borging and its rows in one form (stale saves, the privacy guard and validation per
row), network attendance, and the one-page PDF."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
import time_machine
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingAttendance, MeetingSeries
from tracker.municipalities import borging
from tracker.municipalities.models import BorgingEntry
from tracker.plan.models import Municipality
from tracker.progress.models import MunicipalityProgress

from .helpers import action, post_form, text_of

#: A day inside the plan's years: "this year" is 2025 whatever the suite's clock says.
IN_THE_PLAN = datetime(2025, 10, 15, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _within_the_plan():
    with time_machine.travel(IN_THE_PLAN, tick=False):
        yield


class _FormReader(HTMLParser):
    """The municipality form's fields as a browser would send them untouched."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "municipal-form" in (attrs.get("class") or ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind == "radio":
                if "checked" in attrs:
                    self.fields[attrs["name"]] = attrs.get("value", "")
            elif kind != "submit":
                self.fields[attrs["name"]] = attrs.get("value") or ""
        if tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None
        if tag == "form":
            self.inside = False


def form_of(client, path="/gemeenten/schiedam") -> dict[str, str]:
    reader = _FormReader()
    reader.feed(client.get(path).get_data(as_text=True))
    return reader.fields


def row_prefix(fields: dict, kind: str, key: str) -> str:
    """``cells-1`` for action 3.3, ``items-2`` for the borging item ``meldroute``."""
    field = "code" if kind == "cells" else "item"
    for name, value in fields.items():
        if name.startswith(f"{kind}-") and name.endswith(f"-{field}") and value == key:
            return name.removesuffix(f"-{field}")
    raise AssertionError(f"no row {key}")


def changed(fields: dict, **rows) -> dict:
    """The form with changes: ``changed(f, meldroute={"state": "ja"}, a2_4={"status": ...})``."""
    data = dict(fields)
    for key, values in rows.items():
        kind, key = ("cells", key[1:].replace("_", ".")) if key.startswith("a") else ("items", key)
        prefix = row_prefix(fields, kind, key)
        data |= {f"{prefix}-{name}": value for name, value in values.items()}
    return data


def schiedam() -> Municipality:
    return db.session.scalar(select(Municipality).where(Municipality.code == "schiedam"))


def current(item: str) -> BorgingEntry | None:
    place = schiedam()
    return borging.current_entries([place.id]).get((place.id, item))


# Reading --------------------------------------------------------------------------------------


def test_the_matrix_names_every_municipality_and_column_in_words(client_for):
    text = text_of(client_for("lezer").get("/gemeenten"))
    assert "Gemeenten, 2025" in text
    assert text.count("Onbekend") == 23 * 6  # six borging items, not yet said anywhere
    for column in ("Meldroute", "Seksinrichting", "Netwerk", "2.4", "3.3", "3.6", "3.7"):
        assert column in text
    assert "0 van 23 in orde" in text and "0 van 23 afgerond" in text


def test_the_municipality_page_shows_people_borging_rows_and_the_region(client_for):
    text = text_of(client_for("lezer").get("/gemeenten/schiedam"))
    assert "Gemeente Schiedam" in text
    assert "Borging" in text and "Interne meldroute ingericht (actie 3.3)" in text
    assert "Netwerkbijeenkomsten 2025" in text
    assert "Acties die iedere gemeente uitvoert, 2025" in text
    assert "Bijwerken" not in text  # a reader reads; only the municipality's people edit
    af = client_for("af_schiedam").get("/gemeenten/schiedam")
    assert "Alles opslaan" in af.get_data(as_text=True)
    assert "Alles opslaan" not in client_for("af_vlaardingen").get("/gemeenten/schiedam").get_data(
        as_text=True
    )


def test_a_year_outside_the_plan_shows_this_year(client_for):
    assert "Gemeenten, 2025" in text_of(client_for("lezer").get("/gemeenten?jaar=2031"))
    assert "Gemeenten, 2024" in text_of(client_for("lezer").get("/gemeenten?jaar=2024"))


# Saving in one form ---------------------------------------------------------------------------


def test_one_save_writes_action_rows_and_borging_and_returns_to_the_form(client_for):
    client = client_for("af_schiedam")
    fields = form_of(client)
    data = changed(
        fields,
        a2_4={"status": "afgerond", "note": "Gesprek met de VAR gevoerd."},
        a3_6={"status": "lopend"},
        meldroute={"state": "ja", "on_date": "2025-03-01", "note": "In het werkproces."},
        beleid={"state": "ja", "on_date": "2025-01-20", "link": "https://gemeente.test/beleid"},
        jaarlijks_gesprek={"on_date": "2025-09-30"},
    )
    response = post_form(client, "/gemeenten/schiedam", data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/gemeenten/schiedam#bijwerken")
    cells = {c.action.code: c for c in db.session.scalars(select(MunicipalityProgress))}
    assert {code: c.status for code, c in cells.items()} == {"2.4": "afgerond", "3.6": "lopend"}
    assert cells["2.4"].note == "Gesprek met de VAR gevoerd." and cells["2.4"].year == 2025
    assert current("meldroute").state == "ja" and current("meldroute").on_date == date(2025, 3, 1)
    assert current("beleid").link == "https://gemeente.test/beleid"
    assert current("jaarlijks_gesprek").state == "ja"
    assert current("aandachtsfunctionaris") is None  # untouched: nothing written
    kinds = db.session.scalars(select(AuditEvent.kind)).all()
    assert kinds.count("borging.update") == 3 and kinds.count("municipality.update") == 2

    text = text_of(client.get("/gemeenten/schiedam"))
    assert "Ja, sinds 1 maart 2025" in text and "30 september 2025" in text
    assert "Interne meldroute ingericht : Ja (sinds 1 maart 2025)" in text  # the history
    matrix = text_of(client.get("/gemeenten"))
    assert "1 van 23 afgerond" in matrix and "1 van 23 in orde" in matrix


def test_a_new_statement_keeps_the_old_one_as_history(client_for):
    client = client_for("af_schiedam")
    post_form(client, "/gemeenten/schiedam", changed(form_of(client), meldroute={"state": "nee"}))
    post_form(
        client,
        "/gemeenten/schiedam",
        changed(form_of(client), meldroute={"state": "ja", "on_date": "2025-06-01"}),
    )
    entries = borging.history(schiedam().id)
    assert [(e.item, e.state) for e in entries] == [("meldroute", "ja"), ("meldroute", "nee")]
    assert current("meldroute").on_date == date(2025, 6, 1)
    page = client_for("lezer").get("/gemeenten/schiedam").get_data(as_text=True)
    history = page[page.index("Geschiedenis van de borging") :]
    assert history.index("Ja") < history.index("Nee")  # newest first


def test_saving_from_mijn_acties_goes_back_there(client_for):
    client = client_for("af_schiedam")
    fields = form_of(client, "/mijn-acties")
    assert fields["return_to"] == "mijn-acties"
    response = post_form(client, "/gemeenten/schiedam", changed(fields, a3_3={"status": "lopend"}))
    assert response.headers["Location"].endswith("/mijn-acties#gemeente")


def test_an_untouched_form_saves_nothing(client_for):
    client = client_for("af_schiedam")
    response = post_form(client, "/gemeenten/schiedam", form_of(client))
    assert response.status_code == 200
    assert "U heeft niets gewijzigd" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(BorgingEntry.id))) == 0
    assert db.session.scalar(select(func.count(MunicipalityProgress.id))) == 0


def test_a_row_changed_meanwhile_is_refused_and_kept(client_for):
    mine, colleague = client_for("af_schiedam"), client_for("beheerder")
    seen = form_of(mine)
    post_form(
        colleague, "/gemeenten/schiedam", changed(form_of(colleague), meldroute={"state": "nee"})
    )
    response = post_form(
        mine,
        "/gemeenten/schiedam",
        changed(
            seen, meldroute={"state": "ja", "note": "Mijn toelichting."}, a2_4={"status": "lopend"}
        ),
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Intussen bijgewerkt door een ander" in page and "Mijn toelichting." in page
    assert current("meldroute").state == "nee"  # nothing of this save landed
    assert db.session.scalar(select(func.count(MunicipalityProgress.id))) == 0
    # Saving again (the form now carries the newest statement) is a deliberate choice.
    again = _FormReader()
    again.feed(page)
    assert post_form(mine, "/gemeenten/schiedam", again.fields).status_code == 302
    assert current("meldroute").state == "ja"
    assert db.session.scalar(select(func.count(MunicipalityProgress.id))) == 1


def test_an_action_row_changed_meanwhile_is_refused(client_for):
    mine, colleague = client_for("af_schiedam"), client_for("beheerder")
    seen = form_of(mine)
    post_form(
        colleague, "/gemeenten/schiedam", changed(form_of(colleague), a3_7={"status": "afgerond"})
    )
    response = post_form(mine, "/gemeenten/schiedam", changed(seen, a3_7={"status": "lopend"}))
    assert response.status_code == 409
    assert db.session.scalar(select(MunicipalityProgress.status)) == "afgerond"


def test_the_privacy_guard_reads_each_changed_row_and_saves_nothing_on_a_finding(client_for):
    client = client_for("af_schiedam")
    fields = form_of(client)
    response = post_form(
        client,
        "/gemeenten/schiedam",
        changed(
            fields,
            a2_4={"status": "lopend", "note": "Melding over BSN 123456782 besproken."},
            meldroute={"state": "ja"},
        ),
    )
    assert response.status_code == 400
    assert "Er is niets opgeslagen" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(BorgingEntry.id))) == 0
    assert db.session.scalar(select(func.count(MunicipalityProgress.id))) == 0


def test_an_unchanged_row_is_not_read_again(client_for, seeded_app):
    """A note stored before (say, before a name list grew) does not block other rows."""
    db.session.add(
        MunicipalityProgress(
            action=action("3.3"),
            municipality=schiedam(),
            year=2025,
            status="lopend",
            note="Besproken met BSN 123456782.",
        )
    )
    db.session.commit()
    client = client_for("af_schiedam")
    response = post_form(
        client, "/gemeenten/schiedam", changed(form_of(client), seksinrichting={"state": "nee"})
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("item", "values", "message"),
    [
        (
            "meldroute",
            {"state": "ja", "on_date": "2025-10-16"},
            "Een datum in de toekomst kan niet",
        ),
        ("meldroute", {"state": "nee", "on_date": "2025-01-01"}, "Een datum hoort bij 'Ja'"),
        (
            "beleid",
            {"state": "onbekend", "link": "https://gemeente.test/plan"},
            "Een link hoort bij 'Ja'",
        ),
        ("beleid", {"state": "ja", "link": "gemeente plan"}, "Vul een volledige link in"),
        ("meldroute", {"state": "misschien"}, "Kies Ja, Nee of Onbekend."),
        ("meldroute", {"state": "ja", "on_date": "1-3-2025"}, "Ongeldige datum."),
        ("meldroute", {"state": "ja", "note": "x" * 2001}, "Hoogstens 2000 tekens"),
    ],
)
def test_bad_input_gets_a_dutch_message_and_loses_nothing(client_for, item, values, message):
    client = client_for("af_schiedam")
    data = changed(
        form_of(client), **{item: values}, a2_4={"status": "lopend", "note": "Blijft staan."}
    )
    response = post_form(client, "/gemeenten/schiedam", data)
    assert response.status_code == 400
    page = unescape(response.get_data(as_text=True))
    assert message in page and "Blijft staan." in page
    assert db.session.scalar(select(func.count(MunicipalityProgress.id))) == 0


def test_a_visit_needs_its_date(client_for):
    client = client_for("beheerder")
    fields = form_of(client)
    post_form(
        client, "/gemeenten/schiedam", changed(fields, jaarlijks_gesprek={"on_date": "2025-02-01"})
    )
    response = post_form(
        client, "/gemeenten/schiedam", changed(form_of(client), jaarlijks_gesprek={"on_date": ""})
    )
    assert response.status_code == 400
    assert "Vul de datum van het gesprek in." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "tamper",
    [
        {"cells-0-code": "4.1"},  # not an every-municipality action
        {"cells-0-version": "een"},
        {"items-0-item": "geheim"},
        {"return_to": "https://elders.test/"},
    ],
)
def test_a_tampered_form_is_refused(client_for, tamper):
    client = client_for("af_schiedam")
    assert post_form(client, "/gemeenten/schiedam", form_of(client) | tamper).status_code == 400


def test_a_statement_of_another_municipality_is_not_a_seen_statement(client_for):
    beheerder = client_for("beheerder")
    post_form(
        beheerder,
        "/gemeenten/vlaardingen",
        changed(form_of(beheerder, "/gemeenten/vlaardingen"), meldroute={"state": "ja"}),
    )
    other = db.session.scalar(select(BorgingEntry.id))
    client = client_for("af_schiedam")
    fields = form_of(client)
    prefix = row_prefix(fields, "items", "meldroute")
    data = changed(fields, meldroute={"state": "nee"}) | {f"{prefix}-seen": str(other)}
    assert post_form(client, "/gemeenten/schiedam", data).status_code == 400


# The matrix: filter, sort, queries ------------------------------------------------------------


def _say(municipality_code: str, item: str, state: str):
    place = db.session.scalar(select(Municipality).where(Municipality.code == municipality_code))
    db.session.add(BorgingEntry(municipality_id=place.id, item=item, state=state, note=""))
    db.session.commit()


def test_the_matrix_filters_by_a_column_and_sorts_what_needs_attention_first(client_for):
    _say("schiedam", "meldroute", "ja")
    _say("vlaardingen", "meldroute", "nee")
    client = client_for("lezer")
    page = text_of(client.get("/gemeenten?kolom=meldroute&stand=niet"))
    assert "1 van 23 gemeenten" in page and "Vlaardingen" in page
    assert "Schiedam" not in page.split("Gemeente ")[1].split("Regio")[0]
    html = client.get("/gemeenten?sorteer=meldroute").get_data(as_text=True)
    order = re.findall(r'<th scope="row"><a href="/gemeenten/([a-z-]+)', html)
    assert order[0] == "vlaardingen" and order[-1] == "schiedam"
    html = client.get("/gemeenten?sorteer=naam&richting=af").get_data(as_text=True)
    assert re.findall(r'<th scope="row"><a href="/gemeenten/([a-z-]+)', html)[0] == "zwijndrecht"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kolom=geheim&stand=niet", "Kolom 'geheim' bestaat niet"),
        ("kolom=meldroute&stand=rood", "Stand 'rood' is onbekend"),
        ("sorteer=kleur", "Sorteren op 'kleur' kan niet."),
        ("richting=schuin", "De richting is op (oplopend) of af (aflopend)."),
        ("jaar=twintig", "Geef een jaartal van vier cijfers"),
    ],
)
def test_a_bad_filter_says_why(client_for, query, message):
    response = client_for("lezer").get(f"/gemeenten?{query}")
    assert response.status_code == 400
    assert message in unescape(text_of(response))


def test_the_matrix_costs_the_same_queries_however_much_is_said(client_for, count_queries):
    client = client_for("lezer")
    client.get("/gemeenten")
    with count_queries as few:
        client.get("/gemeenten")
    for place in db.session.scalars(select(Municipality)):
        for item in borging.ITEMS:
            db.session.add(BorgingEntry(municipality_id=place.id, item=item.key, state="ja"))
            db.session.add(BorgingEntry(municipality_id=place.id, item=item.key, state="nee"))
        for code in ("2.4", "3.3"):
            db.session.add(MunicipalityProgress(action=action(code), municipality=place, year=2025))
    db.session.commit()
    with count_queries as many:
        assert "23 van 23 ja" not in text_of(client.get("/gemeenten"))
    assert many.count == few.count


# Network attendance ---------------------------------------------------------------------------


def _network_meeting(state="gehouden", code="netwerkbijeenkomst-af") -> Meeting:
    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == code))
    starts = datetime(2025, 9, 10, 9)
    meeting = Meeting(
        series=series, starts_at=starts, ends_at=starts + timedelta(hours=2), state=state
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting


def _ids(*codes) -> list[str]:
    return [
        str(db.session.scalar(select(Municipality.id).where(Municipality.code == code)))
        for code in codes
    ]


def test_the_secretary_ticks_who_attended_and_the_pages_count_it(client_for):
    meeting = _network_meeting()
    client = client_for("beheerder")
    path = f"/vergaderingen/{meeting.id}/aanwezigheid"
    response = post_form(client, path, {"municipalities": _ids("schiedam", "maassluis")})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(MeetingAttendance)) == 2
    assert "2 van 23 gemeenten aanwezig" in text_of(client.get(f"/vergaderingen/{meeting.id}"))
    page = text_of(client.get("/gemeenten/schiedam"))
    assert "Aanwezig: 1 van 4" in page and "aanwezig" in page
    assert "Aanwezig: 0 van 4" in text_of(client.get("/gemeenten/vlaardingen"))
    # Unticking works too: the form is the whole list.
    post_form(client, path, {"municipalities": _ids("maassluis")})
    assert "Aanwezig: 0 van 4" in text_of(client.get("/gemeenten/schiedam"))
    assert db.session.scalar(select(AuditEvent.kind).where(AuditEvent.kind == "meeting.attendance"))


def test_attendance_only_for_a_held_meeting_of_a_series_that_counts_it(client_for):
    client = client_for("beheerder")
    planned = _network_meeting(state="gepland")
    tafel = _network_meeting(code="regionale-tafel")
    for meeting in (planned, tafel):
        path = f"/vergaderingen/{meeting.id}/aanwezigheid"
        assert post_form(client, path, {"municipalities": _ids("schiedam")}).status_code == 404
    assert "Aanwezige gemeenten" not in text_of(client.get(f"/vergaderingen/{tafel.id}"))


def test_an_unknown_municipality_in_the_attendance_is_refused(client_for):
    meeting = _network_meeting()
    client = client_for("beheerder")
    response = post_form(
        client, f"/vergaderingen/{meeting.id}/aanwezigheid", {"municipalities": ["999999"]}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(MeetingAttendance)) == 0


def test_the_seeded_network_counts_attendance_and_the_series_form_sets_it(client_for):
    network = db.session.scalar(
        select(MeetingSeries).where(MeetingSeries.code == "netwerkbijeenkomst-af")
    )
    tafel = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "regionale-tafel"))
    assert network.tracks_attendance and not tafel.tracks_attendance
    page = (
        client_for("beheerder")
        .get(f"/vergaderingen/overlegvormen/{tafel.id}")
        .get_data(as_text=True)
    )
    assert "Aanwezigheid per gemeente bijhouden" in page


# The one-page PDF -----------------------------------------------------------------------------


def test_the_municipal_pdf_is_one_page_with_nothing_in_the_margins(client_for, tmp_path):
    from PIL import Image
    from pypdf import PdfReader

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm not found (apt-get install poppler-utils; .ci/run does)")
    client = client_for("beheerder")
    long_note = "Uitgebreide toelichting over de aanpak in de wijken en op scholen. " * 25
    data = changed(
        form_of(client),
        a2_4={"status": "afgerond", "note": long_note[:1990]},
        a3_3={"status": "lopend", "note": long_note[:1990]},
        a3_6={"status": "lopend", "note": long_note[:1990]},
        a3_7={"status": "lopend", "note": long_note[:1990]},
        meldroute={"state": "ja", "on_date": "2025-03-01", "note": long_note[:1990]},
        beleid={"state": "ja", "link": "https://gemeente.test/" + "lang/" * 60},
    )
    assert post_form(client, "/gemeenten/schiedam", data).status_code == 302
    response = client_for("af_schiedam").get("/gemeenten/schiedam.pdf")
    assert response.headers["Content-Type"] == "application/pdf"
    assert "filename=gemeente-schiedam-2025.pdf" in response.headers["Content-Disposition"]
    (tmp_path / "g.pdf").write_bytes(response.data)
    reader = PdfReader(tmp_path / "g.pdf")
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Gemeente Schiedam: aanpak mensenhandel 2025" in text
    assert "1 van 23 in orde" in text and "Ja, sinds 1 maart 2025" in text
    subprocess.run(  # noqa: S603 - a fixed command on our own file
        [pdftoppm, "-r", "50", "-png", str(tmp_path / "g.pdf"), str(tmp_path / "g")], check=True
    )
    (page,) = sorted(tmp_path.glob("g-*.png"))
    image = Image.open(page).convert("L")
    width, height = image.size
    mm = width / 210
    for box in (
        (0, 0, int(12 * mm), height),  # left margin (15 mm)
        (width - int(12 * mm), 0, width, height),  # right margin
        (0, 0, width, int(15 * mm)),  # top margin (18 mm)
    ):
        assert image.crop(box).getextrema()[0] >= 200, box


# In the report and the Excel export -----------------------------------------------------------


def test_the_report_shows_the_borging_as_it_stood_on_the_peildatum(client_for):
    from openpyxl import load_workbook

    place = schiedam()
    db.session.add(
        BorgingEntry(
            municipality_id=place.id,
            item="meldroute",
            state="ja",
            note="",
            created_at=datetime(2025, 5, 1, 9),
        )
    )
    db.session.add(
        BorgingEntry(
            municipality_id=place.id,
            item="beleid",
            state="ja",
            note="",
            created_at=datetime(2025, 9, 1, 9),
        )
    )
    db.session.commit()
    client = client_for("lezer")

    def schiedam_borging(query):
        html = client.get(f"/rapportage?{query}").get_data(as_text=True)
        table = html[html.index('<table class="matrix stack borging">') :]
        row = table[table.index('<th scope="row">Schiedam</th>') :].split("</tr>")[0]
        return re.findall(r"<td[^>]*>([^<]*)</td>", row)[:3]

    # AF, Beleid, Meldroute: the plan of September came after the peildatum of June.
    assert schiedam_borging("peildatum=2025-06-30") == ["Onbekend", "Onbekend", "Ja"]
    assert schiedam_borging("peildatum=2025-09-30") == ["Onbekend", "Ja", "Ja"]
    assert schiedam_borging("peildatum=2025-09-30&gemeente=schiedam") == ["Onbekend", "Ja", "Ja"]
    own = text_of(client.get("/rapportage?peildatum=2025-09-30&gemeente=schiedam"))
    assert "Vlaardingen" not in own.split("Borging per gemeente")[1].split("Regio")[0]

    workbook = load_workbook(io.BytesIO(client.get("/export.xlsx?peildatum=2025-09-30").data))
    sheet = workbook["Borging"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "Gemeente" and rows[0][3] == "Interne meldroute ingericht"
    schiedam_row = next(r for r in rows if r[0] == "Schiedam")
    assert schiedam_row[2:4] == ("Ja", "Ja")
    assert rows[-1][0] == "Regio" and rows[-1][3] == "1 van 23 in orde"


def test_the_report_pdf_has_the_borging_table_and_keeps_words_whole(client_for):
    from pypdf import PdfReader

    response = client_for("lezer").get("/rapportage.pdf?peildatum=2025-09-30")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Borging per gemeente op de peildatum" in text
    # Names and column heads stay whole in the PDF ("Goeree-Overflak-kee", "Gehou-den",
    # "samen-werking" were hyphenated): the borging's municipalities, the meetings' table and
    # the standing per theme on page one.
    for word in ("Goeree-Overflakkee", "Gepland", "Minimum", "aandachtsfunctionarissen"):
        assert word in text, word
    page_one = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    for word in ("samenwerking", "afgerond"):
        assert word in page_one, word


def test_a_network_meeting_just_after_midnight_on_new_years_day_counts_in_the_new_year(
    client_for,
):
    """Stored in UTC it is 31 December; where the users are it is 1 January."""
    network = db.session.scalar(
        select(MeetingSeries).where(MeetingSeries.code == "netwerkbijeenkomst-af")
    )
    starts = datetime(2024, 12, 31, 23, 30)  # 00:30 on 1 January 2025 in Amsterdam
    meeting = Meeting(
        series=network, starts_at=starts, ends_at=starts + timedelta(hours=1), state="gehouden"
    )
    db.session.add(meeting)
    db.session.commit()
    with time_machine.travel(datetime(2025, 6, 1, 10, tzinfo=UTC), tick=False):
        client = client_for("beheerder")
        post_form(
            client,
            f"/vergaderingen/{meeting.id}/aanwezigheid",
            {"municipalities": _ids("schiedam")},
        )
        assert "Aanwezig: 1 van 4" in text_of(client.get("/gemeenten/schiedam?jaar=2025"))
        assert "Aanwezig: 0 van 4" in text_of(client.get("/gemeenten/schiedam?jaar=2024"))
