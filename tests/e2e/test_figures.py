"""Kerncijfers in the browser: the page read by the portfolio holder, a new year entered by the
secretary, and both under axe and on a phone."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import login, screenshot
from .test_accessibility import AXE, serious


def test_the_portfolio_holder_reads_the_figures_with_their_trends(page, e2e_users):
    login(page, e2e_users["ph"])
    page.get_by_role("link", name="Kerncijfers", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kerncijfers")
    figure = page.locator("#kc-politie-aangiftes")
    expect(figure).to_contain_text("+7 ▲")
    expect(figure.get_by_role("img")).to_have_attribute(
        "aria-label", "Trend van Aangiftes mensenhandel (Regio): 2021: 16, 2022: 23"
    )
    expect(page.locator("#kc-meld-en-adviespunt-contacten")).to_contain_text("niet vergelijkbaar")
    screenshot(page, "kerncijfers", full_page=False)
    assert serious(AXE.run(page)) == []
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious(AXE.run(page)) == []


def test_the_secretary_adds_next_years_figure(page, e2e_users):
    login(page, e2e_users["beheerder"])
    page.goto("/kerncijfers")
    page.locator('a[href="/kerncijfers/nieuw?kerncijfer=riec-casussen"]').click()
    expect(page.get_by_label("Kerncijfer")).to_have_value("riec-casussen")
    page.get_by_label("Jaar", exact=True).fill("2023")
    page.get_by_label("Waarde (aantal)").fill("8")
    page.get_by_label("Bron (monitor of rapport)").fill("Mensenhandelmonitor 2023")
    assert serious(AXE.run(page)) == []
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".flash")).to_contain_text("RIEC-casussen mensenhandel 2023 is toegevoegd.")
    expect(page.locator("#kc-riec-casussen")).to_contain_text("+3 ▲")
    page.locator("#rapport-riec-casussen").check()
    page.get_by_role("button", name="Keuze voor de rapportage opslaan").click()
    expect(page.locator(".flash")).to_contain_text("1 kerncijfers gaan mee")
    page.goto("/rapportage")
    expect(page.locator("#kop-kerncijfers")).to_be_visible()
    expect(page.locator(".report-figures")).to_contain_text("RIEC-casussen mensenhandel")
