"""The municipalities in the browser: an aandachtsfunctionaris updates her municipality's rows
on a phone from Mijn acties in a few taps, the secretary ticks who attended a network
meeting, and the municipality's page and the region's matrix show both, at 360 and 1366 px."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect
from sqlalchemy import select

from tracker.dates import utcnow
from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingSeries
from tracker.municipalities.borging import current_entries
from tracker.plan.models import Municipality
from tracker.progress.models import MunicipalityProgress

from .conftest import login, screenshot
from .test_accessibility import AXE, serious
from .test_everyday import PHONE

DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(autouse=True)
def _within_the_plan():
    """A day inside the plan's years, so 'this year' is one the plan has (the suite also
    runs with its clock after the plan)."""
    with time_machine.travel(datetime(2025, 10, 15, 10, 0, tzinfo=UTC), tick=True):
        yield


def test_four_rows_from_mijn_acties_on_a_phone_in_at_most_eight_taps(page, e2e_users):
    login(page, e2e_users["af"])
    page.set_viewport_size(PHONE)
    taps = 0

    def tap(locator):
        nonlocal taps
        taps += 1
        locator.click()

    page.goto("/mijn-acties")
    section = page.locator("section[aria-labelledby=gemeente]")
    # Her municipality comes first: above the party's actions.
    assert (
        section.bounding_box()["y"]
        < page.get_by_role("heading", name="Acties van uw partij").bounding_box()["y"]
    )
    rows = section.locator("fieldset.bulk-row")
    codes = []
    for index in range(4):
        row = rows.nth(index)
        codes.append(row.locator(":scope > legend").inner_text().removeprefix("Actie "))
        tap(row.locator("label", has_text="Lopend"))
    screenshot(page, "gemeente-mijn-acties-telefoon", full_page=False)
    tap(section.get_by_role("button", name="Alles opslaan"))
    expect(page.locator(".flash")).to_contain_text(
        "Opgeslagen voor gemeente Schiedam: 4 onderdelen"
    )
    assert page.url.endswith("/mijn-acties#gemeente")
    assert taps <= 8, taps
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    db.session.expire_all()
    stored = db.session.scalars(select(MunicipalityProgress)).all()
    assert sorted((c.action.code, c.status) for c in stored) == [
        (c, "lopend") for c in sorted(codes)
    ]


def test_borging_on_the_municipality_page_and_in_the_matrix(page, e2e_users):
    login(page, e2e_users["af"])
    page.set_viewport_size(PHONE)
    page.goto("/gemeenten/schiedam#bijwerken")
    row = page.locator("fieldset.bulk-row", has_text="Interne meldroute ingericht")
    row.locator("label", has_text="Ja").first.click()
    row.get_by_label("Sinds").fill((utcnow().date() - timedelta(days=40)).isoformat())
    row.get_by_label("Toelichting").fill("Vastgelegd in het werkproces van het wijkteam.")
    visit = page.locator("fieldset.bulk-row", has_text="Jaarlijks gesprek met de VAR")
    visit.get_by_label("Datum van het laatste gesprek").fill(utcnow().date().isoformat())
    page.get_by_role("button", name="Alles opslaan").click()
    expect(page.locator(".flash")).to_contain_text("2 onderdelen")
    assert page.url.endswith("#bijwerken")
    expect(page.locator("#kop-geschiedenis + ol")).to_contain_text(
        "Interne meldroute ingericht: Ja"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "gemeente-pagina-telefoon")
    page.goto("/gemeenten/schiedam")
    screenshot(page, "gemeente-telefoon", full_page=False)
    page.set_viewport_size(DESKTOP)
    screenshot(page, "gemeente", full_page=False)
    page.goto("/gemeenten/schiedam#bijwerken")
    screenshot(page, "gemeente-pagina")
    problems = serious(AXE.run(page))
    schiedam = db.session.scalar(select(Municipality).where(Municipality.code == "schiedam"))
    entries = current_entries([schiedam.id])
    assert entries[(schiedam.id, "meldroute")].state == "ja"

    page.goto("/gemeenten")
    cell = page.locator("tr", has=page.get_by_role("link", name="Schiedam")).locator("td").nth(2)
    expect(cell).to_contain_text("Ja, sinds")
    screenshot(page, "gemeenten-matrix")
    screenshot(page, "gemeenten", full_page=False)
    problems += serious(AXE.run(page))
    page.get_by_label("Toon gemeenten waar").select_option("meldroute")
    page.get_by_label("de stand is").select_option("goed")
    page.get_by_role("button", name="Toon").click()
    expect(page.locator("table.matrix tbody tr")).to_have_count(1)
    page.set_viewport_size(PHONE)
    page.goto("/gemeenten?sorteer=meldroute&richting=af")
    first = page.locator("table.matrix tbody tr").first
    expect(first).to_contain_text("Schiedam")  # in order sorts last; reversed, first
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "gemeenten-matrix-telefoon", full_page=False)
    assert problems == []


def test_the_secretary_ticks_who_attended_a_network_meeting(page, e2e_users):
    series = db.session.scalar(
        select(MeetingSeries).where(MeetingSeries.code == "netwerkbijeenkomst-af")
    )
    starts = utcnow().replace(microsecond=0) - timedelta(days=2)
    meeting = Meeting(series=series, starts_at=starts, ends_at=starts + timedelta(hours=2))
    db.session.add(meeting)
    db.session.commit()
    login(page, e2e_users["beheerder"])
    page.set_viewport_size(DESKTOP)
    page.goto(f"/vergaderingen/{meeting.id}")
    page.get_by_role("button", name="Als gehouden vastleggen").click()
    attendance = page.locator("section[aria-labelledby=kop-aanwezigheid]")
    for name in ("Schiedam", "Vlaardingen", "Maassluis"):
        attendance.get_by_label(name, exact=True).check()
    screenshot(page, "vergadering-aanwezigheid")
    attendance.get_by_role("button", name="Aanwezigheid opslaan").click()
    expect(page.locator(".flash")).to_contain_text("Aanwezigheid opgeslagen: 3 gemeenten")
    expect(page.locator("section[aria-labelledby=kop-aanwezigheid]")).to_contain_text(
        "3 van 23 gemeenten aanwezig"
    )
    page.goto("/gemeenten/schiedam")
    expect(page.locator("section[aria-labelledby=kop-netwerk]")).to_contain_text("1 van 4")
