"""The next plan's own texts, edited in the browser on a phone and a desktop."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.extensions import db

from ..helpers import draft_next_plan
from .conftest import login, screenshot
from .test_accessibility import AXE, BROKEN_LABELS, serious
from .test_everyday import PHONE


@pytest.fixture
def draft(seeded_app, e2e_users):
    return draft_next_plan(e2e_users["beheerder"]).slug


def test_the_beheerder_rewrites_a_theme_of_the_draft(page, e2e_users, draft):
    login(page, e2e_users["beheerder"])
    problems = {}
    for name, size in (("telefoon", PHONE), ("bureau", {"width": 1366, "height": 900})):
        page.set_viewport_size(size)
        page.goto(f"/plannen/{draft}/wijzigen")
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        screenshot(page, f"concept-wijzigen-{name}")
        if found := serious(AXE.run(page)) + page.evaluate(BROKEN_LABELS):
            problems[name] = found
    page.set_viewport_size(PHONE)
    page.goto("/plannen")
    page.get_by_role("link", name="Titel, periode en thema-inleidingen wijzigen").click()
    themes = page.locator("fieldset")
    themes.nth(4).get_by_label("Inleiding").fill("Mail ons op zorg@voorbeeld.test of bel.")
    themes.nth(0).get_by_label("Titel van het thema").fill("")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#foutoverzicht")).to_contain_text("Thema 1, Titel van het thema")
    expect(page.locator(".privacy-findings")).to_contain_text("zorg@voorbeeld.test")
    screenshot(page, "concept-wijzigen-fout-telefoon")
    if found := serious(AXE.run(page)):
        problems["fout"] = found
    themes.nth(0).get_by_label("Titel van het thema").fill("Aard en omvang van mensenhandel")
    themes.nth(4).get_by_label("Inleiding").fill("Zorg en opvang staan voorop in dit thema.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".flash-info")).to_contain_text("opgeslagen")
    # A browser sends a textarea's line breaks as CR LF: themes left alone are not changed.
    db.session.expire_all()
    edit = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "plan.edit"))
    assert edit.details == {"themes": [1, 5]}
    page.goto(f"/themas/1?plan={draft}")
    expect(page.locator("main h1")).to_contain_text("Aard en omvang van mensenhandel")
    page.goto(f"/themas/5?plan={draft}")
    expect(page.locator("main")).to_contain_text("Zorg en opvang staan voorop in dit thema.")
    assert problems == {}
