"""Decisions drive changes (issue 37): revising, adding or dropping an action and adopting a
plan name the meeting decision (a Tafel's or the RVO's besluit) that made them; the action's
history and the plans page show it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingOutcome, MeetingSeries
from tracker.plan.models import Plan
from tracker.progress.models import ActionRevision

from .helpers import action, owner_fields, post_form, text_of
from .test_everyday import REVISION
from .test_plans_and_owners import _new_plan

DECISION = "Besloten: actie 4.1 wordt uitgebreid naar alle vormen van uitbuiting."


def _decision(series_code="regionale-tafel", text=DECISION) -> MeetingOutcome:
    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == series_code))
    starts = datetime(2025, 3, 12, 13)
    meeting = Meeting(
        series=series, starts_at=starts, ends_at=starts + timedelta(hours=2), state="gehouden"
    )
    outcome = MeetingOutcome(meeting=meeting, kind="besluit", text=text)
    db.session.add_all([meeting, outcome])
    db.session.commit()
    return outcome


def test_a_revision_names_the_decision_and_the_history_shows_it(client_for):
    decision = _decision()
    client = client_for("beheerder")
    form = client.get("/acties/4.1/herzien").get_data(as_text=True)
    assert "Besluit dat deze wijziging neemt (optioneel)" in form
    assert "12 maart 2025 · Regionale Tafel Mensenhandel: Besloten: actie 4.1" in form
    data = {**REVISION, **owner_fields("RIEC", "VAR"), "decision": str(decision.id)}
    assert post_form(client, "/acties/4.1/herzien", data).status_code == 302
    revision = db.session.scalar(select(ActionRevision))
    assert revision.decision_id == decision.id
    page = text_of(client_for("lezer").get("/acties/4.1"))
    assert "Besluit: 12 maart 2025 · Regionale Tafel Mensenhandel: Besloten: actie 4.1" in page
    html = client_for("lezer").get("/acties/4.1").get_data(as_text=True)
    assert f'href="/vergaderingen/{decision.meeting_id}"' in html


def test_a_decision_that_is_not_offered_is_refused_and_nothing_saved(client_for):
    _decision()
    client = client_for("beheerder")
    data = {**REVISION, **owner_fields("RIEC", "VAR"), "decision": "999999"}
    response = post_form(client, "/acties/4.1/herzien", data)
    assert response.status_code == 400
    assert "Ongeldige keuze" in response.get_data(as_text=True)
    assert action("4.1").revised_at is None
    # A follow-up (actiepunt) is no decision: not offered either.
    follow_up = _decision(text="Voorstel uitwerken.")
    follow_up.kind = "actiepunt"
    db.session.commit()
    assert "Voorstel uitwerken." not in client.get("/acties/4.1/herzien").get_data(as_text=True)


def test_dropping_and_adding_an_action_name_their_decision(client_for):
    decision = _decision(series_code="rvo", text="Het RVO stemt in met het vervallen van 4.6.")
    client = client_for("beheerder")
    dropped = post_form(
        client,
        "/acties/4.6/vervallen",
        {"reason": "Opgegaan in 4.2.", "version": "1", "decision": str(decision.id)},
    )
    assert dropped.status_code == 302
    added = post_form(
        client,
        "/acties/nieuw",
        {
            **REVISION,
            **owner_fields("RIEC"),
            "theme": "4",
            "number": "9",
            "decision": str(decision.id),
        },
    )
    assert added.status_code == 302
    revisions = db.session.scalars(select(ActionRevision)).all()
    assert {r.action.code for r in revisions} == {"4.6", "4.9"}
    assert {r.decision_id for r in revisions} == {decision.id}
    assert "Het RVO stemt in met het vervallen van 4.6." in text_of(client.get("/acties/4.6"))


def test_adopting_a_plan_names_the_rvo_decision(client_for):
    decision = _decision(series_code="rvo", text="Het RVO stelt het actieplan 2027-2030 vast.")
    admin = client_for("beheerder")
    _new_plan(admin)
    plans = admin.get("/plannen").get_data(as_text=True)
    assert "Besluit dat het plan vaststelt (optioneel)" in plans
    response = post_form(
        admin, "/plannen/rotterdam-2027-2030/vaststellen", {"decision": str(decision.id)}
    )
    assert response.status_code == 302
    plan = db.session.scalar(select(Plan).where(Plan.slug == "rotterdam-2027-2030"))
    assert plan.decision_id == decision.id
    assert "besluit: 12 maart 2025 · Bestuurlijke afstemming in het RVO: Het RVO stelt" in text_of(
        client_for("lezer").get("/plannen")
    )


def test_deleting_the_decision_keeps_the_revision(client_for):
    decision = _decision()
    client = client_for("beheerder")
    data = {**REVISION, **owner_fields("RIEC", "VAR"), "decision": str(decision.id)}
    post_form(client, "/acties/4.1/herzien", data)
    assert post_form(client, f"/uitkomsten/{decision.id}/verwijderen", {}).status_code == 302
    db.session.expire_all()
    revision = db.session.scalar(select(ActionRevision))
    assert revision is not None and revision.decision_id is None
    assert "Besluit:" not in text_of(client.get("/acties/4.1"))
