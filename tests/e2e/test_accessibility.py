"""WCAG 2.1 AA checks with axe-core on every main page for each role, and the update flow
done with the keyboard only."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import login

PAGES = {
    "ph": [
        "/",
        "/acties",
        "/acties/3.14",
        "/themas/3",
        "/mijn-acties",
        "/vergaderingen",
        "/vergaderingen/overlegvormen",
        "/rapportage",
        "/rapportages",
        "/profiel",
    ],
    "af": [
        "/",
        "/mijn-acties",
        "/acties/3.6",
        "/acties/2.4/gemeenten",
        "/acties/2.4/gemeenten/schiedam/2026",
        "/export/upload",
        "/knelpunten",
        "/knelpunten/nieuw",
    ],
    "beheerder": [
        "/",
        "/acties/4.1",
        "/acties/4.1/herzien",
        "/acties/nieuw",
        "/beheer/gebruikers",
        "/beheer/gebruikers/nieuw",
        "/beheer/berichten",
        "/beheer/audit",
        "/vergaderingen/nieuw",
        "/vergaderingen/importeren",
        "/vergaderingen/overlegvormen/1",
        "/plannen",
        "/plannen/nieuw",
        "/beheer/eigenaren",
        "/beheer/partijen",
        "/acties/3.15/jaren/2026",
        "/evaluatie/rotterdam-2024-2026",
        "/knelpunten/nieuw",
    ],
}
AXE = Axe()
#: Elements whose aria-labelledby names no element or the element itself (axe lets both pass;
#: a region named by itself is read out whole as its name).
BROKEN_LABELS = """() => [...document.querySelectorAll('[aria-labelledby]')]
  .filter(el => el.getAttribute('aria-labelledby').split(/\\s+/)
    .some(id => { const target = document.getElementById(id); return !target || target === el; }))
  .map(el => el.outerHTML.slice(0, 120))"""


def serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_login_page_is_accessible(page, e2e_users):
    page.goto("/login")
    assert serious(AXE.run(page)) == []
    page.get_by_role("button", name="Inloggen").click()  # empty form: errors shown
    assert serious(AXE.run(page)) == []


@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_have_no_serious_violations(page, e2e_users, role):
    login(page, e2e_users[role])
    problems = {}
    for path in PAGES[role]:
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
        if found := serious(AXE.run(page)) + page.evaluate(BROKEN_LABELS):
            problems[path] = found
    assert problems == {}


def test_update_flow_with_the_keyboard_only(page, e2e_users):
    # The beheerder: on 3.9 (all aandachtsfunctionarissen) the status is not the AF's to set.
    login(page, e2e_users["beheerder"])
    page.goto("/acties/3.9")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Direct naar de inhoud")
    assert skip.evaluate("el => getComputedStyle(el).left") != "-999px"  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"

    def tab_to(element_id: str, limit: int = 40):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                return
        raise AssertionError(f"could not reach #{element_id} with Tab")

    tab_to("status")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # visible focus
    page.keyboard.press("ArrowDown")  # Niet gestart -> Lopend
    tab_to("text")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Voortgang opslaan"
    page.keyboard.press("Enter")  # empty text: an error tied to its field
    error = page.locator("#text-fout")
    expect(error).to_have_text("Dit veld is verplicht.")
    assert "text-fout" in page.get_attribute("#text", "aria-describedby")
    assert page.get_attribute("#text", "aria-invalid") == "true"
    page.focus("#text")
    page.keyboard.type("Met het toetsenbord bijgewerkt.")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("Voortgang van actie 3.9 opgeslagen.")
    expect(page.locator(".timeline").first).to_contain_text("Met het toetsenbord bijgewerkt.")


def test_axe_does_report_a_serious_violation(page):
    """The check above can fail: axe flags an image without text and an unlabeled field."""
    page.set_content(
        '<html lang="nl"><body><main><h1>x</h1><img src="data:,"><input type="text"></main></body></html>'
    )
    ids = {line.split(" ")[0] for line in serious(AXE.run(page))}
    assert {"image-alt", "label"} <= ids
