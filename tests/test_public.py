"""The public progress page (issue 38): closed by default (404 everywhere under /openbaar),
opened and filled by a beheerder, showing only what was chosen or written for it, without a
session or cookie, cacheable, as a page, per municipality, as JSON and as CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tracker.accounts.models import User
from tracker.evaluation.models import ActionEvaluation, EvaluationRound, Knelpunt
from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingOutcome, MeetingSeries
from tracker.municipalities.models import BorgingEntry
from tracker.plan.models import Municipality, Plan
from tracker.progress.models import MunicipalityProgress, ProgressUpdate
from tracker.public.models import PublicLine

from .helpers import action, post_form, text_of

PUBLIC_PATHS = ["/openbaar", "/openbaar.json", "/openbaar.csv", "/openbaar/gemeenten/schiedam"]
#: Every internal text gets a marker of its own; none may reach a public response.
MARKER = "GEHEIMMERK"


def _settings(**changes) -> dict:
    return {
        "version": "0",
        "is_open": "y",
        "figures": ["politie-aangiftes"],
        "borging_items": ["meldroute", "aandachtsfunctionaris"],
        **changes,
    }


def _open(admin, **changes):
    return post_form(admin, "/beheer/openbaar", _settings(**changes))


def test_the_page_is_closed_until_a_beheerder_opens_it(client_for, seeded_app):
    anonymous = seeded_app.test_client()
    for path in PUBLIC_PATHS:
        assert anonymous.get(path).status_code == 404, path
        assert client_for("beheerder").get(path).status_code == 404, path
    admin = client_for("beheerder")
    assert "Voorbeeld" in text_of(admin.get("/beheer/openbaar/voorbeeld"))  # closed: preview
    assert _open(admin).status_code == 302
    for path in PUBLIC_PATHS:
        assert anonymous.get(path).status_code == 200, path
    assert _open(admin, is_open="", version="1").status_code == 302  # closed again
    for path in [*PUBLIC_PATHS, "/openbaar/gemeenten/atlantis"]:
        assert anonymous.get(path).status_code == 404, path


def test_an_anonymous_visitor_gets_no_cookie_and_a_cacheable_page(client_for, seeded_app):
    assert _open(client_for("beheerder")).status_code == 302
    anonymous = seeded_app.test_client()
    for path in PUBLIC_PATHS:
        response = anonymous.get(path)
        assert "Set-Cookie" not in response.headers, path
        assert response.headers["Cache-Control"] == "public, max-age=300", path
        etag = response.headers["ETag"]
        again = anonymous.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.headers["Cache-Control"] == "public, max-age=300"
    assert anonymous.get_cookie("session") is None


def test_the_page_shows_what_is_chosen(client_for, seeded_app):
    admin = client_for("beheerder")
    assert _open(admin).status_code == 302
    settings = admin.get("/beheer/openbaar").get_data(as_text=True)
    assert 'name="lines-0-code" type="hidden" value="1.1"' in settings
    line = "De regio publiceert elk jaar een monitor over mensenhandel."
    lines = {"lines-0-code": "1.1", "lines-0-version": "0", "lines-0-text": line}
    assert post_form(admin, "/beheer/openbaar", _settings(version="1", **lines)).status_code == 302
    page = text_of(seeded_app.test_client().get("/openbaar"))
    assert line in page
    assert "Publiceren regionale mensenhandelmonitor." in page  # the plan's own text
    assert "Mensenhandel melden" in page and "Meld Misdaad Anoniem" in page
    assert "Aangiftes mensenhandel" in page  # the chosen kerncijfer, with its source
    assert "Thema 3: Bewustwording, signaleren en melden" in page
    data = json.loads(seeded_app.test_client().get("/openbaar.json").data)
    assert data["licence"] == "CC BY 4.0"
    first = data["themes"][0]["actions"][0]
    assert first == {
        "code": "1.1",
        "text": "Publiceren regionale mensenhandelmonitor.",
        "planning": first["planning"],
        "lead": first["lead"],
        "status": "niet_gestart",
        "status_label": "Niet gestart",
        "public_line": line,
    }
    rows = list(
        csv.reader(io.StringIO(seeded_app.test_client().get("/openbaar.csv").text), delimiter=";")
    )
    assert rows[0][:2] == ["thema", "actie"] and rows[1][1] == "1.1" and rows[1][6] == line
    assert len(rows) == 1 + 47
    # The municipality's page: the chosen borging items, as they stand.
    schiedam = text_of(seeded_app.test_client().get("/openbaar/gemeenten/schiedam"))
    assert "Interne meldroute ingericht" in schiedam and "Onbekend" in schiedam
    assert "Vergunde seksinrichting" not in schiedam  # not chosen
    assert "publiceert elk jaar" in schiedam
    audit = text_of(admin.get("/beheer/audit"))
    assert "Openbare pagina gewijzigd" in audit and "Openbare regel vastgesteld" in audit


def test_adopting_the_next_plan_keeps_the_page_open(client_for, seeded_app):
    """A plan's publication is its own: adopting the next plan closed the public page (404
    for every visitor) until a beheerder opened it again. The new plan takes the page as it
    was, and the lines of the actions it carries with the same text; a changed action
    waits for a new line."""
    from .test_plans_and_owners import _new_plan, _plan_action

    admin = client_for("beheerder")
    lines = {
        "lines-0-code": "1.1",
        "lines-0-version": "0",
        "lines-0-text": "De regio publiceert elk jaar een monitor over mensenhandel.",
        "lines-1-code": "1.2",
        "lines-1-version": "0",
        "lines-1-text": "De VAR deelt onderzoeken in een kennisbank.",
    }
    assert _open(admin, **lines).status_code == 302
    assert _new_plan(admin).status_code == 302
    _plan_action("rotterdam-2027-2030", "1.2").text = "Delen van onderzoeken met de partners."
    db.session.commit()
    plans = text_of(admin.get("/plannen"))
    assert "de openbare pagina (open, met de gekozen kerncijfers en borging)" in plans
    assert "de openbare regel van 1 actie met dezelfde tekst" in plans
    assert post_form(admin, "/plannen/rotterdam-2027-2030/vaststellen", {}).status_code == 302
    anonymous = seeded_app.test_client()
    for path in PUBLIC_PATHS:
        assert anonymous.get(path).status_code == 200, path
    page = text_of(anonymous.get("/openbaar"))
    assert "2027-2030" in page and "Aangiftes mensenhandel" in page
    data = json.loads(anonymous.get("/openbaar.json").data)
    first = {a["code"]: a["public_line"] for a in data["themes"][0]["actions"]}
    assert first["1.1"] == "De regio publiceert elk jaar een monitor over mensenhandel."
    assert not first["1.2"]  # a new text: its old line does not describe it
    assert "Interne meldroute ingericht" in text_of(anonymous.get("/openbaar/gemeenten/schiedam"))


def test_an_owner_proposes_a_line_and_it_is_public_once_approved(client_for, seeded_app):
    admin, riec = client_for("beheerder"), client_for("bijdrager_eigen")
    assert _open(admin).status_code == 302
    proposal = "Het RIEC werkt een voorstel uit om het handhavingsknooppunt te verbreden."
    assert "Voorstel voor de openbare regel" in text_of(riec.get("/acties/4.1"))
    response = post_form(riec, "/acties/4.1/openbaar", {"version": "0", "text": proposal})
    assert response.status_code == 302
    assert proposal not in text_of(seeded_app.test_client().get("/openbaar"))  # not yet
    assert (
        post_form(
            client_for("bijdrager_ander"), "/acties/4.1/openbaar", {"version": "0", "text": "x"}
        ).status_code
        == 403
    )
    assert (
        post_form(
            client_for("lezer"), "/acties/4.1/openbaar", {"version": "0", "text": "x"}
        ).status_code
        == 403
    )
    settings = admin.get("/beheer/openbaar").get_data(as_text=True)
    assert proposal in settings and "Voorstel van" in settings
    index = next(
        n for n in range(47) if f'name="lines-{n}-code" type="hidden" value="4.1"' in settings
    )
    form = {
        f"lines-{index}-code": "4.1",
        f"lines-{index}-version": "1",
        f"lines-{index}-text": proposal,
        f"lines-{index}-pending": "1",
    }
    assert post_form(admin, "/beheer/openbaar", _settings(version="1", **form)).status_code == 302
    assert proposal in text_of(seeded_app.test_client().get("/openbaar"))
    line = db.session.scalar(select(PublicLine))
    assert line.proposal == "" and line.approved_at is not None


def test_a_public_line_goes_through_the_privacy_guard(client_for):
    admin = client_for("beheerder")
    lines = {
        "lines-0-code": "1.1",
        "lines-0-version": "0",
        "lines-0-text": "Gesprek met BSN 111222333 over de monitor.",
    }
    response = post_form(admin, "/beheer/openbaar", _settings(**lines))
    assert response.status_code == 400
    assert "BSN" in text_of(response)
    assert db.session.scalar(select(PublicLine)) is None
    # A kerncijfer the page did not offer is refused, with what was typed kept.
    response = post_form(admin, "/beheer/openbaar", _settings(figures=["onbekend"]))
    assert response.status_code == 400
    assert "Kies uit de lijst; laad de pagina opnieuw." in text_of(response)


def _seed_internal_texts(roles) -> None:
    """One internal text of every kind, each with the marker."""
    admin = db.session.get(User, roles["beheerder"].id)
    admin.name = f"Beheerder {MARKER}"
    target = action("2.4")
    db.session.add(
        ProgressUpdate(
            action=target,
            author_id=admin.id,
            status_before="niet_gestart",
            status_after="lopend",
            text=f"Update {MARKER}",
            link=f"https://intranet.example.test/{MARKER}",
        )
    )
    schiedam = db.session.scalar(select(Municipality).where(Municipality.code == "schiedam"))
    db.session.add(
        MunicipalityProgress(
            action=target, municipality_id=schiedam.id, year=2026, note=f"Noot {MARKER}"
        )
    )
    db.session.add(
        BorgingEntry(
            municipality_id=schiedam.id,
            item="meldroute",
            state="ja",
            on_date=date(2025, 3, 1),
            link=f"https://schiedam.example.test/{MARKER}",
            note=f"Borging {MARKER}",
        )
    )
    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "rvo"))
    starts = datetime(2025, 3, 12, 13)
    meeting = Meeting(
        series=series,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        location=f"Zaal {MARKER}",
        agenda=f"Agenda {MARKER}",
        minutes=f"Verslag {MARKER}",
        state="gehouden",
    )
    db.session.add_all([meeting, MeetingOutcome(meeting=meeting, kind="besluit", text=MARKER)])
    plan = db.session.scalar(select(Plan).where(Plan.slug == "rotterdam-2024-2026"))
    evaluation_round = EvaluationRound(plan=plan, deadline=date(2026, 12, 1))
    db.session.add(
        ActionEvaluation(
            round=evaluation_round,
            action=target,
            result="deels",
            delivered=f"Opgeleverd {MARKER}",
            hindered=f"Belemmerd {MARKER}",
            advice="voortzetten",
            advice_reason=f"Reden {MARKER}",
        )
    )
    db.session.add(Knelpunt(plan_id=plan.id, what=f"Knelpunt {MARKER}", since=date(2025, 1, 1)))
    # An owner's proposal that nobody approved yet.
    db.session.add(PublicLine(action=action("3.3"), proposal=f"Voorstel {MARKER}"))
    db.session.commit()


def test_no_internal_text_reaches_any_public_url(client_for, roles, seeded_app):
    _seed_internal_texts(roles)
    admin = client_for("beheerder")
    every_item = [
        "aandachtsfunctionaris",
        "beleid",
        "meldroute",
        "meld_adviespunt",
        "jaarlijks_gesprek",
        "seksinrichting",
    ]
    assert _open(admin, borging_items=every_item).status_code == 302
    anonymous = seeded_app.test_client()
    codes = db.session.scalars(select(Municipality.code)).all()
    paths = [*PUBLIC_PATHS, *(f"/openbaar/gemeenten/{code}" for code in codes)]
    for path in paths:
        response = anonymous.get(path)
        assert response.status_code == 200, path
        assert MARKER not in response.get_data(as_text=True), path
    # The markers are there to be found: the internal pages show them.
    assert MARKER in admin.get("/acties/2.4").get_data(as_text=True)
    assert MARKER in admin.get("/gemeenten/schiedam").get_data(as_text=True)
    # The borging state itself is public when chosen; its note and link are not.
    assert "Ja, sinds 1 maart 2025" in text_of(anonymous.get("/openbaar/gemeenten/schiedam"))


@pytest.mark.parametrize("path", ["/beheer/openbaar", "/beheer/openbaar/voorbeeld"])
def test_only_a_beheerder_chooses_and_previews(client_for, path):
    for role in ("lezer", "bijdrager_eigen", "af_schiedam"):
        assert client_for(role).get(path).status_code == 403
    assert client_for("beheerder").get(path).status_code == 200


def test_the_light_is_the_reports_and_the_same_all_day(client_for, seeded_app):
    """Per theme the public light is the report's for today. An action whose last update
    passes the 90 days in the course of the day counts as long not updated from the start
    of that day, as in the report: the page and its ETag (which holds the day) stay the same
    all day and never hide a change."""
    from tracker.plan.models import Action, Theme
    from tracker.plan.queries import current_plan
    from tracker.reports.services import ReportParams, build_report

    assert _open(client_for("beheerder")).status_code == 302
    updated = datetime(2025, 3, 4, 12)  # 90 days before 2 June 2025, 14:00 in Amsterdam
    for target in db.session.scalars(select(Action).join(Theme).where(Theme.number == 3)):
        target.status, target.last_update_at = "lopend", updated
    db.session.commit()
    anonymous = seeded_app.test_client()
    seen = []
    for hour in (6, 20):  # 2 June, 08:00 and 22:00 in Amsterdam
        with time_machine.travel(datetime(2025, 6, 2, hour, tzinfo=UTC), tick=False):
            response = anonymous.get("/openbaar.json")
            seen.append((response.headers["ETag"], response.data))
    assert seen[0] == seen[1]
    lights = [theme["light"] for theme in json.loads(seen[0][1])["themes"]]
    assert any("lang niet bijgewerkt" in reason for reason in lights[2]["reasons"])
    with seeded_app.test_request_context():
        report = build_report(
            current_plan(),
            ReportParams(reference_date=date(2025, 6, 2)),
            timezone="Europe/Amsterdam",
            stale_days=90,
            made_by="Test",
            made_at=datetime(2025, 6, 2, 6),
        )
    assert lights == [theme["light"] for theme in report["standing"]["themes"]]


def test_an_anonymous_visitor_costs_few_queries(client_for, seeded_app, count_queries):
    """The page in five statements (the data version for its ETag, the plan with its
    publication, the themes with their actions, the owners, the kerncijfers); a 304 in one,
    the data version: no region, no plan, no user."""
    assert _open(client_for("beheerder")).status_code == 302
    anonymous = seeded_app.test_client()
    db.session.remove()
    with count_queries as counter:
        response = anonymous.get("/openbaar")
    assert response.status_code == 200 and counter.count == 5, counter.statements
    db.session.remove()
    with count_queries as counter:
        again = anonymous.get("/openbaar", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and counter.count == 1, counter.statements
