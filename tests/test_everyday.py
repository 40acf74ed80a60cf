"""Everyday use (issue 11): the bulk progress page, the compact action list, the overview's
signals, plain Dutch for non-beheerders, the owners editor, links without BASE_URL and the
validation gaps that used to lose or mislead."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.audit.models import KIND_LABELS, AuditEvent
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.meetings.models import Meeting
from tracker.progress.models import MunicipalityProgress, ProgressUpdate
from tracker.urls import DEVELOPMENT_BASE_URL, external_url, warn_without_base_url

from .helpers import action, owner_fields, post_form, text_of

RIEC_THEME_4 = ["4.1", "4.2", "4.3", "4.4", "4.6", "4.7"]


def bulk_rows(client, path="/voortgang?thema=4") -> dict:
    """The bulk form as the browser would send it untouched: {code: {field: value}}."""
    html = client.get(path).get_data(as_text=True)
    rows = {}
    for index, code in re.findall(r'name="rows-(\d+)-code" type="hidden" value="([\d.]+)"', html):
        fields = {}
        for name in ("code", "version", "shown_status", "shown_signal"):
            value = re.search(rf'name="rows-{index}-{name}" type="hidden" value="([^"]*)"', html)
            fields[name] = value.group(1)
        fields |= {"status": fields["shown_status"], "signal": fields["shown_signal"], "text": ""}
        rows[code] = (index, fields)
    return rows


def as_form(rows: dict, **changes) -> dict:
    data = {}
    for code, (index, fields) in rows.items():
        for name, value in (fields | changes.get(code.replace(".", "_"), {})).items():
            data[f"rows-{index}-{name}"] = value
    return data


# The bulk progress page ------------------------------------------------------------------------


def test_bulk_page_lists_what_the_user_may_report_on(client_for):
    assert sorted(bulk_rows(client_for("bijdrager_eigen"))) == RIEC_THEME_4
    assert len(bulk_rows(client_for("beheerder"))) == 8  # a beheerder: the whole theme
    mine = bulk_rows(client_for("af_schiedam"), "/voortgang")
    assert {"3.9", "3.13"} <= set(mine)  # the AF party's own actions
    # Those every municipality carries out too: her text (the status is not hers to set).
    assert {"3.6", "2.4"} <= set(mine)


def test_bulk_save_records_changed_rows_only_in_one_go(client_for):
    client = client_for("bijdrager_eigen")
    rows = bulk_rows(client)
    data = as_form(
        rows,
        **{
            "4_1": {"status": "lopend", "text": "Voorstel in concept klaar."},
            "4_3": {"signal": "aandacht", "text": "Wacht op de gemeenten."},
        },
    )
    response = post_form(client, "/voortgang?thema=4", data)
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "Voortgang opgeslagen voor 2 acties: 4.1, 4.3." in page
    assert action("4.1").status == "lopend" and action("4.3").signal == "aandacht"
    assert action("4.2").last_update_at is None  # untouched: not saved
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 2
    kinds = db.session.scalars(select(AuditEvent.kind)).all()
    assert kinds.count("progress.update") == 2


def as_sent(html: str) -> dict:
    """The bulk form as the browser sends the page it got back: hidden fields, text areas
    and the checked choices."""
    data = {}
    for tag in re.findall(r'<input[^>]*type="hidden"[^>]*>', html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and value and name.group(1).startswith("rows-"):
            data[name.group(1)] = value.group(1)
    data |= {
        name: value
        for name, value in re.findall(
            r'<textarea[^>]*name="(rows-[^"]+)"[^>]*>([^<]*)</textarea>', html
        )
    }
    for tag in re.findall(r"<input[^>]*checked[^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and value and name.group(1).startswith("rows-"):
            data[name.group(1)] = value.group(1)
    return data


def test_bulk_save_keeps_a_row_without_text_and_saves_the_rest(client_for):
    client = client_for("bijdrager_eigen")
    data = as_form(
        bulk_rows(client),
        **{
            "4_1": {"status": "afgerond"},
            "4_2": {"text": "Dit stuk tekst is opgeslagen."},
        },
    )
    response = post_form(client, "/voortgang?thema=4", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Actie 4.1, Wat is er gedaan en wat volgt? Schrijf kort wat er is gedaan" in html
    assert "Opgeslagen: actie 4.2." in text_of(response)
    assert re.search(r'checked[^>]*value="afgerond"|value="afgerond"[^>]*checked', html)
    assert [u.text for u in db.session.scalars(select(ProgressUpdate))] == [
        "Dit stuk tekst is opgeslagen."
    ]


def test_bulk_save_keeps_the_rows_that_pass_and_marks_the_one_that_needs_a_look(client_for):
    """Five rows, one with a name to confirm: four are saved, that one stays with its text;
    sending the page back as it came saves nothing twice."""
    client = client_for("bijdrager_eigen")
    texts = {
        "4_1": "Kick-off gehouden met partners; werkgroep gestart.",
        "4_2": "Voorstel integrale daderaanpak in concept klaar.",
        "4_3": "Gesprek gevoerd met Mohammed El Amrani van de werkgeversvereniging.",
        "4_4": "Format bestuurlijke maatregelen gedeeld via de kennisbank.",
        "4_6": "Onderzoek naar ondermaatse huisvesting loopt.",
    }
    data = as_form(bulk_rows(client), **{code: {"text": t} for code, t in texts.items()})
    response = post_form(client, "/voortgang?thema=4", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Opgeslagen: actie 4.1, actie 4.2, actie 4.4, actie 4.6." in text_of(response)
    assert "Deze tekst lijkt een naam" in html and texts["4_3"] in html
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 4
    again = post_form(client, "/voortgang?thema=4", as_sent(html))
    assert again.status_code == 400  # 4.3 still needs its confirmation
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 4


def test_bulk_save_refuses_the_row_with_personal_data_and_keeps_the_rest(client_for):
    client = client_for("bijdrager_eigen")
    data = as_form(
        bulk_rows(client),
        **{
            "4_1": {"text": "Gesprek gevoerd."},
            "4_2": {"text": "Slachtoffer met BSN 111222333 is doorverwezen."},
        },
    )
    response = post_form(client, "/voortgang?thema=4", data)
    assert response.status_code == 400
    assert "Deze tekst bevat persoonsgegevens" in response.get_data(as_text=True)
    assert [u.action.code for u in db.session.scalars(select(ProgressUpdate))] == ["4.1"]


def test_bulk_save_after_someone_else_saved_marks_that_row_and_saves_the_rest(client_for):
    client = client_for("bijdrager_eigen")
    rows = bulk_rows(client)
    other = client_for("beheerder")
    post_form(
        other,
        "/acties/4.2/voortgang",
        {"status": "lopend", "signal": "", "text": "Door de secretaris.", "version": "1"},
    )
    data = as_form(
        rows,
        **{
            "4_1": {"text": "Mijn stand voor 4.1."},
            "4_2": {"text": "Mijn stand voor 4.2."},
        },
    )
    response = post_form(client, "/voortgang?thema=4", data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Intussen bijgewerkt door een ander" in html and "Mijn stand voor 4.2." in html
    assert action("4.1").last_update_at is not None  # the row that passed is saved
    # Saving the page again (it now carries the new version) is a deliberate choice and
    # lands; the saved row is not saved twice.
    assert post_form(client, "/voortgang?thema=4", as_sent(html)).status_code == 302
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 3


def test_bulk_save_with_nothing_changed_says_so(client_for):
    client = client_for("bijdrager_eigen")
    response = post_form(client, "/voortgang?thema=4", as_form(bulk_rows(client)))
    assert response.status_code == 200
    assert "U heeft niets gewijzigd; er is niets opgeslagen." in text_of(response)


# The compact, sortable, filterable list ------------------------------------------------------


def _codes(response) -> list[str]:
    return re.findall(
        r'<th scope="row"[^>]*><a href="/acties/([\d.]+)">', response.get_data(as_text=True)
    )


def _set(code, **values):
    found = action(code)
    for name, value in values.items():
        setattr(found, name, value)
    db.session.commit()


def test_action_list_filters_on_signal_and_staleness_and_sorts(client_for):
    now = utcnow()
    _set("3.14", signal="achterstand", status="lopend", last_update_at=now - timedelta(days=200))
    _set("1.2", signal="aandacht", status="lopend", last_update_at=now - timedelta(days=5))
    _set("4.1", signal="op_koers", status="lopend", last_update_at=now - timedelta(days=1))
    client = client_for("lezer")
    assert _codes(client.get("/acties?signaal=achterstand")) == ["3.14"]
    assert len(_codes(client.get("/acties?signaal=geen"))) == 44
    since = (now - timedelta(days=30)).date().isoformat()
    stale = _codes(client.get(f"/acties?niet_bijgewerkt_sinds={since}"))
    assert "3.14" in stale and "1.2" not in stale and len(stale) == 45  # never updated count too
    assert _codes(client.get("/acties?sorteer=signaal"))[:3] == ["3.14", "1.2", "4.1"]
    assert _codes(client.get("/acties?sorteer=bijgewerkt&richting=af"))[:3] == [
        "4.1",
        "1.2",
        "3.14",
    ]
    assert _codes(client.get("/acties?sorteer=code&richting=af"))[0] == "5.7"
    page = client.get("/acties?sorteer=signaal").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page
    # The API reads the same parameters.
    api = client.get("/api/v1/actions?signaal=achterstand").get_json()
    assert [a["code"] for a in api["actions"]] == ["3.14"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("signaal=rood", "Signaal &#39;rood&#39; is onbekend"),
        ("niet_bijgewerkt_sinds=gisteren", "Gebruik een datum als jjjj-mm-dd"),
        ("niet_bijgewerkt_sinds=0001-01-01", "Kies een datum tussen 2000 en 2100"),
        ("sorteer=kleur", "Sorteren kan op code, status, signaal, bijgewerkt, termijn."),
    ],
)
def test_action_list_explains_a_wrong_filter(client_for, query, message):
    response = client_for("lezer").get(f"/acties?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_action_list_shows_the_lead_owner_only(client_for):
    page = text_of(client_for("lezer").get("/acties?q=2.1"))
    assert "Portefeuillehouder mensenhandel + 11" in page
    assert "VAR (secretaris)" not in page  # the others are on the action page


def test_overview_shows_signals_per_theme_and_what_needs_attention(client_for):
    _set("3.14", signal="achterstand", status="lopend")
    _set("3.2", signal="aandacht", status="lopend")
    _set("3.3", signal="aandacht", status="afgerond")  # closed: no longer asks for attention
    page = client_for("lezer").get("/").get_data(as_text=True)
    assert 'aria-label="1 met signaal achterstand in thema 3"' in page
    assert 'aria-label="1 met signaal aandacht in thema 3"' in page
    attention = text_of(client_for("lezer").get("/")).split("Vraagt aandacht")[1]
    assert attention.index("3.14") < attention.index("3.2")  # Achterstand first
    assert " 3.3 " not in attention.split("Termijn verstreken")[0]


# Plain Dutch ------------------------------------------------------------------------------------

#: Words of the machine room that no aandachtsfunctionaris or portfolio holder should meet.
TECHNICAL_WORDS = [
    "outbox",
    "SMTP",
    "Message-ID",
    "TOTP",
    "JSON",
    "API",
    "token",
    "seed",
    "instance/",
    ".eml",
    "dedupe",
    "vrije tekst",
    "progress.update",
    "login.failed",
    "niet_gestart",
    "op_koers",
    "None",
    "Traceback",
]
READER_PAGES = [
    "/",
    "/acties",
    "/acties/3.14",
    "/acties/1.4",
    "/acties/2.4/gemeenten",
    "/themas/3",
    "/mijn-acties",
    "/vergaderingen",
    "/vergaderingen/overlegvormen",
    "/rapportage",
    "/rapportages",
    "/export/upload",
    "/profiel",
    "/hulp",
    "/kerncijfers",
]


def visible_text(response) -> str:
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("role", ["lezer", "bijdrager_eigen", "af_schiedam"])
def test_no_technical_words_for_people_who_are_not_beheerder(client_for, role):
    client = client_for(role)
    pages = READER_PAGES + (["/voortgang"] if role != "lezer" else [])
    found = {}
    for path in pages:
        text = visible_text(client.get(path))
        words = [w for w in TECHNICAL_WORDS if re.search(rf"(?<![\w-]){re.escape(w)}", text)]
        if words:
            found[path] = words
    assert found == {}


@pytest.mark.parametrize("role", ["lezer", "bijdrager_eigen", "af_schiedam"])
def test_no_page_links_people_to_a_page_they_may_not_open(client_for, role):
    """Every link on the pages people who are not beheerder read opens for them: no
    "Geen toegang" or "Niet gevonden" behind a link (the help page explains every role to
    everyone, and links only what the reader may open). Links of one shape are followed
    twice at most (``/acties/1.1`` stands for every action)."""
    client = client_for(role)
    pages = READER_PAGES + (["/voortgang"] if role != "lezer" else [])
    links, shapes = {}, {}
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        for href in re.findall(r'href="(/[^"#?]*)', html):
            shape = re.sub(r"\d+", "N", href)
            if href in links or href.startswith(("/static/", "/uitloggen")):
                continue
            if shapes.setdefault(shape, 0) < 2:
                shapes[shape] += 1
                links[href] = path
    refused = {
        href: (status, path)
        for href, path in links.items()
        if (status := client.get(href).status_code) not in (200, 302)
    }
    assert len(links) > 40 and refused == {}


def test_the_glossary_check_can_fail(client_for):
    assert "API" in visible_text(client_for("beheerder").get("/profiel"))


def test_every_audit_kind_in_the_code_has_a_dutch_label():
    source = "\n".join(p.read_text() for p in Path("tracker").rglob("*.py"))
    kinds = set(re.findall(r'record\(\s*"([a-z_]+(?:\.[a-z_]+)?)"', source))
    kinds |= set(re.findall(r'"((?:export|report|snapshot|login|password)\.[a-z_]+)"', source))
    kinds |= {"user.update", "municipality.update", "progress.update", "redaction.redact"}
    assert kinds - set(KIND_LABELS) == set()


def test_help_page_starts_with_the_readers_own_role(client_for):
    page = text_of(client_for("af_schiedam").get("/hulp"))
    assert "U bent bijdrager" in page
    first = page.index("Bijdrager (uw rol)")
    assert first < page.index("Beheerder") and first < page.index("Lezer")
    assert "Voortgang van meerdere acties bijwerken" in page


# The owners editor ------------------------------------------------------------------------------


REVISION = {
    "text": "Uitwerken voorstel uitbreiden handhavingsknelpunt naar mensenhandel.",
    "planning": "2025",
    "owners_text": "RIEC/ VAR",
    "reason": "Besluit Regionale Tafel.",
    "version": "1",
}


def test_owners_editor_shows_rows_and_adds_more_without_saving(client_for):
    client = client_for("beheerder")
    html = client.get("/acties/1.4/herzien").get_data(as_text=True)
    assert 'name="owners-0-party"' in html and 'name="owners-4-party"' in html
    assert "nader te bepalen netwerkpartners" in html  # the free-text owner, as a description
    more = post_form(
        client,
        "/acties/4.1/herzien",
        {**REVISION, **owner_fields("RIEC", "VAR"), "meer_eigenaren": "1"},
    )
    assert more.status_code == 200
    assert 'name="owners-4-party"' in more.get_data(as_text=True)  # 2 filled + 3 new rows
    assert action("4.1").revised_at is None


def test_owners_editor_saves_parties_descriptions_roles_and_the_lead(client_for):
    client = client_for("beheerder")
    data = {
        **REVISION,
        **owner_fields(("VAR", "", "ondersteuning"), "RIEC", ("", "Regionale werkgroep"), lead=1),
    }
    assert post_form(client, "/acties/4.1/herzien", data).status_code == 302
    owners = [(o.display_name, o.role, o.is_lead) for o in action("4.1").owners]
    assert owners == [
        ("VAR", "ondersteuning", False),
        ("RIEC", None, True),
        ("Regionale werkgroep", None, False),
    ]


@pytest.mark.parametrize(
    ("owners", "message"),
    [
        (owner_fields(("RIEC", "ook tekst")), "Rij 1: kies een partij óf schrijf een omschrijving"),
        (owner_fields(), "Geef minstens één eigenaar op"),
        (owner_fields("RIEC", lead=3), "De trekker staat op een lege rij"),
    ],
)
def test_owners_editor_explains_what_is_wrong(client_for, owners, message):
    response = post_form(client_for("beheerder"), "/acties/4.1/herzien", {**REVISION, **owners})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert action("4.1").revised_at is None


# Links without BASE_URL -----------------------------------------------------------------------


def test_links_follow_the_request_when_base_url_is_not_set(seeded_app):
    seeded_app.config["BASE_URL"] = ""
    with seeded_app.test_request_context("/", base_url="http://127.0.0.1:5123"):
        assert external_url("progress.action", code="3.14") == "http://127.0.0.1:5123/acties/3.14"
    with seeded_app.app_context():
        assert external_url("dashboard.overview") == DEVELOPMENT_BASE_URL + "/"
    seeded_app.config["BASE_URL"] = "https://tracker.example.test/"
    with seeded_app.test_request_context("/", base_url="http://evil.example.test"):
        assert external_url("dashboard.overview") == "https://tracker.example.test/"


def test_production_start_warns_without_base_url(seeded_app, caplog):
    seeded_app.config["BASE_URL"] = ""
    with caplog.at_level(logging.WARNING):
        assert warn_without_base_url(seeded_app)
    assert "BASE_URL is not set" in caplog.text
    seeded_app.config["BASE_URL"] = "https://tracker.example.test"
    assert not warn_without_base_url(seeded_app)


# Validation that used to lose or mislead --------------------------------------------------------


def test_error_summary_names_each_field(client_for):
    response = post_form(client_for("beheerder"), "/vergaderingen/nieuw", {})
    html = response.get_data(as_text=True)
    for label in ("Datum", "Begintijd", "Eindtijd"):
        assert f"{label}: Dit veld is verplicht." in html


def test_too_long_text_is_refused_with_its_length_not_cut(client_for):
    client = client_for("bijdrager_eigen")
    html = client.get("/acties/4.1").get_data(as_text=True)
    assert "maxlength" not in html  # the browser would cut a paste silently
    data = {"status": "lopend", "signal": "", "text": "a" * 5003, "version": "1"}
    response = post_form(client, "/acties/4.1/voortgang", data)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Hoogstens 5000 tekens; deze tekst heeft er 5003." in text and "a" * 5003 in text


def test_a_meeting_in_the_past_is_not_planned_but_can_be_recorded_as_held(client_for):
    client = client_for("beheerder")
    series_id = db.session.scalar(select(Meeting.series_id).limit(1)) or 1
    past = (utcnow() - timedelta(days=10)).date().isoformat()
    data = {"series": str(series_id), "day": past, "start": "14:00", "end": "16:00"}
    refused = post_form(client, "/vergaderingen/nieuw", data)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "ligt in het verleden" in html and "Deze vergadering is al geweest" in html
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
    held = post_form(client, "/vergaderingen/nieuw", {**data, "already_held": "y"})
    assert held.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert meeting.state == "gehouden"
    # A meeting still to come cannot have been held (it would count as held in the minimum).
    ahead = (utcnow() + timedelta(days=10)).date().isoformat()
    refused = post_form(client, "/vergaderingen/nieuw", {**data, "day": ahead, "already_held": "y"})
    assert refused.status_code == 400
    assert "ligt in de toekomst: een vergadering die nog moet komen" in text_of(refused)
    assert db.session.scalar(select(func.count(Meeting.id))) == 1


def test_an_unchanged_municipality_cell_is_not_saved_or_audited(client_for):
    client = client_for("af_schiedam")
    year = datetime.now().year
    path = f"/acties/2.4/gemeenten/schiedam/{min(max(year, 2024), 2026)}"
    response = post_form(client, path, {"status": "niet_gestart", "note": "", "version": "0"})
    assert response.status_code == 302
    assert "Er was niets gewijzigd" in text_of(client.get(response.headers["Location"]))
    assert db.session.scalar(select(func.count(MunicipalityProgress.id))) == 0
    assert "municipality.update" not in db.session.scalars(select(AuditEvent.kind)).all()


def test_wtforms_own_messages_are_dutch_too(client_for):
    response = post_form(
        client_for("beheerder"),
        "/vergaderingen/overlegvormen/nieuw",
        {"name": "Nieuw overleg", "min_per_year": "vaak", "reminder_days": "14"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Ongeldig getal" in html and "Not a valid" not in html
