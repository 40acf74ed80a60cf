"""Browser tests: the app served on loopback by a real WSGI server, driven by Playwright in
Debian's Chromium. Screenshots land in test-output/screenshots/."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pyotp
import pytest
from werkzeug.serving import make_server

from tracker.extensions import db
from tracker.privacy.names import load as load_privacy_lists

from ..conftest import PASSWORD, free_port

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
ADMIN_SECRET = pyotp.random_base32()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (.ci/run installs it with apt-get)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _dutch_time(monkeypatch):
    """The browser tests run as the region runs the tracker: a server whose clock is set to
    Dutch time (TZ), and a Dutch browser (the page's context). Code that reads a naive time
    as the server's local time shows itself here (the second factor once did)."""
    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def live_server(seeded_app, make_app):
    """A second app on the test database, served by werkzeug in a thread on 127.0.0.1,
    started like production: the privacy guard's lists loaded before the first request."""
    load_privacy_lists()
    port = free_port()
    app = make_app(BASE_URL=f"http://127.0.0.1:{port}")
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.url = f"http://127.0.0.1:{port}"
    yield app
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def e2e_users(make_user):
    return {
        "beheerder": make_user(
            "beheerder",
            party="VAR",
            email="secretaris@var.test",
            name="Sam Secretaris",
            totp_secret=ADMIN_SECRET,
        ),
        "af": make_user(
            "bijdrager",
            party="AF",
            municipality="schiedam",
            email="af@schiedam.test",
            name="Alex Aandacht",
        ),
        "ph": make_user(
            "lezer", party="PH", email="portefeuille@var.test", name="Pim Portefeuille"
        ),
    }


def login(page, user, second_factor=True):
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    if user.totp_enabled and second_factor:
        totp = pyotp.TOTP(user.totp_secret)
        page.get_by_label("Code uit uw authenticator-app of herstelcode").fill(totp.now())
        page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url("**/")


def screenshot(page, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
