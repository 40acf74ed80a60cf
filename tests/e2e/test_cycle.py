"""The Regionale Tafel cycle in a real browser, on a controlled clock: plan a Tafel, send the
update requests, propose and publish the agenda, print the meeting pack, hold the meeting,
record a decision and an actiepunt, see them on the action and in Mijn acties, and get the
actiepunt's reminder through a real SMTP server."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from tracker.extensions import db
from tracker.notifications.models import Notification
from tracker.notifications.sending import send_due_notifications

from .conftest import login, screenshot

# Monday 2 November 2026, 11:00 in Amsterdam; the Tafel is on Wednesday 25 November.
PLANNING_DAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
AFTER_THE_TAFEL = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
REMINDER_DAY = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)  # 09:00 local, 7 days before 10 December


def test_the_regionale_tafel_cycle(page, e2e_users, seeded_app, smtp_server):
    seeded_app.config.update(smtp_server.config)
    with time_machine.travel(PLANNING_DAY, tick=True):
        meeting_url = _plan_request_and_publish(page, e2e_users)
    with time_machine.travel(AFTER_THE_TAFEL, tick=True):
        _hold_and_record(page, e2e_users, meeting_url)
        _owner_sees_the_actiepunt(page, e2e_users)
    with time_machine.travel(REMINDER_DAY, tick=False):
        send_due_notifications(REMINDER_DAY.replace(tzinfo=None))
    reminders = [
        m for r, m in smtp_server.messages if m["Subject"].startswith("Herinnering actiepunt")
    ]
    assert [m["To"] for m in reminders] == ["af@schiedam.test"]
    body = reminders[0].get_body(preferencelist=("plain",)).get_content()
    assert "Campagne in de wijkteams herhalen." in body and "10 december 2026" in body


def _plan_request_and_publish(page, e2e_users) -> str:
    login(page, e2e_users["beheerder"])
    page.get_by_role("link", name="Vergaderingen", exact=True).click()
    page.get_by_role("link", name="Vergadering plannen").click()
    page.get_by_label("Overleg").select_option(label="Regionale Tafel Mensenhandel")
    page.get_by_label("Datum").fill("2026-11-25")
    page.get_by_label("Begintijd").fill("14:00")
    page.get_by_label("Eindtijd").fill("16:00")
    page.get_by_label("Locatie").fill("Stadhuis Rotterdam")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".flash")).to_contain_text("Vergadering gepland")
    meeting_url = page.url
    # Update requests, by hand: the aandachtsfunctionaris is asked too.
    page.get_by_role("link", name="Verzoek om voortgang bekijken en versturen").click()
    expect(page.locator("table")).to_contain_text("Alex Aandacht")
    page.get_by_role("button", name="Verzoek nu versturen").click()
    expect(page.locator(".flash")).to_contain_text(
        re.compile(r"\d+ verzoek(en)? om voortgang (staat|staan) klaar")
    )
    # The agenda: proposed from the plan, then published.
    page.get_by_role("button", name="Agenda voorstellen").click()
    expect(page.locator(".flash")).to_contain_text(re.compile(r"\d+ agendapunt(en)? voorgesteld"))
    agenda = page.locator("ol.agenda")
    expect(agenda).to_contain_text("Opening en vaststellen van de agenda")
    expect(agenda).to_contain_text("Rondvraag en sluiting")
    page.get_by_label("Agendapunt", exact=True).fill("Presentatie regionale monitor")
    page.get_by_label("Acties (optioneel)").fill("1.1")
    page.get_by_label("Minuten (optioneel)").fill("20")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.locator("ol.agenda")).to_contain_text("Presentatie regionale monitor")
    page.get_by_role("button", name="Agenda publiceren").click()
    expect(page.locator(".flash")).to_contain_text("De agenda is gepubliceerd")
    screenshot(page, "vergadering-agenda")
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_download() as download:
        page.get_by_role("link", name="Vergaderstukken (pdf)", exact=False).click()
    pack = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in pack.pages)
    assert "Presentatie regionale monitor" in text and "Veranderd" in text
    assert db.session.scalar(select(Notification).where(Notification.kind == "agenda"))
    return meeting_url


def _hold_and_record(page, e2e_users, meeting_url: str) -> None:
    login(page, e2e_users["beheerder"])
    page.goto(meeting_url)
    page.get_by_role("button", name="Als gehouden vastleggen").click()
    expect(page.locator(".flash")).to_contain_text("Vergadering als gehouden vastgelegd")
    page.get_by_label("Tekst").fill("De Tafel stemt in met de regionale monitor.")
    page.get_by_label("Acties waar het over gaat (optioneel)").fill("1.1")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.locator("ol.outcomes")).to_contain_text(
        "De Tafel stemt in met de regionale monitor."
    )
    page.get_by_role("radio", name="Actiepunt").check()
    page.get_by_label("Tekst").fill("Campagne in de wijkteams herhalen.")
    page.get_by_label("Acties waar het over gaat (optioneel)").fill("3.6")
    page.get_by_label("Wie voert het actiepunt uit?").select_option(
        label="Aandachtsfunctionarissen"
    )
    page.get_by_label("Uiterlijk klaar op").fill("2026-12-10")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.locator("section", has=page.locator("#kop-uitkomsten"))).to_contain_text(
        "Campagne in de wijkteams herhalen."
    )
    screenshot(page, "vergadering-besluiten")
    page.set_viewport_size({"width": 360, "height": 740})  # the secretary's phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "vergadering-besluiten-telefoon")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/acties/3.6")
    expect(page.locator("#kop-uit-vergaderingen")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Campagne in de wijkteams herhalen.")
    page.get_by_role("button", name="Uitloggen").click()


def _owner_sees_the_actiepunt(page, e2e_users) -> None:
    login(page, e2e_users["af"])
    page.get_by_role("link", name="Mijn acties").click()
    expect(page.locator("#kop-actiepunten")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Campagne in de wijkteams herhalen.")
