"""The key flows as a person does them, in a real browser."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
import time_machine
from playwright.sync_api import expect
from sqlalchemy import select

from tracker.extensions import db
from tracker.notifications.models import Notification
from tracker.progress.models import ProgressUpdate

from .conftest import login, screenshot


def test_first_run_setup_in_the_browser(page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/setup$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Eerste beheerder aanmaken")
    page.get_by_label("Naam").fill("Sam Secretaris")
    page.get_by_label("E-mailadres").fill("secretaris@var.test")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("een lang wachtwoord voor de VAR")
    page.get_by_label("Nieuw wachtwoord (nogmaals)").fill("een lang wachtwoord voor de VAR")
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie instellen")
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Code uit de app (6 cijfers)").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Instellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw herstelcodes")
    assert page.locator(".codes code").count() == 10
    page.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Regionaal Actieplan Mensenhandel")
    page.goto("/setup")
    expect(page.get_by_role("heading", level=1)).to_have_text("Niet gevonden")


def test_aandachtsfunctionaris_finds_their_actions_and_records_an_update(page, e2e_users):
    login(page, e2e_users["af"])
    page.get_by_role("link", name="Mijn acties").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn acties")
    expect(page.get_by_text("Gemeente Schiedam, ")).to_be_visible()
    screenshot(page, "mijn-acties")
    # Lower on the page than the sticky table header can leave room for: follow it as a
    # keyboard user does.
    page.get_by_role("link", name="Actie 3.9", exact=True).first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Actie 3.9")
    # 3.9 is carried by all aandachtsfunctionarissen: she adds her text; the status and the
    # signal are the region's, set by VAR (the trekker) or the beheerder.
    expect(page.locator(".regional-status")).to_contain_text("VAR (trekker) of de beheerder")
    page.get_by_label("Wat is er gedaan en wat volgt?").fill(
        "Campagne 'Kijk op Mensenhandel' gestart in het stadskantoor."
    )
    page.get_by_role("button", name="Voortgang opslaan").click()
    expect(page.locator(".flash")).to_contain_text("Voortgang van actie 3.9 opgeslagen.")
    expect(page.locator(".timeline").first).to_contain_text("Alex Aandacht")
    screenshot(page, "actie")
    assert db.session.scalar(select(ProgressUpdate)).text.startswith("Campagne")


def test_secretary_plans_a_meeting_and_sees_its_reminders_in_the_outbox(page, e2e_users):
    # The meeting is on a fixed day; the clock (the server's too) stands before it.
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=UTC), tick=True):
        _plan_a_meeting_and_check_the_outbox(page, e2e_users)


def _plan_a_meeting_and_check_the_outbox(page, e2e_users):
    login(page, e2e_users["beheerder"])
    page.get_by_role("link", name="Vergaderingen", exact=True).click()
    page.get_by_role("link", name="Vergadering plannen").click()
    page.get_by_label("Overleg").select_option(label="Regionale Tafel Mensenhandel")
    page.get_by_label("Datum").fill("2027-03-10")
    page.get_by_label("Begintijd").fill("14:00")
    page.get_by_label("Eindtijd").fill("16:00")
    page.get_by_label("Locatie").fill("Stadhuis Rotterdam, Coolsingel 40")
    page.get_by_label("Agenda").fill("1. Opening\n2. Voortgang actieplan\n3. Rondvraag")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".flash")).to_contain_text("Vergadering gepland")
    expect(page.locator("dl.facts")).to_contain_text("10 maart 2027, 14:00–16:00")
    screenshot(page, "vergadering")
    page.get_by_role("link", name="E-mails", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mails")
    expect(page.locator("table")).to_contain_text("Herinnering vergadering (14 d)")
    expect(page.locator("table")).to_contain_text("Sam Secretaris")
    expect(page.locator("table")).to_contain_text("24 februari 2027 om 09:00")
    screenshot(page, "berichten")
    assert db.session.scalar(select(Notification)) is not None
    # "Verzoek nu versturen": the aandachtsfunctionaris owns open actions and is asked too.
    page.go_back()
    page.get_by_role("link", name="Verzoek om voortgang bekijken en versturen").click()
    expect(page.locator("table")).to_contain_text("Alex Aandacht")
    screenshot(page, "verzoek-om-voortgang")
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "verzoek-om-voortgang-telefoon")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Verzoek nu versturen").click()
    expect(page.locator(".flash")).to_contain_text(
        re.compile(r"\d+ verzoek(en)? om voortgang (staat|staan) klaar")
    )
    page.get_by_role("link", name="E-mails", exact=True).click()
    expect(page.locator("table")).to_contain_text("Verzoek om voortgang (met de hand)")


def test_portfolio_holder_opens_the_report_and_downloads_the_pdf(page, e2e_users):
    login(page, e2e_users["ph"])
    screenshot(page, "overzicht")
    page.get_by_role("link", name="Rapportage", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Voortgangsrapportage")
    expect(page.locator("svg[role=img]")).to_be_visible()
    screenshot(page, "rapportage", full_page=False)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download de volledige rapportage (pdf)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("voortgang-actieplan-")
    assert download.suggested_filename.endswith("-volledig.pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")
    # The Word version, to finish in Word.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Word (om verder te bewerken)").click()
    assert download_info.value.suggested_filename.endswith(".docx")
    assert Path(download_info.value.path()).read_bytes().startswith(b"PK")
    # The annex, a PDF per theme, named as the summary names it.
    with page.expect_download() as download_info:
        page.locator(".annex-links").get_by_role("link", name="Thema 3", exact=False).click()
    annex = download_info.value
    assert annex.suggested_filename.endswith("-bijlage-thema-3.pdf")
    assert Path(annex.path()).read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("path", ["/acties", "/acties/3.14", "/themas/3"])
def test_reading_pages_render(page, e2e_users, path):
    login(page, e2e_users["ph"])
    page.goto(path)
    expect(page.locator("main h1")).to_be_visible()


def test_the_privacy_guard_refuses_case_data_and_asks_about_a_name(page, e2e_users):
    """An aandachtsfunctionaris types case data by mistake: refused, highlighted, kept in the
    form; then a colleague's name: saved only after ticking the confirmation and saying who
    it is."""
    login(page, e2e_users["af"])
    page.goto("/acties/3.9")
    text = page.get_by_label("Wat is er gedaan en wat volgt?")
    text.fill("Gesprek met slachtoffer, BSN 123456782, tel. 06-12345678, Dorpsstraat 12.")
    page.get_by_role("button", name="Voortgang opslaan").click()
    expect(page.locator(".error-summary")).to_contain_text("persoonsgegevens")
    expect(page.locator(".privacy-findings mark")).to_have_count(3)
    expect(text).to_have_value(re.compile("Dorpsstraat 12"))
    screenshot(page, "privacy-geweigerd")
    assert db.session.scalar(select(ProgressUpdate)) is None

    text.fill("Overleg met Pieter Bakker (wijkagent) over de campagne in de wijk.")
    page.get_by_role("button", name="Voortgang opslaan").click()
    confirmation = page.get_by_label(
        "Ik heb gecontroleerd: dit gaat niet over een slachtoffer of een zaak"
    )
    expect(confirmation).to_be_visible()
    screenshot(page, "privacy-bevestigen")
    confirmation.check()
    page.get_by_label("Wie of wat is het?").select_option(
        label="Een collega of contactpersoon van een partner"
    )
    page.get_by_role("button", name="Voortgang opslaan").click()
    expect(page.locator(".flash")).to_contain_text("Voortgang van actie 3.9 opgeslagen.")
    assert db.session.scalar(select(ProgressUpdate)).text.startswith("Overleg met Pieter")


def test_a_confirmed_name_reaches_the_beheerder_who_reviews_or_redacts_it(
    page, e2e_users, live_server
):
    """An aandachtsfunctionaris confirms a speaker's name on her phone; the secretary finds
    it on the privacy page (1366 px), with who confirmed it and as what, and marks it seen."""
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, e2e_users["af"])
    page.goto("/acties/3.9")
    page.get_by_label("Wat is er gedaan en wat volgt?").fill(
        "Gastles gegeven door Pietje Puk van het jongerenwerk."
    )
    page.get_by_role("button", name="Voortgang opslaan").click()
    page.get_by_label(
        "Ik heb gecontroleerd: dit gaat niet over een slachtoffer of een zaak"
    ).check()
    who = page.get_by_label("Wie of wat is het?")
    expect(who).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "privacy-wie-is-het-360")
    who.select_option(label="Een spreker, trainer of onderzoeker")
    page.get_by_role("button", name="Voortgang opslaan").click()
    expect(page.locator(".flash")).to_contain_text("Voortgang van actie 3.9 opgeslagen.")
    page.context.clear_cookies()

    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, e2e_users["beheerder"])
    page.goto("/beheer/privacy")
    row = page.locator("tr", has_text="Voortgang actie 3.9")
    expect(row).to_contain_text("Naam: Pietje Puk")
    expect(row).to_contain_text("Door Alex Aandacht")
    expect(row).to_contain_text("een spreker, trainer of onderzoeker")
    screenshot(page, "privacy-pagina-bevestiging-1366")
    row.get_by_role("button", name="In orde").click()
    expect(page.locator(".flash")).to_contain_text("als gezien gemarkeerd")
    expect(page.locator("tr", has_text="Voortgang actie 3.9")).to_contain_text(
        "Gezien door Sam Secretaris"
    )


def test_the_bulk_page_keeps_the_row_that_needs_a_look_on_a_phone(page, e2e_users, live_server):
    """Three rows on a phone, one with a name: two are saved and cleared, the third stays with
    its text and the question who it is, and nothing is wider than the screen (the long
    answers of "Wie of wat is het?" once widened the row)."""
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, e2e_users["beheerder"])
    page.goto("/voortgang?thema=4")
    boxes = page.locator("textarea")
    boxes.nth(0).fill("Kick-off gehouden met partners; werkgroep gestart.")
    boxes.nth(1).fill("Gesprek gevoerd met Mohammed El Amrani van de werkgeversvereniging.")
    boxes.nth(2).fill("Format bestuurlijke maatregelen gedeeld via de kennisbank.")
    page.get_by_role("button", name="Alles opslaan").click()
    expect(page.locator(".error-summary")).to_contain_text("Opgeslagen: actie 4.1, actie 4.3.")
    expect(page.locator("textarea").nth(1)).to_have_value(re.compile("El Amrani"))
    expect(page.get_by_label("Wie of wat is het?")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "voortgang-deels-opgeslagen-360")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "voortgang-deels-opgeslagen-1366", full_page=False)
