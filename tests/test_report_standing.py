"""The report's first page ("Stand van zaken"), its own words, the municipalities' roll-up and
matrix, and the annex: the rules as units, then as the portfolio holder sees them."""

import io
from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.municipalities import rollup
from tracker.plan.models import Municipality
from tracker.progress.models import MunicipalityProgress
from tracker.reports import standing
from tracker.reports.models import ReportDraft, ReportSnapshot

from .helpers import action, post_form, text_of
from .test_reports import history, update  # noqa: F401 - the shared fixture

# The rules ---------------------------------------------------------------------------------


def _row(code, status="lopend", signal=None):
    return {"code": code, "status": status, "signal": signal}


@pytest.mark.parametrize(
    ("rows", "overdue", "stale", "colour"),
    [
        ([_row("1.1", signal="op_koers"), _row("1.2")], set(), set(), "groen"),
        ([_row("1.1", signal="aandacht"), _row("1.2")], set(), set(), "oranje"),
        ([_row("1.1", signal="achterstand"), _row("1.2")], set(), set(), "rood"),
        ([_row("1.1"), _row("1.2")], {"1.1"}, set(), "oranje"),
        ([_row("1.1"), _row("1.2")], {"1.1", "1.2"}, set(), "rood"),
        # More than half of the open actions quiet: oranje; exactly half: not yet.
        ([_row("1.1"), _row("1.2"), _row("1.3")], set(), {"1.1", "1.2"}, "oranje"),
        ([_row("1.1"), _row("1.2")], set(), {"1.1"}, "groen"),
        # Closed actions are never "quiet".
        ([_row("1.1", "afgerond"), _row("1.2")], set(), {"1.1"}, "groen"),
    ],
)
def test_traffic_light_follows_the_printed_rule(rows, overdue, stale, colour):
    assert standing.traffic_light(rows, overdue, stale)["colour"] == colour


def test_traffic_light_names_its_reasons():
    light = standing.traffic_light(
        [_row("3.1", signal="achterstand"), _row("3.2", signal="aandacht"), _row("3.3")],
        {"3.3"},
        {"3.3"},
    )
    assert light["label"] == "Rood"
    assert light["reasons"] == [
        "1 actie met Achterstand",
        "1 actie met Aandacht",
        "1 actie over de termijn",
    ]


@pytest.mark.parametrize(
    ("stored", "recorded", "expected"),
    [
        ([], "niet_gestart", "niet_gestart"),
        (["afgerond"], "niet_gestart", "lopend"),  # Schiedam done: the region is under way
        (["afgerond"] * 23, "lopend", "afgerond"),
        (["afgerond"] * 22 + ["vervallen"], "lopend", "afgerond"),
        (["lopend"], "afgerond", "afgerond"),  # the secretary's further status stands
        (["afgerond"] * 23, "vervallen", "vervallen"),
    ],
)
def test_rollup_feeds_the_regional_status(stored, recorded, expected):
    summary = rollup.rollup(stored, 23, 2026)
    assert rollup.regional_status(recorded, summary) == expected


def test_rollup_reads_as_a_sentence():
    summary = rollup.rollup(["afgerond"] * 6 + ["lopend"] * 2, 23, 2026)
    assert summary.text == "6 van 23 gemeenten afgerond in 2026, 2 lopend"


# Page 1 ------------------------------------------------------------------------------------


def test_page_one_compares_with_the_since_date(client_for, history):  # noqa: F811
    page = text_of(client_for("lezer").get("/rapportage?peildatum=2025-05-31&sinds=2025-03-01"))
    first = page.split("Stand van zaken")[1].split("Samenvatting per thema")[0]
    assert "Vergeleken met de stand sinds 1 maart 2025" in first
    # 4.1 was Lopend on 1 March and Afgerond on 31 May; 1.2 started in between.
    theme4 = first.split("4. Aanpak faciliteerders")[1].split("5. Preventie")[0]
    assert "Lopend 1 → 0" in theme4 and "Afgerond 0 → 1" in theme4
    assert "Afgerond sinds 1 maart 2025 4.1" in first
    # Attention points carry the action's own latest words (neutralised in exports only).
    assert "1.2 Aandacht" in first and "=HYPERLINK" in first
    assert "Zo is het licht bepaald. Rood: een actie heeft het signaal Achterstand" in first
    assert "Oranje" in first and "Rood" in first


def test_page_one_compares_with_the_previous_snapshot_by_default(client_for, history):  # noqa: F811
    lezer = client_for("lezer")
    page = text_of(lezer.get("/rapportage?peildatum=2025-05-31"))
    assert "geen eerdere vastgelegde rapportage" in page
    post_form(lezer, "/rapportages", {"peildatum": "2025-04-30"})
    page = text_of(lezer.get("/rapportage?peildatum=2025-05-31"))
    assert "sinds de vorige vastgelegde rapportage (30 april 2025)" in page
    assert "Afgerond sinds de vorige vastgelegde rapportage (30 april 2025) 4.1" in page


# The report's own words --------------------------------------------------------------------

TEXTS = {
    "version": "0",
    "theme_4": "Het voorstel is vastgesteld; de uitvoering begint in het najaar.",
    "asks": "Stem in met het vervolgvoorstel voor de bestuurlijke aanpak.",
}


def test_beheerder_writes_texts_that_show_on_page_and_pdf(client_for, history):  # noqa: F811
    admin = client_for("beheerder")
    assert "Thema 4: Aanpak faciliteerders" in text_of(admin.get("/rapportage/tekst"))
    response = post_form(admin, "/rapportage/tekst", TEXTS)
    assert response.status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "report.text"))
    page = text_of(client_for("lezer").get("/rapportage?peildatum=2025-05-31"))
    first = page.split("Stand van zaken")[1].split("Samenvatting per thema")[0]
    assert TEXTS["theme_4"] in first
    assert "Gevraagd van het RVO " + TEXTS["asks"] in first
    pdf = PdfReader(
        io.BytesIO(client_for("lezer").get("/rapportage.pdf?peildatum=2025-05-31").data)
    )
    page_one = " ".join(pdf.pages[0].extract_text().split())
    assert "Stand van zaken" in page_one and "Gevraagd van het RVO" in page_one
    assert "vervolgvoorstel voor de bestuurlijke aanpak" in page_one
    assert "Voortgangsrapportage" in page_one  # the title shares page 1


def test_a_lezer_writes_texts_only_when_given_the_right(client_for, roles):
    lezer = client_for("lezer")
    assert lezer.get("/rapportage/tekst").status_code == 403
    assert "Tekst per thema" not in text_of(lezer.get("/rapportage"))
    roles["lezer"].may_write_report = True
    db.session.commit()
    assert "Tekst per thema" in text_of(lezer.get("/rapportage"))
    assert post_form(lezer, "/rapportage/tekst", TEXTS).status_code == 302
    assert db.session.scalar(select(ReportDraft)).asks == TEXTS["asks"]


def test_the_beheerder_gives_the_right_on_the_account_form(client_for, roles):
    admin = client_for("beheerder")
    lezer = roles["lezer"]
    form = text_of(admin.get(f"/beheer/gebruikers/{lezer.id}"))
    assert "Mag de tekst van de rapportage schrijven" in form
    response = post_form(
        admin,
        f"/beheer/gebruikers/{lezer.id}",
        {
            "name": lezer.name,
            "email": lezer.email,
            "role": "lezer",
            "party": "PH",
            "municipality": "",
            "may_write_report": "y",
            "is_enabled": "y",
            "version": "1",
        },
    )
    assert response.status_code == 302
    db.session.refresh(lezer)
    assert lezer.may_write_report


def test_a_stale_text_save_keeps_what_was_typed(client_for):
    admin = client_for("beheerder")
    post_form(admin, "/rapportage/tekst", TEXTS)
    late = {**TEXTS, "version": "0", "asks": "Mijn eigen vraag aan het RVO."}
    response = post_form(admin, "/rapportage/tekst", late)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Mijn eigen vraag aan het RVO." in html and "vervolgvoorstel" in html
    assert db.session.scalar(select(ReportDraft)).asks == TEXTS["asks"]


def test_too_long_a_text_is_refused_with_its_length(client_for):
    response = post_form(
        client_for("beheerder"), "/rapportage/tekst", {**TEXTS, "theme_1": "x" * 2001}
    )
    assert response.status_code == 400
    assert "Hoogstens 2000 tekens; deze tekst heeft er 2001" in response.get_data(as_text=True)
    assert db.session.scalar(select(ReportDraft)) is None


def test_snapshots_keep_their_texts_and_compare_them(client_for, history):  # noqa: F811
    admin = client_for("beheerder")
    post_form(admin, "/rapportage/tekst", TEXTS)
    post_form(admin, "/rapportages", {"peildatum": "2025-04-30"})
    draft = db.session.scalar(select(ReportDraft))
    post_form(
        admin,
        "/rapportage/tekst",
        {**TEXTS, "version": str(draft.version), "asks": "Geen vragen dit keer."},
    )
    post_form(admin, "/rapportages", {"peildatum": "2025-06-30"})
    first, second = db.session.scalars(select(ReportSnapshot).order_by(ReportSnapshot.id)).all()
    assert first.data["narrative"]["asks"] == TEXTS["asks"]
    assert TEXTS["asks"] in text_of(admin.get(f"/rapportages/{first.id}"))
    compared = text_of(admin.get(f"/rapportages/vergelijk?a={first.id}&b={second.id}"))
    part = compared.split("Tekst van de rapportage")[1]
    assert "Gevraagd van het RVO Eerst " + TEXTS["asks"] in part
    assert "Nu Geen vragen dit keer." in part
    assert "Thema 4" not in part  # unchanged


# Per municipality ----------------------------------------------------------------------------


def _cells(code, year, statuses):
    municipalities = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    for municipality, status in zip(municipalities, statuses, strict=False):
        db.session.add(
            MunicipalityProgress(
                action=action(code),
                municipality=municipality,
                year=year,
                status=status,
                note=f"Stand {municipality.name}.",
                updated_at=datetime(year, 1, 15),
            )
        )
    db.session.commit()


def test_municipal_rows_roll_up_into_the_regional_report(client_for):
    _cells("2.4", 2025, ["afgerond"] * 6 + ["lopend"] * 3)
    page = text_of(client_for("lezer").get("/rapportage?peildatum=2025-12-31"))
    assert "6 van 23 gemeenten afgerond in 2025, 3 lopend" in page
    annex = page.split("Thema 2: Bevorderen")[-1]
    row = annex.split(" 2.4 ")[1].split(" 2.5 ")[0]
    assert "Lopend" in row and "Niet gestart" not in row  # recorded: not started
    matrix = page.split("Status per gemeente en actie (2025)")[1].split("Bijlage")[0]
    assert "Schiedam" in matrix and "Zwijndrecht" in matrix and "Capelle aan den IJssel" in matrix
    assert matrix.count("Afgerond") == 6


def test_all_municipalities_done_makes_the_action_done(client_for):
    _cells("3.3", 2025, ["afgerond"] * 23)
    page = text_of(client_for("lezer").get("/rapportage?peildatum=2025-12-31&thema=3"))
    row = page.split("Thema 3:")[-1].split(" 3.3 ")[1].split(" 3.4 ")[0]
    assert "Afgerond" in row and "23 van 23 gemeenten afgerond in 2025" in row


def test_a_municipality_gets_its_own_one_page_view(client_for):
    _cells("2.4", 2025, ["afgerond"] * 23)
    page = text_of(client_for("lezer").get("/rapportage?gemeente=schiedam&peildatum=2025-12-31"))
    matrix = page.split("Uitvoering in Schiedam in 2025")[1].split("Stand van zaken")[0]
    assert "Stand Schiedam." in matrix and "Rotterdam" not in matrix
    pdf = client_for("lezer").get("/rapportage.pdf?gemeente=schiedam&peildatum=2025-12-31")
    first = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Voortgangsrapportage Schiedam" in first


# The annex ---------------------------------------------------------------------------------


def _pdf_pages(response) -> list[str]:
    """Each page's text on one line, the words the PDF hyphenated (U+2010) whole again."""
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return [
        " ".join(page.extract_text().split()).replace("\u2010 ", "")
        for page in PdfReader(io.BytesIO(response.data)).pages
    ]


def test_summary_names_an_annex_per_theme_that_holds_its_actions_in_full(client_for):
    from tracker.plan.models import Action, Theme

    lezer = client_for("lezer")
    summary = " ".join(_pdf_pages(lezer.get("/rapportage.pdf?peildatum=2025-05-31")))
    assert "Bijlagen: de acties per thema" in summary
    for theme in db.session.scalars(select(Theme).order_by(Theme.number)):
        name = f"voortgang-actieplan-2025-05-31-bijlage-thema-{theme.number}.pdf"
        codes = db.session.scalars(
            select(Action).where(Action.theme_id == theme.id).order_by(Action.number)
        ).all()
        assert f"Thema {theme.number}: {theme.title} ({len(codes)} acties): {name}" in summary
        response = lezer.get(f"/rapportage/bijlage-{theme.number}.pdf?peildatum=2025-05-31")
        assert f"filename={name}" in response.headers["Content-Disposition"]
        annex = " ".join(_pdf_pages(response))
        assert f"Bijlage: thema {theme.number}" in annex and "Peildatum 31 mei 2025" in annex
        assert f"Thema {theme.number}: {theme.title}" in annex
        # Every action of the theme and no other, texts in full (the page's annex too).
        for a in codes:
            assert f" {a.code} " in f" {annex} ", a.code
        others = db.session.scalars(select(Action).where(Action.theme_id != theme.id)).all()
        assert not any(f" {a.code} {a.text.split()[0]}" in annex for a in others)
    page = lezer.get("/rapportage?peildatum=2025-05-31").get_data(as_text=True)
    annex_html = page.split('id="kop-bijlage"')[1]
    assert action("2.9").text in annex_html and "…" not in annex_html
    assert " ".join(action("2.9").text.split()[:8]) in " ".join(
        _pdf_pages(lezer.get("/rapportage/bijlage-2.pdf?peildatum=2025-05-31"))
    )


def test_annexes_follow_the_reports_selection(client_for):
    lezer = client_for("lezer")
    summary = " ".join(_pdf_pages(lezer.get("/rapportage.pdf?thema=3")))
    assert "bijlage-thema-3.pdf" in summary and "bijlage-thema-2.pdf" not in summary
    assert lezer.get("/rapportage/bijlage-3.pdf?thema=3").status_code == 200
    assert lezer.get("/rapportage/bijlage-2.pdf?thema=3").status_code == 404
    assert lezer.get("/rapportage/bijlage-9.pdf").status_code == 404
    assert lezer.get("/rapportage/bijlage-3.pdf?peildatum=gisteren").status_code == 400
    page = lezer.get("/rapportage?thema=3").get_data(as_text=True)
    assert 'href="/rapportage/bijlage-3.pdf?' in page and "/rapportage/bijlage-2.pdf" not in page


def test_long_lists_show_their_first_items_on_the_page_and_in_the_pdf(
    client_for, roles, monkeypatch
):
    """A long list stops after LIST_CAP items: the PDF says the annexes hold the rest, the page
    links to "toon alle" (``?volledig=1``); the page's annex shows ANNEX_CAP actions a theme."""
    from tracker.reports import services

    from .test_reports import update as record

    for code in ("1.1", "1.2", "1.3", "1.4"):
        record(
            code,
            roles["beheerder"],
            "lopend",
            f"Aandacht nodig bij {code}.",
            datetime(2025, 4, 1, 10),
            "aandacht",
        )
    monkeypatch.setattr(services, "LIST_CAP", 3)
    monkeypatch.setattr(services, "ANNEX_CAP", 4)
    lezer = client_for("lezer")
    summary = " ".join(_pdf_pages(lezer.get("/rapportage.pdf?peildatum=2025-05-31")))
    points = summary.split("Aandachtspunten")[1].split("Gevraagd van het RVO")[0]
    assert "Aandacht nodig bij 1.3" in points and "Aandacht nodig bij 1.4" not in points
    assert "… en nog 1; de bijlagen per thema geven status en signaal van elke actie." in points

    html = lezer.get("/rapportage?peildatum=2025-05-31").get_data(as_text=True)
    page = text_of(lezer.get("/rapportage?peildatum=2025-05-31"))
    points = page.split("Aandachtspunten")[1].split("Gevraagd van het RVO")[0]
    assert "Aandacht nodig bij 1.3" in points and "Aandacht nodig bij 1.4" not in points
    assert "… en nog 1: toon alle 4 ." in points  # text_of spaces the link apart
    assert 'href="/rapportage?peildatum=2025-05-31&amp;volledig=1"' in html
    theme2 = html.split('id="kop-thema-2"')[1].split('id="kop-thema-3"')[0]
    assert theme2.count('<th scope="row">') == 4
    assert "Hier de eerste 4 van 12 acties" in theme2 and "2.5" not in theme2
    assert 'href="/rapportage?peildatum=2025-05-31&amp;volledig=1#kop-thema-2"' in theme2

    full = lezer.get("/rapportage?peildatum=2025-05-31&volledig=1").get_data(as_text=True)
    assert "Aandacht nodig bij 1.4" in full and "toon alle" not in full
    assert (
        full.split('id="kop-thema-2"')[1].split('id="kop-thema-3"')[0].count('<th scope="row">')
        == 12
    )


def test_a_frozen_reports_annex_is_made_from_its_frozen_data(client_for, roles):
    from .test_reports import update as record

    lezer = client_for("lezer")
    post_form(lezer, "/rapportages", {"peildatum": "2025-05-31"})
    snapshot = db.session.scalar(select(ReportSnapshot))
    name = f"rapportage-2025-05-31-{snapshot.id}-bijlage-thema-1.pdf"
    assert name in " ".join(_pdf_pages(lezer.get(f"/rapportages/{snapshot.id}.pdf")))
    record("1.2", roles["beheerder"], "afgerond", "Kennisbank compleet.", datetime(2025, 5, 2, 10))
    response = lezer.get(f"/rapportages/{snapshot.id}/bijlage-1.pdf")
    assert f"filename={name}" in response.headers["Content-Disposition"]
    annex = " ".join(_pdf_pages(response))
    assert "1.2" in annex and "Kennisbank compleet." not in annex
    assert "Kennisbank compleet." in " ".join(
        _pdf_pages(lezer.get("/rapportage/bijlage-1.pdf?peildatum=2025-05-31"))
    )
    assert lezer.get(f"/rapportages/{snapshot.id}/bijlage-6.pdf").status_code == 404
    page = lezer.get(f"/rapportages/{snapshot.id}").get_data(as_text=True)
    assert f'href="/rapportages/{snapshot.id}/bijlage-5.pdf"' in page
    full = lezer.get(f"/rapportages/{snapshot.id}?volledig=1")
    assert full.status_code == 200 and "Vastgelegd op" in full.get_data(as_text=True)
    kinds = db.session.scalars(select(AuditEvent.kind)).all()
    assert "snapshot.annex" in kinds


# Follow-ups from meetings ------------------------------------------------------------------


def test_open_follow_ups_are_attention_points_until_done(client_for):
    from datetime import date

    from tracker.meetings.models import Meeting, MeetingOutcome, MeetingSeries
    from tracker.plan.models import Party

    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "regionale-tafel"))
    meeting = Meeting(
        series=series,
        starts_at=datetime(2025, 3, 4, 9),
        ends_at=datetime(2025, 3, 4, 11),
        state="gehouden",
    )
    db.session.add(meeting)
    riec = db.session.scalar(select(Party).where(Party.code == "RIEC"))
    linked = action("4.1")
    follow_up = MeetingOutcome(
        meeting=meeting,
        kind="actiepunt",
        text="Voorstel bestuurlijke aanpak uitwerken.",
        party=riec,
        due_on=date(2025, 5, 1),
        actions=[linked],
    )
    db.session.add(follow_up)
    db.session.commit()
    page = text_of(client_for("lezer").get("/rapportage?peildatum=2025-05-31"))
    first = page.split("Stand van zaken")[1].split("Samenvatting per thema")[0]
    assert "Openstaande actiepunten uit vergaderingen" in first
    assert "Te laat Voorstel bestuurlijke aanpak uitwerken. (RIEC, uiterlijk 1 mei 2025" in first
    assert "actie 4.1" in first
    # A theme filter keeps the follow-ups about its actions only.
    assert "Voorstel bestuurlijke aanpak" in text_of(client_for("lezer").get("/rapportage?thema=4"))
    assert "Voorstel bestuurlijke aanpak" not in text_of(
        client_for("lezer").get("/rapportage?thema=2")
    )
    follow_up.done_at = datetime(2025, 6, 1)
    db.session.commit()
    assert "Openstaande actiepunten" not in text_of(client_for("lezer").get("/rapportage"))


# A fair light: "lang niet bijgewerkt" counts from when the tracker began following ------------


def _follow_all_since(day: datetime) -> None:
    from sqlalchemy import update as update_rows

    from tracker.plan.models import Action

    db.session.execute(update_rows(Action).values(tracked_since=day))
    db.session.commit()


def test_a_plan_just_put_in_the_tracker_is_not_all_quiet(client_for):
    """Followed for 30 days before the peildatum, no action is "lang niet bijgewerkt"; after
    120 days without an update every open one is, and the printed rule says so."""
    client = client_for("lezer")
    _follow_all_since(datetime(2025, 5, 1))
    fresh = text_of(client.get("/rapportage?peildatum=2025-05-31"))
    assert (
        "lang niet bijgewerkt" not in fresh.split("Per thema: licht")[1].split("Aandachtspunten")[0]
    )
    assert "Lang niet bijgewerkt (meer dan 90 dagen) Geen." in fresh
    assert "die de tracker toen ook al langer dan 90 dagen volgde" in fresh
    later = text_of(client.get("/rapportage?peildatum=2025-08-29"))
    assert "5 van 5 open acties lang niet bijgewerkt" in later


def test_an_update_or_a_late_start_both_keep_an_action_from_being_quiet(client_for, roles):
    _follow_all_since(datetime(2024, 1, 1))
    target = action("1.3")
    target.tracked_since = datetime(2025, 5, 1)  # added to the plan later
    db.session.commit()
    update("1.2", roles["beheerder"], "lopend", "Gestart.", datetime(2025, 5, 2, 10))
    page = text_of(client_for("lezer").get("/rapportage?peildatum=2025-05-31"))
    quiet = page.split("Lang niet bijgewerkt (meer dan 90 dagen)")[1].split("Regionaal")[0]
    theme1 = quiet.split("1. Aard en omvang")[1].split("2.")[0]
    assert "3 van 5 open" in theme1 and "1.2" not in theme1 and "1.3" not in theme1


def test_publishing_a_plan_starts_following_its_actions(roles):
    from tracker.plan import copying
    from tracker.plan.models import Plan

    admin = roles["beheerder"]
    plan = db.session.scalar(select(Plan))
    draft = copying.copy_plan(
        plan,
        slug="volgend-plan",
        title="Volgend plan",
        start_year=2027,
        end_year=2029,
        author=admin,
        now=datetime(2026, 11, 1, 9),
    )
    db.session.commit()
    moment = datetime(2027, 1, 4, 9)
    copying.publish_plan(draft, admin, moment)
    db.session.commit()
    followed = {a.tracked_since for t in draft.themes for a in t.actions}
    assert followed == {moment}
