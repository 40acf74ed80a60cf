"""Accounts: first-run setup, login and its second step, throttling, tokens by e-mail,
sessions that really end, CSRF, API tokens and the users CLI."""

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pyotp
import pytest
import time_machine
from sqlalchemy import func, select

from tracker import background
from tracker.accounts.models import ApiToken, RecoveryCode, User
from tracker.accounts.services import password_problem
from tracker.audit.models import AuditEvent
from tracker.extensions import db

from .conftest import login_as
from .helpers import PASSWORD, login, post_form, replay_cookie, text_of

SECRET = pyotp.random_base32()


def kinds():
    return [e.kind for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


# First run -----------------------------------------------------------------------------------


def test_first_run_setup_offers_var_as_the_beheerders_party(seeded_app):
    client = seeded_app.test_client()
    page = client.get("/setup").get_data(as_text=True)
    assert re.search(r'<option selected value="VAR">|<option value="VAR" selected>', page)
    response = post_form(
        client,
        "/setup",
        {
            "name": "Sam Secretaris",
            "email": "secretaris@var.test",
            "party": "VAR",
            "password": "lange zin als wachtwoord",
            "password_again": "lange zin als wachtwoord",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(select(User)).party.code == "VAR"


def test_first_run_setup_refuses_an_unknown_party(seeded_app):
    data = {
        "name": "Sam",
        "email": "sam@var.test",
        "party": "ONBEKEND",
        "password": "lange zin als wachtwoord",
        "password_again": "lange zin als wachtwoord",
    }
    response = post_form(seeded_app.test_client(), "/setup", data)
    assert "Kies een partij uit de lijst." in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_first_run_setup_creates_a_beheerder_once_then_404s(seeded_app):
    client = seeded_app.test_client()
    assert client.get("/").headers["Location"].startswith("/login")
    assert client.get("/login").headers["Location"] == "/setup"
    bad = post_form(
        client,
        "/setup",
        {"name": "", "email": "geen-adres", "password": "kort", "password_again": "anders"},
    )
    assert bad.status_code == 200
    page = bad.get_data(as_text=True)
    assert "Dit veld is verplicht." in page and "Vul een geldig e-mailadres in" in page
    assert "minstens 12 tekens" in page and 'value="geen-adres"' in page  # input kept

    response = post_form(
        client,
        "/setup",
        {
            "name": "Sam Secretaris",
            "email": "Secretaris@VAR.test",
            "password": "lange zin als wachtwoord",
            "password_again": "lange zin als wachtwoord",
        },
    )
    assert response.headers["Location"] == "/login/tweede-stap/instellen"
    admin = db.session.scalar(select(User))
    assert admin.email == "secretaris@var.test" and admin.role == "beheerder"
    assert admin.password_hash.startswith("scrypt:")
    assert admin.party is None  # no party was chosen in this post (the page offers VAR)

    setup_page = client.get("/login/tweede-stap/instellen").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', setup_page).group(1)
    wrong = post_form(client, "/login/tweede-stap/instellen", {"code": "000000"})
    assert wrong.status_code == 400
    done = post_form(client, "/login/tweede-stap/instellen", {"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert client.get("/").status_code == 200
    assert seeded_app.test_client().get("/setup").status_code == 404
    assert post_form(client, "/logout", {}).status_code == 302
    assert post_form(client, "/setup", {}).status_code == 404


# Login, next, logout -------------------------------------------------------------------------


def test_login_goes_to_next_only_on_this_site(seeded_app, make_user):
    user = make_user("lezer")
    assert (
        login(seeded_app.test_client(), user.email, next_url="/acties/3.14").headers["Location"]
        == "/acties/3.14"
    )
    for evil in ("//evil.example.test/", "https://evil.example.test/", "/\\evil.example.test"):
        response = login(seeded_app.test_client(), user.email, next_url=evil)
        assert response.headers["Location"] == "/", evil


def test_login_is_case_insensitive_on_email_and_renews_the_session(seeded_app, make_user):
    user = make_user("lezer", email="lezer@gemeente.test")
    client = seeded_app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    assert login(client, "LEZER@Gemeente.test").status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
    assert client.get("/").status_code == 200
    assert "login" in kinds()
    assert user.last_login_at is not None


@pytest.mark.parametrize(
    ("email", "password", "refused"),
    [
        # "af" stands in "straf" and "afspraak": a short name before the @ is no reason.
        ("af@schiedam.test", "straf na de afspraak", False),
        ("af@schiedam.test", "mijn af@schiedam.test!", True),
        ("riec@partner.test", "riec wachtwoord lang", True),
        ("Robin.Riec@partner.test", "ROBIN.RIEC en nog wat", True),
    ],
)
def test_a_password_may_not_hold_the_email_address(email, password, refused):
    problem = password_problem(password, email)
    assert (problem is not None) is refused
    if refused:
        name = email.lower().partition("@")[0]
        assert problem == (
            "Het wachtwoord mag uw e-mailadres niet bevatten, ook niet het deel vóór de @ "
            f"({name})."
        )


def test_wrong_password_is_refused_with_one_message(seeded_app, make_user):
    user = make_user("lezer")
    for email, password in ((user.email, "fout wachtwoord"), ("onbekend@example.test", PASSWORD)):
        response = login(seeded_app.test_client(), email, password)
        assert response.status_code == 401
        assert "Het e-mailadres of het wachtwoord klopt niet." in response.get_data(as_text=True)
    assert kinds().count("login.failed") == 2


def test_disabled_account_cannot_log_in(seeded_app, make_user):
    user = make_user("lezer")
    user.is_enabled = False
    db.session.commit()
    assert login(seeded_app.test_client(), user.email).status_code == 401


def test_repeated_failures_are_throttled_per_account_for_a_while(seeded_app, make_user):
    user = make_user("lezer")
    client = seeded_app.test_client()
    with time_machine.travel(datetime(2026, 3, 2, 10, 0), tick=False) as clock:
        for _ in range(5):
            assert login(client, user.email, "fout").status_code == 401
        refused = login(client, user.email)  # even the right password
        assert refused.status_code == 429
        assert "Te veel mislukte inlogpogingen" in refused.get_data(as_text=True)
        clock.shift(timedelta(minutes=16))
        assert login(client, user.email).status_code == 302
    assert "login.throttled" in kinds()


def test_failures_from_one_address_are_throttled_across_accounts(seeded_app, make_user):
    seeded_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 6
    user = make_user("lezer")
    client = seeded_app.test_client()
    for n in range(6):
        login(client, f"poging{n}@example.test", "fout")
    assert login(client, user.email).status_code == 429
    other_address = seeded_app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "127.0.0.2"
    assert login(other_address, user.email).status_code == 302


def _cookie(client):
    return client.get_cookie("session").value


def test_cookie_captured_before_logout_is_refused_after(seeded_app, make_user):
    user = make_user("lezer")
    client = seeded_app.test_client()
    login(client, user.email)
    captured = _cookie(client)
    assert replay_cookie(seeded_app, captured).status_code == 200
    post_form(client, "/logout", {})
    response = replay_cookie(seeded_app, captured)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_cookie_stops_working_when_the_account_is_deactivated(
    seeded_app, make_user, client_for, roles
):
    user = make_user("bijdrager", party="RIEC", email="riec@example.test")
    client = seeded_app.test_client()
    login(client, user.email)
    captured = _cookie(client)
    admin = client_for("beheerder")
    response = post_form(
        admin,
        f"/beheer/gebruikers/{user.id}",
        {
            "name": user.name,
            "email": user.email,
            "role": "bijdrager",
            "party": "RIEC",
            "municipality": "",
            "version": "1",
        },
    )
    assert response.status_code == 302
    assert replay_cookie(seeded_app, captured).status_code == 302
    assert "user.deactivate" in kinds()


def test_password_change_ends_other_sessions_and_keeps_this_one(seeded_app, make_user):
    user = make_user("lezer")
    laptop, phone = seeded_app.test_client(), seeded_app.test_client()
    login(laptop, user.email)
    login(phone, user.email)
    new = "een nieuw lang wachtwoord"
    response = post_form(
        laptop,
        "/profiel/wachtwoord",
        {"pw-current_password": PASSWORD, "pw-password": new, "pw-password_again": new},
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert login(seeded_app.test_client(), user.email, new).status_code == 302


def test_password_change_needs_the_current_password(seeded_app, make_user):
    client = login_as(seeded_app.test_client(), make_user("lezer"))
    response = post_form(
        client,
        "/profiel/wachtwoord",
        {"pw-current_password": "fout", "pw-password": "x" * 5, "pw-password_again": "y"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "minstens 12 tekens" in page and "De twee wachtwoorden zijn niet gelijk." in page


# Second factor -------------------------------------------------------------------------------


def test_totp_login_and_a_code_is_never_accepted_twice(seeded_app, make_user):
    user = make_user("beheerder", totp_secret=SECRET)
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, 5), tick=False):
        code = pyotp.TOTP(SECRET).now()
        client = seeded_app.test_client()
        assert login(client, user.email).headers["Location"] == "/login/tweede-stap"
        assert client.get("/").status_code == 302  # not logged in yet
        assert post_form(client, "/login/tweede-stap", {"code": code}).headers["Location"] == "/"
        assert client.get("/").status_code == 200

        replay = seeded_app.test_client()
        login(replay, user.email)
        refused = post_form(replay, "/login/tweede-stap", {"code": code})
        assert refused.status_code == 401
        assert "al gebruikt" in refused.get_data(as_text=True)


@pytest.mark.parametrize("day", [datetime(2026, 3, 2, 11, 0, 5), datetime(2026, 7, 1, 10, 30)])
def test_a_totp_code_works_on_a_server_set_to_dutch_time(seeded_app, make_user, day):
    """The authenticator app counts in UTC, whatever time zone the server's clock is set to:
    travelling to a time in Europe/Amsterdam sets the process's zone too, as TZ does on a
    Dutch server (winter and summer time)."""
    user = make_user("beheerder", totp_secret=SECRET)
    with time_machine.travel(day.replace(tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False):
        assert time.tzname[0] == "CET"
        client = seeded_app.test_client()
        login(client, user.email)
        code = pyotp.TOTP(SECRET).now()
        assert post_form(client, "/login/tweede-stap", {"code": code}).headers["Location"] == "/"


def test_recovery_code_works_once(seeded_app, make_user):
    from tracker.accounts.second_step import new_recovery_codes

    user = make_user("bijdrager", party="RIEC", totp_secret=SECRET)
    codes = new_recovery_codes(user)
    db.session.commit()
    client = seeded_app.test_client()
    login(client, user.email)
    assert post_form(client, "/login/tweede-stap", {"code": codes[0].upper()}).status_code == 302
    again = seeded_app.test_client()
    login(again, user.email)
    assert post_form(again, "/login/tweede-stap", {"code": codes[0]}).status_code == 401
    assert db.session.scalar(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None)))


def test_beheerder_without_totp_must_set_it_up_before_getting_in(seeded_app, make_user):
    user = make_user("beheerder")
    client = seeded_app.test_client()
    assert login(client, user.email).headers["Location"] == "/login/tweede-stap/instellen"
    assert client.get("/beheer/gebruikers").status_code == 302


def test_contributor_can_switch_totp_on_and_off(seeded_app, make_user):
    user = make_user("bijdrager", party="RIEC")
    client = login_as(seeded_app.test_client(), user)
    page = client.get("/profiel").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert post_form(client, "/profiel/tweestaps/aan", {"totp-code": "123"}).status_code == 400
    response = post_form(client, "/profiel/tweestaps/aan", {"totp-code": pyotp.TOTP(secret).now()})
    assert "herstelcodes" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.totp_enabled
    assert "Tweestapsverificatie uitzetten" in client.get("/profiel").get_data(as_text=True)
    refused = post_form(client, "/profiel/tweestaps/uit", {"uit-current_code": "000000"})
    assert refused.status_code == 400
    db.session.refresh(user)
    assert user.totp_enabled
    with time_machine.travel(datetime.now() + timedelta(seconds=60)):
        code = pyotp.TOTP(secret).now()
        post_form(client, "/profiel/tweestaps/uit", {"uit-current_code": code})
    db.session.refresh(user)
    assert not user.totp_enabled


# Tokens by e-mail ----------------------------------------------------------------------------


def request_link(client, path: str, email: str):
    """Ask for a reset or login link and wait for the mail, which is sent after the answer."""
    response = post_form(client, path, {"email": email})
    background.wait_idle()
    return response


def _link_from(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+", body).group(0)


@pytest.fixture
def mail_app(seeded_app, smtp_server):
    seeded_app.config.update(smtp_server.config, BASE_URL="https://tracker.example.test")
    seeded_app.extensions["mail"].server = "127.0.0.1"
    seeded_app.extensions["mail"].port = smtp_server.port
    seeded_app.extensions["mail"].suppress = False
    return seeded_app


def test_password_reset_by_email_works_once(mail_app, smtp_server, make_user):
    user = make_user("lezer", email="vergeten@example.test")
    client = mail_app.test_client()
    # The request arrives with a forged Host header; the link must still use BASE_URL.
    evil = "http://evil.example.test"
    page = client.get("/wachtwoord-vergeten", base_url=evil).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = {"email": "Vergeten@example.test", "csrf_token": token}
    assert client.post("/wachtwoord-vergeten", data=data, base_url=evil).status_code == 302
    background.wait_idle()
    ((recipients, message),) = smtp_server.messages
    assert recipients == ["vergeten@example.test"]
    assert message["Subject"] == "Nieuw wachtwoord instellen"
    link = _link_from(message)
    assert link.startswith("https://tracker.example.test/wachtwoord-herstellen/")  # never the Host
    path = link.removeprefix("https://tracker.example.test")

    new = "mijn nieuwe wachtwoordzin"
    assert post_form(client, path, {"password": new, "password_again": new}).status_code == 302
    assert login(mail_app.test_client(), user.email, new).status_code == 302
    assert client.get(path).status_code == 400  # used
    assert "password.reset" in kinds()


def test_reset_for_unknown_address_says_the_same_and_sends_nothing(mail_app, smtp_server):
    response = post_form(
        mail_app.test_client(), "/wachtwoord-vergeten", {"email": "niemand@example.test"}
    )
    assert response.status_code == 302
    background.wait_idle()
    assert smtp_server.messages == []


def test_forged_and_expired_reset_tokens_are_refused(mail_app, smtp_server, make_user):
    make_user("lezer", email="vergeten@example.test")
    client = mail_app.test_client()
    request_link(client, "/wachtwoord-vergeten", "vergeten@example.test")
    path = _link_from(smtp_server.messages[0][1]).removeprefix("https://tracker.example.test")
    forged = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    assert client.get(forged).status_code == 400
    assert client.get("/wachtwoord-herstellen/niets").status_code == 400
    with time_machine.travel(datetime.now() + timedelta(minutes=61)):
        assert client.get(path).status_code == 400
    assert client.get(path).status_code == 200


def test_one_time_login_link(mail_app, smtp_server, make_user):
    user = make_user("bijdrager", party="RIEC", email="zelden@example.test")
    client = mail_app.test_client()
    request_link(client, "/inloglink", user.email)
    path = _link_from(smtp_server.messages[0][1]).removeprefix("https://tracker.example.test")
    assert path.startswith("/inloglink/")
    assert client.get(path).status_code == 200  # a mail scanner's GET spends nothing
    assert client.get(path).status_code == 200
    response = post_form(client, path, {})
    assert response.headers["Location"] == "/"
    assert client.get("/mijn-acties").status_code == 200
    replay = mail_app.test_client()
    assert replay.get(path).status_code == 400
    with time_machine.travel(datetime.now() + timedelta(minutes=31)):
        request_link(mail_app.test_client(), "/inloglink", user.email)
        late = _link_from(smtp_server.messages[1][1]).removeprefix("https://tracker.example.test")
    with time_machine.travel(datetime.now() + timedelta(minutes=62)):
        assert mail_app.test_client().get(late).status_code == 400


def test_login_link_still_requires_the_second_factor(mail_app, smtp_server, make_user):
    user = make_user("beheerder", totp_secret=SECRET, email="beheer@example.test")
    client = mail_app.test_client()
    request_link(client, "/inloglink", user.email)
    path = _link_from(smtp_server.messages[0][1]).removeprefix("https://tracker.example.test")
    assert post_form(client, path, {}).headers["Location"] == "/login/tweede-stap"


def test_without_smtp_mail_is_kept_as_eml_in_the_instance_outbox(seeded_app, make_user):
    make_user("lezer", email="outbox@example.test")
    request_link(seeded_app.test_client(), "/wachtwoord-vergeten", "outbox@example.test")
    files = list(
        (
            seeded_app.instance_path
            and __import__("pathlib").Path(seeded_app.instance_path) / "outbox"
        ).glob("*.eml")
    )
    assert len(files) == 1
    assert "outbox@example.test" in files[0].read_text()


# CSRF, cookies and headers -------------------------------------------------------------------


def test_post_without_csrf_token_is_refused(seeded_app, client_for):
    client = client_for("beheerder")
    response = client.post(
        "/acties/4.1/voortgang", data={"status": "lopend", "text": "x", "version": "1"}
    )
    assert response.status_code == 400
    assert "Formulier verlopen" in response.get_data(as_text=True)
    assert (
        seeded_app.test_client()
        .post("/login", data={"email": "a@b.test", "password": "x"})
        .status_code
        == 400
    )


def test_every_route_that_changes_something_refuses_a_request_without_csrf_token(
    seeded_app, client_for
):
    """All of them, whatever the view: the check runs before the login wall and the view,
    for every method it protects; only the read-only API is exempt."""
    client = client_for("beheerder")
    checked = 0
    for rule in seeded_app.url_map.iter_rules():
        methods = rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if not methods or rule.endpoint.startswith("api."):
            continue
        values = {
            name: min(getattr(converter, "items", None) or [1])  # any(omhoog, omlaag)
            for name, converter in rule._converters.items()
        }
        path = rule.build(values, append_unknown=False)[1]
        for method in methods:
            response = client.open(path, method=method, data={"x": "1"})
            assert response.status_code == 400, (method, path, response.status_code)
            assert "Formulier verlopen" in response.get_data(as_text=True)
            checked += 1
    assert checked > 50
    api_rules = [r for r in seeded_app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    assert api_rules and all(
        not (r.methods & {"POST", "PUT", "PATCH", "DELETE"}) for r in api_rules
    )


def test_session_cookie_flags(seeded_app, make_user):
    user = make_user("lezer")
    client = seeded_app.test_client()
    response = login(client, user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_https_base_url_makes_cookies_secure(make_app):
    assert make_app(BASE_URL="https://tracker.example.test").config["SESSION_COOKIE_SECURE"]


def test_hsts_only_over_https(seeded_app, make_user):
    make_user("lezer")
    client = seeded_app.test_client()
    secure = client.get("/login", base_url="https://tracker.example.test")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in client.get("/login").headers


# API tokens ----------------------------------------------------------------------------------


def test_api_token_created_once_used_and_revoked(seeded_app, make_user):
    user = make_user("lezer")
    client = login_as(seeded_app.test_client(), user)
    page = post_form(client, "/profiel/tokens", {"token-name": "Rapportage-script"}).get_data(
        as_text=True
    )
    plain = re.search(r'<code class="secret">(amt_[^<]+)</code>', page).group(1)
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash != plain and plain not in stored.token_hash
    assert plain not in client.get("/profiel").get_data(as_text=True)  # shown once

    api = seeded_app.test_client()
    assert api.get("/api/v1/actions").status_code == 401
    headers = {"Authorization": f"Bearer {plain}"}
    assert api.get("/api/v1/actions", headers=headers).status_code == 200
    assert api.get("/", headers=headers).status_code == 302  # tokens are for the API only
    assert (
        api.get("/api/v1/actions", headers={"Authorization": "Bearer amt_fout"}).status_code == 401
    )

    post_form(
        client,
        f"/profiel/tokens/{stored.id}/intrekken",
        {},
    )
    assert api.get("/api/v1/actions", headers=headers).status_code == 401
    assert "api_token.revoke" in kinds()


# User management and CLI --------------------------------------------------------------------


def test_beheerder_creates_an_account_and_the_person_gets_an_invitation(
    mail_app, smtp_server, client_for
):
    admin = client_for("beheerder")
    data = {
        "name": "Alex Aandacht",
        "email": "Alex@Schiedam.test",
        "role": "bijdrager",
        "party": "AF",
        "municipality": "schiedam",
        "is_enabled": "y",
    }
    assert post_form(admin, "/beheer/gebruikers/nieuw", data).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "alex@schiedam.test"))
    assert user.party.code == "AF" and user.municipality.code == "schiedam"
    link = _link_from(smtp_server.messages[0][1])
    assert "/wachtwoord-herstellen/" in link

    again = post_form(admin, "/beheer/gebruikers/nieuw", {**data, "email": "ALEX@schiedam.test"})
    assert again.status_code == 400
    assert "Er bestaat al een account met dit e-mailadres." in again.get_data(as_text=True)
    no_party = post_form(
        admin,
        "/beheer/gebruikers/nieuw",
        {**data, "email": "x@example.test", "party": "", "municipality": ""},
    )
    assert "hoort bij een partij of een gemeente" in no_party.get_data(as_text=True)


def _account_form(user, **changes) -> dict:
    """The account form as the page shows it for ``user``, with ``changes``."""
    shown = {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "party": user.party.code if user.party else "",
        "municipality": user.municipality.code if user.municipality else "",
        "version": str(user.version),
    }
    if user.is_enabled:
        shown["is_enabled"] = "y"
    return shown | changes


def test_an_account_form_opened_before_a_colleagues_save_does_not_undo_it(
    client_for, roles, make_user
):
    """One beheerder switches an account off; another, whose form was opened before that,
    corrects the name: refused with what was typed kept, the account stays off (the stale
    form still said "Actief"). Opened again, the form saves."""
    person = make_user("bijdrager", party="RIEC", name="Robin Vertrekt")
    ours, theirs = client_for("beheerder"), client_for("beheerder")
    path = f"/beheer/gebruikers/{person.id}"
    shown = _account_form(person)
    assert 'name="version" type="hidden" value="1"' in ours.get(path).get_data(as_text=True)
    off = {k: v for k, v in shown.items() if k != "is_enabled"} | {"successor": "-"}
    assert post_form(theirs, path, off).status_code == 302

    stale = post_form(ours, path, shown | {"name": "Robin Vertrekt-Jansen"})
    assert stale.status_code == 409
    assert "Iemand anders heeft dit account gewijzigd" in text_of(stale)
    assert 'value="Robin Vertrekt-Jansen"' in stale.get_data(as_text=True)
    db.session.expire_all()
    assert (person.name, person.is_enabled, person.version) == ("Robin Vertrekt", False, 2)

    reopened = ours.get(path).get_data(as_text=True)
    assert 'name="version" type="hidden" value="2"' in reopened
    again = _account_form(person, name="Robin Vertrekt-Jansen")
    assert post_form(ours, path, again).status_code == 302
    db.session.expire_all()
    assert (person.name, person.is_enabled, person.version) == ("Robin Vertrekt-Jansen", False, 3)
    # A form that is not this page's (no version) is refused outright.
    assert post_form(ours, path, {**again, "version": ""}).status_code == 400


def test_the_clis_deactivation_moves_the_accounts_version(runner, client_for, make_user):
    person = make_user("bijdrager", party="RIEC", email="weg@example.test")
    shown = _account_form(person)
    assert runner.invoke(args=["users", "deactivate", "weg@example.test"]).exit_code == 0
    response = post_form(client_for("beheerder"), f"/beheer/gebruikers/{person.id}", shown)
    assert response.status_code == 409
    db.session.expire_all()
    assert not person.is_enabled


def test_beheerder_cannot_remove_own_role(client_for, roles):
    admin = client_for("beheerder")
    me = roles["beheerder"]
    response = post_form(
        admin,
        f"/beheer/gebruikers/{me.id}",
        {
            "name": me.name,
            "email": me.email,
            "role": "lezer",
            "party": "VAR",
            "municipality": "",
            "is_enabled": "y",
            "version": "1",
        },
    )
    assert response.status_code == 400


def test_users_cli(runner, seeded_app):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Cli@Example.test",
            "--name",
            "Cli Gebruiker",
            "--role",
            "bijdrager",
            "--party",
            "RIEC",
            "--password",
            "een lang genoeg wachtwoord",
        ]
    )
    assert result.exit_code == 0, result.output
    assert (
        "cli@example.test\tCli Gebruiker\tbijdrager\tRIEC\tactief"
        in runner.invoke(args=["users", "list"]).output
    )
    assert (
        runner.invoke(
            args=[
                "users",
                "create",
                "--email",
                "cli@example.test",
                "--name",
                "x",
                "--role",
                "lezer",
                "--password",
                "een lang genoeg wachtwoord",
            ]
        ).exit_code
        == 1
    )
    assert (
        runner.invoke(
            args=[
                "users",
                "create",
                "--email",
                "y@example.test",
                "--name",
                "y",
                "--role",
                "lezer",
                "--password",
                "kort",
            ]
        ).exit_code
        == 1
    )
    assert runner.invoke(args=["users", "deactivate", "cli@example.test"]).exit_code == 0
    assert "uitgeschakeld" in runner.invoke(args=["users", "list"]).output


def test_users_cli_checks_everything_before_asking_the_password(runner, seeded_app):
    bad = runner.invoke(
        args=["users", "create", "--email", "not-an-email", "--name", "X", "--role", "lezer"],
        input="",
    )
    assert bad.exit_code != 0
    assert "Vul een geldig e-mailadres in" in bad.output
    assert "Wachtwoord" not in bad.output  # refused before the prompt
    unknown = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "a@x.test",
            "--name",
            "A",
            "--role",
            "bijdrager",
            "--party",
            "ONBEKEND",
        ],
    )
    assert "Onbekende partij 'ONBEKEND'. Kies uit:" in unknown.output and "RIEC" in unknown.output
    af_without = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "af@x.test",
            "--name",
            "A",
            "--role",
            "bijdrager",
            "--party",
            "af",
        ],
    )
    assert "Een aandachtsfunctionaris hoort bij een gemeente" in af_without.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_users_cli_finds_parties_and_municipalities_by_name_in_any_case(runner, seeded_app):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "af@capelle.test",
            "--name",
            "Alex Aandacht",
            "--role",
            "bijdrager",
            "--party",
            "af",
            "--municipality",
            "capelle aan den ijssel",
        ],
        input="een lang wachtwoord\neen lang wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.party.code == "AF" and user.municipality.name == "Capelle aan den IJssel"


def test_beheerder_form_uses_the_same_rules(client_for):
    response = post_form(
        client_for("beheerder"),
        "/beheer/gebruikers/nieuw",
        {
            "name": "Alex",
            "email": "alex@x.test",
            "role": "bijdrager",
            "party": "AF",
            "municipality": "",
            "is_enabled": "y",
        },
    )
    assert response.status_code == 400
    assert "Een aandachtsfunctionaris hoort bij een gemeente" in response.get_data(as_text=True)
