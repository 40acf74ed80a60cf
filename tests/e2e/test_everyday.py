"""Everyday use in the browser: every page on a phone (360 px), the bulk progress page within a
click budget, and the new pages under axe."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tracker.dates import utcnow
from tracker.evaluation.models import ActionEvaluation, EvaluationRound, Knelpunt
from tracker.extensions import db
from tracker.meetings.models import AgendaItem, Meeting, MeetingSeries
from tracker.notifications.models import Notification
from tracker.plan.queries import current_plan
from tracker.progress import services
from tracker.progress.models import ProgressUpdate
from tracker.public.models import Publication, PublicLine

from ..helpers import action, frozen_report
from .conftest import login, screenshot
from .test_accessibility import AXE, serious

PHONE = {"width": 360, "height": 740}
#: A pasted link without spaces: it must wrap, not widen the page.
LONG_WORD = "https://intranet.gemeente.example.test/" + "x" * 180

#: Pages that are files, feeds or JSON, not pages to read on a phone.
NOT_PAGES = (".ics", ".pdf", ".xlsx", ".docx", ".csv", ".json", "/api/", "/healthz", "/static/")


@pytest.fixture
def filled(seeded_app, e2e_users):
    """A meeting with an e-mail, a frozen report, and texts with one very long word."""
    admin = e2e_users["beheerder"]
    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "rvo"))
    starts = datetime.combine(utcnow().date() + timedelta(days=30), datetime.min.time())
    meeting = Meeting(
        series=series,
        starts_at=starts.replace(hour=9),
        ends_at=starts.replace(hour=11),
        location=LONG_WORD,
        agenda=f"1. Opening\n2. {LONG_WORD}",
    )
    db.session.add(meeting)
    db.session.flush()
    notification = Notification(
        kind="herinnering",
        recipient_id=admin.id,
        meeting_id=meeting.id,
        offset_days=2,
        dedupe_key=f"herinnering:{meeting.id}:{admin.id}:2",
        due_at=meeting.starts_at - timedelta(days=2),
        state="mislukt",
        last_error=LONG_WORD,
    )
    db.session.add(notification)
    item = AgendaItem(meeting=meeting, position=1, title=f"Bespreking {LONG_WORD}")
    db.session.add(item)
    target = action("3.14")
    services.record_update(
        target,
        admin,
        status="lopend",
        signal="aandacht",
        text=f"Zie {LONG_WORD} voor het verslag.",
        link=None,
        expected_version=target.version,
        now=utcnow(),
    )
    plan = current_plan()
    evaluation_round = EvaluationRound(
        plan=plan, deadline=utcnow().date() + timedelta(days=21), opened_by_id=admin.id
    )
    knelpunt = Knelpunt(
        plan_id=plan.id,
        what=f"Geen vaste capaciteit voor gezamenlijke controles; zie {LONG_WORD}",
        since=utcnow().date() - timedelta(days=90),
        actions=[target],
        for_table=True,
        created_by_id=admin.id,
    )
    publication = Publication(
        plan_id=plan.id,
        is_open=True,
        figures=["politie-aangiftes", "schatting-slachtoffers"],
        borging_items=["aandachtsfunctionaris", "meldroute", "meld_adviespunt"],
    )
    line = PublicLine(
        action=target,
        text=f"Partners controleren samen in risicosectoren; zie {LONG_WORD}",
        approved_at=utcnow(),
    )
    db.session.add_all([evaluation_round, knelpunt, publication, line])
    db.session.flush()
    db.session.add(
        ActionEvaluation(
            round=evaluation_round,
            action=target,
            result="deels",
            delivered=f"Twee controles met de partners. {LONG_WORD}",
            helped="Vaste contactpersonen.",
            hindered="Capaciteit bij de partners.",
            advice="aanpassen",
            advice_reason="Breder maken.",
            new_text="Gezamenlijke controles in alle risicosectoren.",
            author_id=admin.id,
        )
    )
    db.session.commit()
    snapshot = frozen_report()
    update = db.session.scalar(select(ProgressUpdate))
    return {
        "agenda_item": item.id,
        "meeting": meeting.id,
        "series": series.id,
        "notification": notification.id,
        "user": e2e_users["af"].id,
        "update": update.id,
        "year": current_plan().end_year,
        "plan": plan.slug,
        "knelpunt": knelpunt.id,
        "snapshot": snapshot.id,
    }


def phone_pages(ids) -> dict[str, list[str]]:
    return {
        "anoniem": [
            "/login",
            "/wachtwoord-vergeten",
            "/inloglink",
            "/openbaar",
            "/openbaar/gemeenten/schiedam",
        ],
        "ph": ["/", "/acties", "/mijn-acties", "/rapportage", "/kerncijfers", "/hulp", "/profiel"],
        "af": [
            "/mijn-acties",
            "/voortgang",
            "/acties/2.4/gemeenten",
            f"/acties/2.4/gemeenten/schiedam/{ids['year']}",
            "/gemeenten",
            "/gemeenten/schiedam",
            f"/evaluatie/{ids['plan']}/acties/2.3",
            "/knelpunten",
            "/knelpunten/nieuw",
            "/export/upload",
            "/profiel",
        ],
        "beheerder": [
            "/",
            "/acties",
            "/acties?sorteer=signaal&richting=af",
            "/acties/3.14",
            "/acties/3.14/herzien",
            "/acties/nieuw",
            "/themas/3",
            "/mijn-acties",
            "/voortgang?thema=3",
            "/vergaderingen",
            "/gemeenten",
            "/gemeenten/schiedam?kolom=meldroute",
            f"/vergaderingen/{ids['meeting']}",
            f"/vergaderingen/{ids['meeting']}/bewerken",
            f"/vergaderingen/{ids['meeting']}/verzoek",
            f"/agendapunten/{ids['agenda_item']}/wijzigen",
            "/vergaderingen/nieuw",
            "/vergaderingen/importeren",
            "/vergaderingen/overlegvormen",
            "/vergaderingen/overlegvormen/nieuw",
            f"/vergaderingen/overlegvormen/{ids['series']}",
            "/beheer/gebruikers",
            "/beheer/gebruikers/nieuw",
            f"/beheer/gebruikers/{ids['user']}",
            "/beheer/berichten",
            f"/beheer/berichten/{ids['notification']}",
            "/beheer/audit",
            "/beheer/privacy",
            f"/beheer/afschermen/voortgang/{ids['update']}",
            "/rapportage",
            "/rapportage?gemeente=schiedam",
            "/rapportage/tekst",
            "/rapportages",
            f"/rapportages/{ids['snapshot']}",
            f"/rapportages/vergelijk?a={ids['snapshot']}&b={ids['snapshot']}",
            "/export/upload",
            "/profiel",
            "/hulp",
            "/kerncijfers",
            "/kerncijfers/nieuw",
            "/kerncijfers/politie-aangiftes/doel",
            "/kerncijfers/upload",
            "/plannen",
            "/plannen/nieuw",
            "/beheer/eigenaren",
            "/beheer/partijen",
            "/acties/3.15",
            f"/acties/3.15/jaren/{ids['year']}",
            "/evaluatie",
            f"/evaluatie/{ids['plan']}",
            f"/evaluatie/{ids['plan']}/acties/3.14",
            f"/evaluatie/{ids['plan']}/acties/4.1",
            "/knelpunten",
            "/knelpunten/nieuw",
            f"/knelpunten/{ids['knelpunt']}",
            "/beheer/openbaar",
            "/beheer/openbaar/voorbeeld",
            "/beheer/openbaar/voorbeeld?gemeente=schiedam",
        ],
    }


def test_every_page_is_in_the_phone_check(live_server, filled):
    """A new page must be added to the phone check: every GET rule is covered."""
    pages = [p for paths in phone_pages(filled).values() for p in paths]
    covered = {live_server.url_map.bind("x").match(p.split("?")[0])[0] for p in pages}
    rules = {
        rule.endpoint
        for rule in live_server.url_map.iter_rules()
        if "GET" in rule.methods
        and not any(part in rule.rule for part in NOT_PAGES)
        and rule.endpoint
        not in {
            "accounts.setup",  # only before the first account: tested in test_flows
            "accounts.second_factor",  # mid-login
            "accounts.second_factor_setup",
            "accounts.reset_password",  # need a mailed token
            "accounts.use_login_link",
            "plan.edit_draft",  # a draft's page: test_plan_drafts checks it on a phone
        }
    }
    assert rules - covered == set()


@pytest.mark.parametrize("role", ["anoniem", "ph", "af", "beheerder"])
def test_no_page_scrolls_sideways_on_a_phone(page, e2e_users, filled, role):
    if role != "anoniem":
        login(page, e2e_users[role])
    page.set_viewport_size(PHONE)
    too_wide = {}
    for path in phone_pages(filled)[role]:
        response = page.goto(path)
        assert response.status < 400, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
    assert too_wide == {}


def test_the_menu_folds_away_on_a_phone_and_opens_without_javascript(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/login")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    expect(menu).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(menu).to_be_visible()
    context.close()


def test_five_updates_in_at_most_twelve_clicks(page, e2e_users):
    """An aandachtsfunctionaris reports on five actions from Mijn acties in one save: her
    text on each; their status and signal are the region's (VAR's or the beheerder's)."""
    login(page, e2e_users["af"])
    clicks = 0

    def click(locator):
        nonlocal clicks
        clicks += 1
        locator.click()

    click(page.get_by_role("link", name="Mijn acties", exact=True))
    click(page.get_by_role("link", name="Voortgang van meerdere acties bijwerken"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Voortgang bijwerken")
    rows = page.locator("fieldset.bulk-row")
    assert rows.count() >= 5
    codes = []
    for index in range(5):
        row = rows.nth(index)
        codes.append(row.locator(":scope > legend").inner_text().removeprefix("Actie "))
        text = row.get_by_label("Wat is er gedaan en wat volgt?")
        click(text)
        page.keyboard.type(f"Stand van zaken {index + 1}: overleg gevoerd.")
    expect(rows.nth(0).locator(".regional-status")).to_contain_text("VAR (trekker)")
    screenshot(page, "voortgang-bijwerken", full_page=False)
    click(page.get_by_role("button", name="Alles opslaan"))
    expect(page.locator(".flash")).to_contain_text("Voortgang opgeslagen voor 5 acties")
    assert clicks <= 12, clicks
    db.session.expire_all()
    assert all(action(code).last_update_at is not None for code in codes)
    assert {action(code).status for code in codes} == {"niet_gestart"}


def test_the_new_pages_have_no_serious_violations(page, e2e_users):
    login(page, e2e_users["af"])
    problems = {}
    for path in ["/voortgang", "/hulp", "/acties?sorteer=termijn&richting=af"]:
        page.goto(path)
        if found := serious(AXE.run(page)):
            problems[path] = found
    page.set_viewport_size(PHONE)
    for path in ["/", "/acties", "/voortgang"]:
        page.goto(path)
        if found := serious(AXE.run(page)):
            problems[f"{path} (telefoon)"] = found
    page.goto("/voortgang")  # a refused save: errors per row, named in the summary
    row = page.locator("fieldset.bulk-row").first
    row.get_by_label("Wat is er gedaan en wat volgt?").fill("Gesprek over BSN 123456782.")
    page.get_by_role("button", name="Alles opslaan").click()
    expect(page.locator("#foutoverzicht")).to_contain_text("Wat is er gedaan en wat volgt?")
    if found := serious(AXE.run(page)):
        problems["/voortgang (fout)"] = found
    assert problems == {}


def test_the_report_prints_with_page_numbers_and_a_running_header(page, e2e_users):
    """Printing /rapportage from the browser gives numbered pages with the plan's name on top."""
    import io

    from pypdf import PdfReader

    login(page, e2e_users["ph"])
    page.goto("/rapportage")
    printed = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    pages = len(printed.pages)
    assert pages >= 2
    second = printed.pages[1].extract_text()
    assert f"Pagina 2 van {pages}" in second
    assert "Regionaal Actieplan Mensenhandel Regio Rotterdam" in second
    # Paper has no menu and no buttons.
    first = printed.pages[0].extract_text()
    assert "Menu" not in first and "Download" not in first and "Uitloggen" not in first


def test_the_portfolio_holder_writes_the_report_and_hands_it_over(page, e2e_users):
    """Given the right, the portfolio holder writes a theme text and the asks; page 1 of the
    report and of its PDF carries them, and a frozen report keeps them."""
    import io

    from pypdf import PdfReader

    e2e_users["ph"].may_write_report = True
    db.session.commit()
    login(page, e2e_users["ph"])
    page.goto("/rapportage")
    expect(page.locator("#kop-stand")).to_have_text("Stand van zaken")
    assert serious(AXE.run(page)) == []
    page.get_by_role("link", name="Tekst per thema en vragen aan het RVO schrijven").click()
    assert serious(AXE.run(page)) == []
    page.get_by_label("Thema 2: Bevorderen regionale/lokale samenwerking").fill(
        "Zes gemeenten hebben hun lokale actieplan vastgesteld."
    )
    page.get_by_label("Gevraagd van het RVO").fill(
        "Stem in met een gezamenlijke training voor alle aandachtsfunctionarissen."
    )
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".flash")).to_contain_text("De rapportagetekst is opgeslagen.")
    standing = page.locator("section.standing")
    expect(standing).to_contain_text("Zes gemeenten hebben hun lokale actieplan vastgesteld.")
    expect(standing.locator(".asks")).to_contain_text("gezamenlijke training")
    for theme in range(1, 6):
        expect(standing.locator("tbody tr").nth(theme - 1).locator(".light")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download de volledige rapportage (pdf)").click()
    first = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages[0]
    assert "gezamenlijke training" in " ".join(first.extract_text().split())
    page.get_by_role("button", name="Rapportage vastleggen").click()
    expect(page.locator(".flash")).to_contain_text("De rapportage is vastgelegd.")
    expect(page.locator("section.standing")).to_contain_text("Zes gemeenten")


def test_the_beheerder_evaluates_an_action_on_a_phone_and_a_desktop(page, e2e_users, filled):
    """The evaluation form (issue 37): what the tracker knows beside the questions, one tap
    per choice, a refused save that keeps everything, then saved; axe at 360 and 1366 px."""
    login(page, e2e_users["beheerder"])
    path = f"/evaluatie/{filled['plan']}/acties/4.1"
    problems = {}
    for name, size in (("telefoon", PHONE), ("bureau", {"width": 1366, "height": 900})):
        page.set_viewport_size(size)
        page.goto(path)
        if found := serious(AXE.run(page)):
            problems[f"{path} ({name})"] = found
        screenshot(page, f"evaluatie-actie-{name}")
        page.goto(f"/evaluatie/{filled['plan']}")
        screenshot(page, f"evaluatie-overzicht-{name}")
        if found := serious(AXE.run(page)):
            problems[f"evaluatie ({name})"] = found
        for knelpunten in ("/knelpunten", "/knelpunten/nieuw?actie=3.14"):
            page.goto(knelpunten)
            screenshot(page, f"{knelpunten.split('?')[0].strip('/').replace('/', '-')}-{name}")
            if found := serious(AXE.run(page)):
                problems[f"{knelpunten} ({name})"] = found
    page.set_viewport_size(PHONE)
    page.goto(path)
    page.locator("label[for=result-1]").click()  # Deels bereikt
    page.get_by_label("Wat heeft de actie opgeleverd?").fill("Drie gezamenlijke controles.")
    page.locator("label[for=advice-1]").click()  # Aanpassen, without the new text
    page.get_by_label("Waarom dit advies?").fill("Breder maken naar alle sectoren.")
    page.get_by_role("button", name="Evaluatie opslaan").click()
    expect(page.locator("#foutoverzicht")).to_contain_text("Voorgestelde nieuwe tekst")
    expect(page.get_by_label("Wat heeft de actie opgeleverd?")).to_have_value(
        "Drie gezamenlijke controles."
    )
    if found := serious(AXE.run(page)):
        problems["evaluatie (fout)"] = found
    page.get_by_label("Voorgestelde nieuwe tekst (bij aanpassen)").fill(
        "Gezamenlijke controles in alle risicosectoren."
    )
    page.get_by_role("button", name="Evaluatie opslaan").click()
    expect(page.locator(".flash-info")).to_contain_text("Evaluatie van actie 4.1 opgeslagen")
    assert problems == {}


def test_an_anonymous_visitor_reads_the_public_page_on_a_phone_and_a_desktop(
    page, filled, live_server
):
    """Issue 38: the public page without an account, without JavaScript's help, at 360 and
    1366 px, under axe; no cookie is set."""
    problems = {}
    for name, size in (("telefoon", PHONE), ("bureau", {"width": 1366, "height": 900})):
        page.set_viewport_size(size)
        for path in ("/openbaar", "/openbaar/gemeenten/schiedam"):
            page.goto(path)
            expect(page.locator("main h1")).to_be_visible()
            expect(page.get_by_role("heading", name="Mensenhandel melden")).to_be_visible()
            if found := serious(AXE.run(page)):
                problems[f"{path} ({name})"] = found
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= size["width"], (path, name, width)
            screenshot(page, f"openbaar{path.replace('/openbaar', '').replace('/', '-')}-{name}")
    assert page.context.cookies() == []
    assert problems == {}
