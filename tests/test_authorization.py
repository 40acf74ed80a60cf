"""The authorisation matrix: every route and method, for every kind of user.

Outcomes: ``login`` (anonymous, sent to the login page; 401 JSON on the API), ``403``,
``404``, or ``ok`` (the page, or the redirect that follows a successful save).
CSRF is switched off here so that only authorisation is tested; test_accounts checks CSRF.
"""

import re
from datetime import timedelta

import pytest

from tracker.accounts.models import ApiToken
from tracker.dates import utcnow
from tracker.extensions import db

from .helpers import frozen_report

ROLES = [
    None,
    "lezer",
    "bijdrager_eigen",
    "bijdrager_ander",
    "af_schiedam",
    "af_vlaardingen",
    "beheerder",
]

EVERYONE = {role: "ok" for role in ROLES[1:]} | {None: "login"}
ADMIN_ONLY = {role: "403" for role in ROLES[1:]} | {None: "login", "beheerder": "ok"}
ADMIN_EMPTY_FORM = ADMIN_ONLY | {"beheerder": "400"}
PAST_AGENDA = ADMIN_ONLY | {"beheerder": "409"}


def only(*allowed):
    return {role: ("ok" if role in allowed else "403") for role in ROLES[1:]} | {None: "login"}


UPDATE = {
    "status": "lopend",
    "signal": "op_koers",
    "text": "Gestart met de voorbereiding.",
    "version": "1",
}
CELL = {"status": "lopend", "note": "Gesprek gepland.", "version": "0"}
YEAR = {"status": "lopend", "note": "Werkgroep gestart.", "version": "0"}
REVISION = {
    "text": "Uitwerken voorstel (herzien).",
    "planning": "2025",
    "owners_text": "RIEC",
    "owners-0-party": "RIEC",
    "lead": "0",
    "reason": "Besluit Regionale Tafel.",
    "version": "1",
}
NEW_ACTION = {**REVISION, "theme": "4", "number": "9"}
BULK_UPDATE = {
    "rows-0-code": "4.1",
    "rows-0-version": "1",
    "rows-0-status": "lopend",
    "rows-0-signal": "",
    "rows-0-text": "Gestart met de voorbereiding.",
    "rows-0-shown_status": "niet_gestart",
    "rows-0-shown_signal": "",
}
NOT_FOR_READERS = EVERYONE | {"lezer": "403"}
#: The municipality's form with one changed row: 2.4 this year, not stored before.
MUNICIPAL = {
    "return_to": "gemeente",
    "cells-0-code": "2.4",
    "cells-0-version": "0",
    "cells-0-status": "lopend",
    "cells-0-note": "Gesprek gepland.",
    "cells-0-shown_status": "niet_gestart",
    "cells-0-shown_note": "",
}
MEETING = {
    "start": "14:00",
    "end": "16:00",
    "location": "Rotterdam",
    "agenda": "x",
}
NEW_USER = {
    "name": "Nieuwe Collega",
    "email": "nieuw@example.test",
    "role": "lezer",
    "party": "",
    "municipality": "",
    "is_enabled": "y",
}
PASSWORD = {
    "pw-current_password": "correct horse battery staple",
    "pw-password": "een heel nieuw wachtwoord",
    "pw-password_again": "een heel nieuw wachtwoord",
}

CASES = [
    ("GET", "/", None, EVERYONE),
    ("GET", "/themas/1", None, EVERYONE),
    ("GET", "/acties", None, EVERYONE),
    ("GET", "/acties/4.1", None, EVERYONE),
    ("GET", "/mijn-acties", None, EVERYONE),
    ("GET", "/profiel", None, EVERYONE),
    ("GET", "/api/v1/themes", None, EVERYONE | {None: "401"}),
    ("GET", "/api/v1/actions", None, EVERYONE | {None: "401"}),
    ("GET", "/api/v1/actions/4.1", None, EVERYONE | {None: "401"}),
    ("GET", "/api/v1/openapi.json", None, EVERYONE | {None: "401"}),
    ("POST", "/acties/4.1/voortgang", UPDATE, only("bijdrager_eigen", "beheerder")),
    # Every municipality carries out 3.6: its regional status is the secretary's alone.
    ("POST", "/acties/3.6/voortgang", UPDATE, only("beheerder")),
    # 2.3 is carried by all aandachtsfunctionarissen: one of them does not set its status.
    ("POST", "/acties/2.3/voortgang", UPDATE, only("beheerder")),
    # 3.15's owner "Regionale werkgroep" is linked to RIEC (``_owner_link``): RIEC reports.
    ("GET", "/acties/3.15/jaren/2025", None, only("bijdrager_eigen", "beheerder")),
    ("POST", "/acties/3.15/jaren/2025", YEAR, only("bijdrager_eigen", "beheerder")),
    ("GET", "/acties/3.15/jaren/2031", None, {r: "404" for r in ROLES[1:]} | {None: "login"}),
    ("GET", "/acties/4.1/jaren/2025", None, {r: "404" for r in ROLES[1:]} | {None: "login"}),
    ("GET", "/plannen", None, EVERYONE),
    ("GET", "/plannen/nieuw", None, ADMIN_ONLY),
    ("POST", "/plannen/nieuw", {}, ADMIN_EMPTY_FORM),
    ("POST", "/plannen/rotterdam-2024-2026/vaststellen", {}, ADMIN_ONLY),
    # An adopted plan keeps its words; a draft's edit page is test_plan_drafts'.
    ("GET", "/plannen/rotterdam-2024-2026/wijzigen", None, ADMIN_ONLY | {"beheerder": "404"}),
    ("POST", "/plannen/rotterdam-2024-2026/wijzigen", {}, ADMIN_ONLY | {"beheerder": "404"}),
    ("GET", "/acties?plan=onbekend", None, {r: "404" for r in ROLES[1:]} | {None: "login"}),
    ("GET", "/beheer/eigenaren", None, ADMIN_ONLY),
    ("POST", "/beheer/eigenaren/{free_owner_id}/koppelen", {"person": ""}, ADMIN_EMPTY_FORM),
    ("POST", "/beheer/koppelingen/{link_id}/verwijderen", {}, ADMIN_ONLY),
    ("GET", "/beheer/partijen", None, ADMIN_ONLY),
    ("POST", "/beheer/partijen?partij=RIEC", {"RIEC-contact": "", "RIEC-shown": ":"}, ADMIN_ONLY),
    ("POST", "/acties/2.12/voortgang", UPDATE, only("beheerder")),
    ("GET", "/acties/2.4/gemeenten", None, EVERYONE),
    ("GET", "/gemeenten", None, EVERYONE),
    ("GET", "/gemeenten/schiedam", None, EVERYONE),
    ("GET", "/gemeenten/schiedam.pdf", None, EVERYONE),
    ("GET", "/gemeenten/atlantis", None, {r: "404" for r in ROLES[1:]} | {None: "login"}),
    # A municipality's own people and the beheerder; not another municipality's.
    ("POST", "/gemeenten/schiedam", MUNICIPAL, only("af_schiedam", "beheerder")),
    ("POST", "/gemeenten/vlaardingen", MUNICIPAL, only("af_vlaardingen", "beheerder")),
    ("GET", "/voortgang", None, NOT_FOR_READERS),
    ("GET", "/voortgang?thema=4", None, NOT_FOR_READERS),
    ("POST", "/voortgang", {}, NOT_FOR_READERS),
    ("POST", "/voortgang?thema=4", BULK_UPDATE, only("bijdrager_eigen", "beheerder")),
    ("GET", "/voortgang?thema=9", None, {r: "404" for r in ROLES[1:]} | {None: "login"}),
    ("GET", "/hulp", None, EVERYONE),
    ("GET", "/kerncijfers", None, EVERYONE),
    ("GET", "/kerncijfers?thema=4", None, EVERYONE),
    ("GET", "/api/v1/indicators", None, EVERYONE | {None: "401"}),
    ("GET", "/api/v1/meetings", None, EVERYONE | {None: "401"}),
    ("GET", "/api/v1/meetings/{meeting_id}", None, EVERYONE | {None: "401"}),
    ("GET", "/kerncijfers/nieuw", None, ADMIN_ONLY),
    ("GET", "/kerncijfers/politie-aangiftes/doel", None, ADMIN_ONLY),
    ("POST", "/kerncijfers/politie-aangiftes/doel", {"direction": "meer"}, ADMIN_ONLY),
    ("POST", "/kerncijfers/nieuw", {}, ADMIN_EMPTY_FORM),
    ("POST", "/kerncijfers/rapportage", {"in_report": "riec-casussen"}, ADMIN_ONLY),
    ("GET", "/kerncijfers/sjabloon.xlsx", None, ADMIN_ONLY),
    ("GET", "/kerncijfers/upload", None, ADMIN_ONLY),
    ("POST", "/kerncijfers/upload", {}, ADMIN_EMPTY_FORM),
    ("POST", "/kerncijfers/upload/onbekendtoken123", {}, ADMIN_ONLY | {"beheerder": "404"}),
    ("GET", "/acties/2.4/gemeenten/schiedam/2025", None, only("af_schiedam", "beheerder")),
    ("POST", "/acties/2.4/gemeenten/schiedam/2025", CELL, only("af_schiedam", "beheerder")),
    ("POST", "/acties/2.4/gemeenten/vlaardingen/2025", CELL, only("af_vlaardingen", "beheerder")),
    ("GET", "/acties/4.1/herzien", None, ADMIN_ONLY),
    ("POST", "/acties/4.1/herzien", REVISION, ADMIN_ONLY),
    ("POST", "/acties/4.1/vervallen", {"reason": "Opgegaan in 4.2.", "version": "1"}, ADMIN_ONLY),
    ("GET", "/acties/nieuw", None, ADMIN_ONLY),
    ("POST", "/acties/nieuw", NEW_ACTION, ADMIN_ONLY),
    ("GET", "/beheer/gebruikers", None, ADMIN_ONLY),
    ("GET", "/beheer/gebruikers/nieuw", None, ADMIN_ONLY),
    ("POST", "/beheer/gebruikers/nieuw", NEW_USER, ADMIN_ONLY),
    ("GET", "/beheer/gebruikers/{lezer_id}", None, ADMIN_ONLY),
    (
        "POST",
        "/beheer/gebruikers/{lezer_id}",
        {**NEW_USER, "email": "lezer1@example.test", "version": "1"},
        ADMIN_ONLY,
    ),
    ("GET", "/beheer/audit", None, ADMIN_ONLY),
    ("POST", "/profiel/wachtwoord", PASSWORD, EVERYONE),
    ("POST", "/profiel/tokens", {"token-name": "rapportagescript"}, EVERYONE),
    (
        "POST",
        "/profiel/tokens/{lezer_token_id}/intrekken",
        {},
        {r: "404" for r in ROLES[1:]} | {None: "login", "lezer": "ok"},
    ),
    ("GET", "/vergaderingen", None, EVERYONE),
    ("GET", "/vergaderingen/{meeting_id}", None, EVERYONE),
    ("GET", "/vergaderingen/{meeting_id}.ics", None, EVERYONE),
    ("GET", "/vergaderingen/overlegvormen", None, EVERYONE),
    ("GET", "/vergaderingen/nieuw", None, ADMIN_ONLY),
    ("POST", "/vergaderingen/nieuw", MEETING, ADMIN_ONLY),
    ("GET", "/vergaderingen/{meeting_id}/bewerken", None, ADMIN_ONLY),
    ("POST", "/vergaderingen/{meeting_id}/bewerken", MEETING, ADMIN_ONLY),
    ("POST", "/vergaderingen/{meeting_id}/annuleren", {"reason": "x"}, ADMIN_ONLY),
    ("POST", "/vergaderingen/{meeting_id}/uitkomsten", {"kind": "besluit"}, ADMIN_ONLY),
    # The RVO does not count attendance per municipality: nothing to tick there.
    ("POST", "/vergaderingen/{meeting_id}/aanwezigheid", {}, ADMIN_ONLY | {"beheerder": "404"}),
    # An actiepunt of RIEC: the beheerder and RIEC's own people mark it done.
    ("POST", "/actiepunten/{outcome_id}/afgerond", {}, only("beheerder", "bijdrager_eigen")),
    ("POST", "/uitkomsten/{outcome_id}/verwijderen", {}, ADMIN_ONLY),
    # The matrix meeting is past: its agenda can no longer change (409 for the beheerder).
    ("POST", "/vergaderingen/{meeting_id}/agenda", {"title": "x"}, PAST_AGENDA),
    ("POST", "/vergaderingen/{meeting_id}/agenda/voorstellen", {}, PAST_AGENDA),
    ("POST", "/vergaderingen/{meeting_id}/agenda/publiceren", {}, PAST_AGENDA),
    ("POST", "/agendapunten/{item_id}/omhoog", {}, PAST_AGENDA),
    ("POST", "/agendapunten/{item_id}/omlaag", {}, PAST_AGENDA),
    ("POST", "/agendapunten/{item_id}/verwijderen", {}, PAST_AGENDA),
    ("GET", "/agendapunten/{item_id}/wijzigen", None, PAST_AGENDA),
    ("POST", "/agendapunten/{item_id}/wijzigen", {"title": "x"}, PAST_AGENDA),
    # Its agenda was never published: the pack is the beheerder's.
    (
        "GET",
        "/vergaderingen/{meeting_id}/stukken.pdf",
        None,
        {role: "404" for role in ROLES[1:]} | {None: "login", "beheerder": "ok"},
    ),
    ("GET", "/vergaderingen/{meeting_id}/verzoek", None, ADMIN_ONLY),
    ("POST", "/vergaderingen/{meeting_id}/verzoek", {}, ADMIN_ONLY),
    ("POST", "/vergaderingen/{meeting_id}/gehouden", {"minutes": "x"}, ADMIN_ONLY),
    ("GET", "/vergaderingen/importeren", None, ADMIN_ONLY),
    ("GET", "/vergaderingen/overlegvormen/nieuw", None, ADMIN_ONLY),
    ("GET", "/vergaderingen/overlegvormen/{series_id}", None, ADMIN_ONLY),
    ("GET", "/beheer/berichten", None, ADMIN_ONLY),
    ("GET", "/beheer/berichten/{notification_id}", None, ADMIN_ONLY),
    ("POST", "/beheer/berichten/{notification_id}/opnieuw", {}, ADMIN_ONLY),
    ("POST", "/profiel/berichten", {"prefs-herinnering": "y"}, EVERYONE),
    ("POST", "/profiel/agenda/nieuw", {}, EVERYONE),
    ("GET", "/agenda/{lezer_feed}.ics", None, {role: "ok" for role in ROLES}),
    ("GET", "/agenda/ongeldig.ics", None, {role: "404" for role in ROLES}),
    ("GET", "/agenda/{lezer_feed}/{series_code}.ics", None, {role: "ok" for role in ROLES}),
    ("GET", "/agenda/ongeldig/{series_code}.ics", None, {role: "404" for role in ROLES}),
    # Beheerders only; an empty form is refused with 400 (and nothing saved).
    ("POST", "/vergaderingen/importeren", {}, ADMIN_EMPTY_FORM),
    ("POST", "/vergaderingen/overlegvormen/nieuw", {}, ADMIN_EMPTY_FORM),
    ("POST", "/vergaderingen/overlegvormen/{series_id}", {}, ADMIN_EMPTY_FORM),
    ("GET", "/beheer/privacy", None, ADMIN_ONLY),
    ("POST", "/beheer/privacy/bevestigingen/{confirmation_id}/gezien", {}, ADMIN_ONLY),
    ("GET", "/healthz", None, {role: "ok" for role in ROLES}),
    ("GET", "/beheer/afschermen/agenda/{meeting_id}", None, ADMIN_ONLY),
    ("POST", "/beheer/afschermen/agenda/{meeting_id}", {}, ADMIN_EMPTY_FORM),
    ("GET", "/beheer/afschermen/onbekend/{meeting_id}", None, ADMIN_ONLY | {"beheerder": "404"}),
    ("GET", "/rapportage", None, EVERYONE),
    ("GET", "/rapportage.pdf", None, EVERYONE),
    ("GET", "/rapportage/volledig.pdf", None, EVERYONE),
    ("GET", "/rapportage.docx", None, EVERYONE),
    ("GET", "/rapportage/bijlage-1.pdf", None, EVERYONE),
    # The helper's snapshot holds no themes: every annex of it is unknown.
    (
        "GET",
        "/rapportages/{snapshot_id}/bijlage-1.pdf",
        None,
        {r: "404" for r in ROLES[1:]} | {None: "login"},
    ),
    ("GET", "/rapportage/tekst", None, ADMIN_ONLY),
    ("POST", "/rapportage/tekst", {"version": "0", "asks": "Instemmen met het plan."}, ADMIN_ONLY),
    ("GET", "/export.xlsx", None, EVERYONE),
    ("GET", "/export.csv", None, EVERYONE),
    ("GET", "/export/upload", None, EVERYONE),
    ("GET", "/rapportages", None, EVERYONE),
    ("POST", "/rapportages", {"peildatum": "2025-06-30"}, EVERYONE),
    ("GET", "/rapportages/{snapshot_id}", None, EVERYONE),
    ("GET", "/rapportages/{snapshot_id}.pdf", None, EVERYONE),
    ("GET", "/rapportages/vergelijk?a={snapshot_id}&b={snapshot_id}", None, EVERYONE),
    ("POST", "/rapportages/{snapshot_id}/verwijderen", {}, ADMIN_ONLY),
    ("POST", "/export/upload", {}, {r: "400" for r in ROLES[1:]} | {None: "login"}),
    (
        "POST",
        "/export/upload/onbekendtoken123",
        {},
        {r: "404" for r in ROLES[1:]} | {None: "login"},
    ),
    (
        "POST",
        "/profiel/tweestaps/aan",
        {"totp-code": "000000"},
        {r: "400" for r in ROLES[1:]} | {None: "login"},
    ),
    # Without a second factor there is nothing to switch off or replace; a beheerder is told
    # it is compulsory.
    (
        "POST",
        "/profiel/tweestaps/uit",
        {},
        {r: "400" for r in ROLES[1:]} | {None: "login", "beheerder": "ok"},
    ),
    ("POST", "/profiel/tweestaps/vervangen", {}, {r: "400" for r in ROLES[1:]} | {None: "login"}),
    ("POST", "/profiel/herstelcodes", {}, {r: "400" for r in ROLES[1:]} | {None: "login"}),
    ("GET", "/evaluatie", None, EVERYONE),
    ("GET", "/evaluatie/rotterdam-2024-2026", None, EVERYONE),
    ("GET", "/evaluatie/onbekend", None, {r: "404" for r in ROLES[1:]} | {None: "login"}),
    ("POST", "/evaluatie/rotterdam-2024-2026/ronde", {"deadline": ""}, ADMIN_EMPTY_FORM),
    ("POST", "/evaluatie/rotterdam-2024-2026/nieuw-plan", {}, ADMIN_ONLY | {"beheerder": "404"}),
    # No round opened yet: nothing to evaluate or report on.
    (
        "GET",
        "/evaluatie/rotterdam-2024-2026/acties/4.1",
        None,
        {r: "404" for r in ROLES[1:]} | {None: "login"},
    ),
    (
        "POST",
        "/evaluatie/rotterdam-2024-2026/acties/4.1",
        {},
        {r: "404" for r in ROLES[1:]} | {None: "login"},
    ),
    (
        "GET",
        "/evaluatie/rotterdam-2024-2026/rapport.pdf",
        None,
        {r: "404" for r in ROLES[1:]} | {None: "login"},
    ),
    (
        "GET",
        "/evaluatie/rotterdam-2024-2026/rapport.docx",
        None,
        {r: "404" for r in ROLES[1:]} | {None: "login"},
    ),
    ("GET", "/knelpunten", None, EVERYONE),
    ("GET", "/knelpunten/nieuw", None, EVERYONE | {"lezer": "403"}),
    (
        "POST",
        "/knelpunten/nieuw",
        {},
        {r: "400" for r in ROLES[1:]} | {None: "login", "lezer": "403"},
    ),
    ("GET", "/knelpunten/999999", None, {r: "404" for r in ROLES[1:]} | {None: "login"}),
    # Closed until a beheerder opens it: 404 for everyone, logged in or not.
    ("GET", "/openbaar", None, {role: "404" for role in ROLES}),
    ("GET", "/openbaar.json", None, {role: "404" for role in ROLES}),
    ("GET", "/openbaar.csv", None, {role: "404" for role in ROLES}),
    ("GET", "/openbaar/gemeenten/schiedam", None, {role: "404" for role in ROLES}),
    ("GET", "/beheer/openbaar", None, ADMIN_ONLY),
    ("POST", "/beheer/openbaar", {}, ADMIN_EMPTY_FORM),
    ("GET", "/beheer/openbaar/voorbeeld", None, ADMIN_ONLY),
    # RIEC owns 4.1: its people propose its public line (an empty form is refused).
    (
        "POST",
        "/acties/4.1/openbaar",
        {},
        only("bijdrager_eigen", "beheerder") | {"bijdrager_eigen": "400", "beheerder": "400"},
    ),
    ("POST", "/logout", {}, EVERYONE),
    ("GET", "/setup", None, {role: "404" for role in ROLES}),
]


def _outcome(response) -> str:
    if response.status_code in (301, 302, 303):
        # The login wall always says where the user was going (next=); logout does not.
        return "login" if "/login?next=" in response.headers["Location"] else "ok"
    if response.status_code == 200:
        return "ok"
    return str(response.status_code)


#: Its dates are fixed in the past (the meeting to mark held, 2025) or counted from today
#: (the meeting to plan): the run with the clock moved proves nothing more about who may do
#: what, and this matrix is two thirds of the suite.
@pytest.mark.clock_free
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anoniem")
@pytest.mark.parametrize(
    ("method", "path", "data", "expected"), CASES, ids=lambda c: c if isinstance(c, str) else None
)
def test_authorisation(seeded_app, roles, client_for, role, method, path, data, expected):
    seeded_app.config["WTF_CSRF_ENABLED"] = False
    token = ApiToken(
        user_id=roles["lezer"].id, name="van de lezer", token_hash="x" * 64, prefix="amt_x"
    )
    db.session.add(token)
    db.session.commit()
    meeting, notification = _meeting_with_notification(roles)
    free_owner, link = _owner_link()
    path = path.format(
        free_owner_id=free_owner.id,
        link_id=link.id,
        outcome_id=_follow_up(meeting).id,
        item_id=_agenda_item(meeting).id,
        lezer_id=roles["lezer"].id,
        lezer_token_id=token.id,
        meeting_id=meeting.id,
        series_id=meeting.series_id,
        notification_id=notification.id,
        lezer_feed=roles["lezer"].calendar_token,
        series_code=meeting.series.code,
        snapshot_id=frozen_report().id,
        confirmation_id=_confirmation(roles).id,
    )
    if data is MEETING:  # planned two months ahead of whatever the clock says
        day = (utcnow().date() + timedelta(days=60)).isoformat()
        data = {**data, "series": str(meeting.series_id), "day": day}
    client = client_for(role)
    response = client.open(path, method=method, data=data)
    assert _outcome(response) == expected[role], response.get_data(as_text=True)[:500]


def _meeting_with_notification(roles):
    """A planned RVO meeting (in the past, so it can be marked held) and a failed e-mail."""
    from datetime import datetime

    from sqlalchemy import select

    from tracker.meetings.models import Meeting, MeetingSeries
    from tracker.notifications.models import Notification

    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "rvo"))
    meeting = Meeting(
        series=series, starts_at=datetime(2025, 1, 10, 9), ends_at=datetime(2025, 1, 10, 11)
    )
    db.session.add(meeting)
    db.session.flush()
    notification = Notification(
        kind="herinnering",
        recipient_id=roles["lezer"].id,
        meeting_id=meeting.id,
        offset_days=2,
        dedupe_key=f"herinnering:{meeting.id}:{roles['lezer'].id}:2",
        due_at=datetime(2025, 1, 8, 8),
        state="mislukt",
    )
    db.session.add(notification)
    db.session.commit()
    return meeting, notification


def _confirmation(roles):
    """A name someone confirmed as no case, waiting for a beheerder's look."""
    from tracker.privacy.models import PrivacyConfirmation

    confirmation = PrivacyConfirmation(
        confirmed_by_id=roles["bijdrager_eigen"].id,
        field="Tekst",
        text_digest="0" * 64,
        who="collega",
    )
    db.session.add(confirmation)
    db.session.commit()
    return confirmation


def _owner_link():
    """3.15's free-text owner "Regionale werkgroep", linked to RIEC."""
    from sqlalchemy import select

    from tracker.plan.models import ActionOwner, OwnerLink, Party

    owner = db.session.scalar(select(ActionOwner).where(ActionOwner.label == "Regionale werkgroep"))
    riec = db.session.scalar(select(Party).where(Party.code == "RIEC"))
    link = OwnerLink(owner=owner, party=riec)
    db.session.add(link)
    db.session.commit()
    return owner, link


def _follow_up(meeting):
    from datetime import date

    from sqlalchemy import select

    from tracker.meetings.models import MeetingOutcome
    from tracker.plan.models import Party

    riec = db.session.scalar(select(Party).where(Party.code == "RIEC"))
    outcome = MeetingOutcome(
        meeting=meeting,
        kind="actiepunt",
        text="Voorstel uitwerken.",
        party=riec,
        due_on=date(2025, 3, 1),
    )
    db.session.add(outcome)
    db.session.commit()
    return outcome


def _agenda_item(meeting):
    from tracker.meetings.models import AgendaItem

    item = AgendaItem(meeting=meeting, position=1, title="Opening")
    db.session.add(item)
    db.session.commit()
    return item


def _rule_pattern(rule) -> re.Pattern:
    return re.compile("^" + re.sub(r"<[^>]+>", r"[^/]+", rule.rule) + "$")


def test_every_route_has_a_row_in_the_matrix(seeded_app):
    """Generated from the URL map: a route without a row above fails here. The public pages
    of logging in (``PUBLIC_ENDPOINTS``, tested in test_accounts) need no row."""
    from tracker.accounts.auth import PUBLIC_ENDPOINTS

    paths = [(method, re.sub(r"\{[^}]+\}", "1", path).split("?")[0]) for method, path, *_ in CASES]
    missing = []
    for rule in seeded_app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS - {"meetings.personal_feed", "meetings.series_feed"}:
            continue
        pattern = _rule_pattern(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if not any(m == method and pattern.match(p) for m, p in paths):
                missing.append(f"{method} {rule.rule}")
    assert missing == []
