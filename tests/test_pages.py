"""The reading pages: overview, themes, the filterable action list and one action."""

import re
from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from tracker.extensions import db
from tracker.plan.models import Action, Status
from tracker.plan.overview import DUE_THIS_YEAR, LIST_CAP, OVERDUE, on_day

from .conftest import login_as
from .helpers import text_of


def action_codes(response) -> list[str]:
    return re.findall(
        r'<th scope="row"[^>]*><a href="/acties/([\d.]+)">', response.get_data(as_text=True)
    )


def test_overview_counts_by_status_due_and_overdue(client_for, seeded_app):
    db.session.execute(
        Action.__table__.update().where(Action.id == _id("1.4")).values(status=Status.DONE.value)
    )
    db.session.commit()
    with time_machine.travel("2025-06-15 10:00 +0200", tick=False):
        response = client_for("lezer").get("/")
    assert response.status_code == 200
    page = text_of(response)
    assert "Stand op 15 juni 2025" in page
    # Q1 2024 (2.10) and the 2024 deadlines have passed; 1.4 (2024 - 2025) is done.
    overdue = {"2.10", "2.12", "3.14", "4.1", "4.2", "5.4"}
    section = page.split("Termijn verstreken")[-1].split("Termijn in 2025")[0]
    assert set(re.findall(r"\b(\d\.\d{1,2})\b", section)) == overdue
    due = page.split("Termijn in 2025", 2)[-1]
    for code in ("3.8", "3.12", "4.6", "5.7"):
        assert code in due
    assert "1.4 " not in due
    totals = re.search(r"Totaal (\d+) (\d+) (\d+) (\d+) (\d+)", page)
    assert totals.groups() == ("46", "0", "1", "0", "47")


def test_overview_caps_its_lists_and_shows_all_on_request(client_for, seeded_app):
    """At 2027-06-01 every 2024-2026 deadline has passed: more than the cap are overdue."""
    with time_machine.travel("2027-06-01 10:00 +0200", tick=False):
        client = client_for("lezer")
        page = client.get("/").get_data(as_text=True)
        overdue_total = int(re.search(r"Toon alle (\d+)</a>", page).group(1))
        section = page.split('id="kop-verstreken"')[1].split("</section>")[0]
        assert section.count("<li>") == LIST_CAP < overdue_total
        assert "?toon=verstreken#kop-verstreken" in section
        full = client.get("/?toon=verstreken").get_data(as_text=True)
    section = full.split('id="kop-verstreken"')[1].split("</section>")[0]
    assert section.count("<li>") == overdue_total
    assert "Toon alleen de eerste 10" in section and "Toon alle " not in section
    # The table's total agrees with the list (counted by the database, listed in Python).
    today = date(2027, 6, 1)
    listed = [a for a in db.session.scalars(select(Action)) if a.is_overdue(today)]
    assert len(listed) == overdue_total
    assert f'data-label="Termijn verstreken">{overdue_total}</td>' in full


def test_overdue_and_due_this_year_in_sql_agree_with_the_rule(seeded_app):
    """``OVERDUE`` is the SQL twin of ``deadline_passed``; try every status at dates
    around the plan's deadlines, the set-up-then-ongoing action 2.10 included."""
    actions = db.session.scalars(select(Action)).all()
    for status in Status:
        db.session.execute(Action.__table__.update().values(status=status.value))
        db.session.expire_all()
        for today in (date(2024, 1, 1), date(2024, 4, 1), date(2025, 12, 31), date(2027, 1, 1)):
            day = on_day(today)
            overdue = set(db.session.scalars(select(Action.id).where(OVERDUE), day))
            assert overdue == {a.id for a in actions if a.is_overdue(today)}, (status, today)
            due = set(db.session.scalars(select(Action.id).where(DUE_THIS_YEAR), day))
            assert due == {
                a.id
                for a in actions
                if a.due_on
                and a.due_on.year == today.year
                and not status.is_closed
                and not a.is_overdue(today)
            }, (status, today)
    db.session.rollback()


def test_theme_page_has_introduction_and_its_actions(client):
    response = client.get("/themas/3")
    assert response.status_code == 200
    page = text_of(response)
    assert "Thema 3: Bewustwording, signaleren en melden" in page
    assert "Zowel bij bewoners als bij professionals wordt proactief gesignaleerd." in page
    assert "Katvangerconstructies" in page
    assert action_codes(response) == [f"3.{n}" for n in range(1, 16)]


def test_unknown_theme_is_404(client):
    assert client.get("/themas/9").status_code == 404


def test_action_list_shows_all_47(client):
    response = client.get("/acties")
    assert response.status_code == 200
    assert len(action_codes(response)) == 47
    assert "47 acties gevonden" in text_of(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("thema=4", [f"4.{n}" for n in range(1, 9)]),
        ("partij=RCTM", ["4.5", "4.7"]),
        ("partij=rctm", ["4.5", "4.7"]),
        ("partij=gemeente-capelle-aan-den-ijssel", ["4.7"]),
        ("thema=5&jaar=2025", ["5.1", "5.2", "5.3", "5.5", "5.6", "5.7"]),
        ("thema=2&jaar=2024", [f"2.{n}" for n in range(1, 13)]),
        ("thema=2&jaar=2025", [f"2.{n}" for n in range(1, 12)]),  # 2.10 is maintained after Q1 2024
        ("q=VR-brillen", ["3.13", "3.14"]),
        ("q=vr-brillen", ["3.13", "3.14"]),
        ("q=3.14", ["3.14"]),
        ("q=Regio Groningen", ["3.14"]),
        ("q=100%", []),
        ("status=lopend", []),
        ("status=niet_gestart&thema=1", ["1.1", "1.2", "1.3", "1.4", "1.5"]),
    ],
)
def test_action_filters(client, query, expected):
    response = client.get(f"/acties?{query}")
    assert response.status_code == 200
    assert action_codes(response) == expected


def test_filter_keeps_choices_selected(client):
    html = client.get("/acties?thema=2&status=lopend&q=overleg").get_data(as_text=True)
    assert '<option value="2" selected>' in html
    assert '<option value="lopend" selected>' in html
    assert 'value="overleg"' in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("thema=abc", "thema", "Kies een themanummer"),
        ("thema=" + "9" * 33, "thema", "Kies een themanummer"),
        ("thema=%D9%A3", "thema", "Kies een themanummer"),  # an Arabic-Indic three
        ("niet_bijgewerkt_sinds=0001-01-01", "niet_bijgewerkt_sinds", "tussen 2000 en 2100"),
        ("status=klaar", "status", "Status &#39;klaar&#39; is onbekend"),
        ("jaar=25", "jaar", "Geef een jaartal van vier cijfers"),
        ("partij=NOPE", "partij", "Partij &#39;NOPE&#39; is onbekend"),
        ("q=" + "x" * 201, "q", "hoogstens 200 tekens"),
    ],
)
def test_bad_filters_give_400_with_a_dutch_message_tied_to_the_field(client, query, field, message):
    response = client.get(f"/acties?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="fout-{field}"' in html
    assert f'aria-describedby="fout-{field}"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [("richting=omhoog", "De richting is op"), ("sorteer=kleur", "Sorteren kan op code")],
)
def test_a_bad_order_is_named_without_a_link_to_a_field_that_is_not_there(client, query, message):
    response = client.get(f"/acties?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f"<li>{message}" in html


def test_forms_read_the_dutch_messages_from_disk_once_per_process(client, monkeypatch):
    """Every page with a form (the filter on /acties is one) used to look for WTForms' Dutch
    catalogue on disk again."""
    import wtforms.i18n

    assert client.get("/acties?jaar=25").status_code == 400  # a Dutch message: catalogue read
    looked_up = []
    monkeypatch.setattr(
        wtforms.i18n,
        "messages_path",
        lambda real=wtforms.i18n.messages_path: looked_up.append(1) or real(),
    )
    response = client.get("/acties?jaar=26")
    assert "Geef een jaartal van vier cijfers" in response.get_data(as_text=True)
    assert client.get("/acties?status=kwijt").status_code == 400
    assert looked_up == []


def test_action_page_shows_text_planning_interpretation_and_owners(client):
    response = client.get("/acties/3.14")
    assert response.status_code == 200
    page = text_of(response)
    assert "Onderzoeken en daadwerkelijk toevoegen van VR-Experience" in page
    assert "Gereed uiterlijk 31 december 2024" in page
    assert "Regio Groningen/ VAR" in page
    assert "Niet gestart" in page


def test_action_page_free_text_owner_and_roles(client):
    page = text_of(client.get("/acties/2.1"))
    assert "Portefeuillehouder mensenhandel (trekker) (voorzitter)" in page
    assert "VAR (secretaris)" in page
    assert "minimaal 3 keer per jaar" in page
    assert "nader te bepalen netwerkpartners (geen partij in de tracker)" in text_of(
        client.get("/acties/1.4")
    )


def test_unparsed_planning_is_shown_and_flagged(client, seeded_app):
    action = db.session.get(Action, _id("4.8"))
    action.set_planning("Zodra mogelijk")
    db.session.commit()
    assert "Niet herkend" in text_of(client.get("/acties/4.8"))
    assert "Planning niet herkend" in text_of(client.get("/acties?thema=4"))
    overview = text_of(client.get("/"))
    assert "Planning niet herkend" in overview and "“Zodra mogelijk”" in overview


@pytest.mark.parametrize("path", ["/acties/9.1", "/acties/abc", "/acties/3.99"])
def test_unknown_action_is_404(client, path):
    assert client.get(path).status_code == 404


def test_pages_before_seeding_explain_what_to_do(app, make_user):
    client = login_as(app.test_client(), make_user("lezer"))
    response = client.get("/")
    assert response.status_code == 503
    assert "flask --app tracker seed" in response.get_data(as_text=True)


def test_security_headers_on_pages(client):
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "path", ["/bestaat-niet", "/static/css/tracker.css", "/api/v1/nergens", "/login"]
)
def test_security_headers_on_every_kind_of_response(client, path):
    """Error pages, static files and the API's JSON carry them too, each header once."""
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers.getlist("Content-Security-Policy") == [
        response.headers["Content-Security-Policy"]
    ]
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP
    response.close()  # a static file is sent from an open file


def test_a_header_a_response_sets_itself_is_kept(seeded_app):
    """The middleware adds only what is missing (as ``setdefault`` did)."""
    from tracker.web import SecurityHeaders

    def wsgi_app(environ, start_response):
        start_response("200 OK", [("x-frame-options", "SAMEORIGIN")])
        return [b"ok"]

    seen = {}
    SecurityHeaders(wsgi_app)({"wsgi.url_scheme": "https"}, lambda s, h, e=None: seen.update(h=h))
    names = [name.lower() for name, _ in seen["h"]]
    assert names.count("x-frame-options") == 1
    assert ("x-frame-options", "SAMEORIGIN") in seen["h"]
    assert "strict-transport-security" in names


def test_page_queries_do_not_grow_with_actions(client, seeded_app, count_queries):
    with count_queries as small:
        client.get("/acties")
    theme = db.session.get(Action, _id("1.1")).theme
    for number in range(6, 60):
        extra = Action(theme=theme, number=number, text=f"Extra {number}", owners_text="VAR")
        extra.set_planning("Doorlopend")
        db.session.add(extra)
    db.session.commit()
    with count_queries as large:
        response = client.get("/acties")
    assert len(action_codes(response)) == 100  # a page at a time
    assert large.count == small.count
    page = text_of(response)
    assert "101 acties gevonden; 1–100 op deze pagina." in page and "Pagina 1 van 2" in page
    second = client.get("/acties?pagina=2")
    assert len(action_codes(second)) == 1
    assert "Vorige" in text_of(second) and "Volgende" not in text_of(second)
    beyond = client.get("/acties?pagina=9")  # past the end: the last page, not an empty one
    assert action_codes(beyond) == action_codes(second) and "Pagina 2 van 2" in text_of(beyond)
    # Re-sorting starts at the first page again; the filters stay.
    html = client.get("/acties?pagina=2&status=niet_gestart").get_data(as_text=True)
    sort_links = re.findall(r'<a href="([^"]*sorteer=[^"]*)"', html)
    assert sort_links and not any("pagina=" in link for link in sort_links)
    assert all("status=niet_gestart" in link for link in sort_links)


def _id(code: str) -> int:
    theme, number = (int(x) for x in code.split("."))
    from tracker.plan.models import Theme

    return db.session.scalar(
        select(Action.id).join(Action.theme).where(Theme.number == theme, Action.number == number)
    )
