"""Closing the plan (issue 37): the evaluation round, owners evaluating their own actions,
the knelpunten register, the evaluation report (PDF and Word), and the next plan drafted
from the advice and adopted with the RVO's decision."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from tracker.evaluation import rounds
from tracker.evaluation.models import ActionEvaluation, EvaluationRound, Knelpunt
from tracker.extensions import db
from tracker.meetings import agenda
from tracker.meetings.models import Meeting, MeetingOutcome, MeetingSeries
from tracker.notifications.models import Notification, NotificationState
from tracker.notifications.sending import send_due_notifications
from tracker.plan.models import Action, Plan, Theme
from tracker.progress.models import ActionRevision, ProgressUpdate

from .helpers import action, broken_labels, post_form, text_of
from .test_report_documents import assert_dutch

AMS = ZoneInfo("Europe/Amsterdam")
SLUG = "rotterdam-2024-2026"
ROUND = f"/evaluatie/{SLUG}"
#: The next plan, drafted on /plannen/nieuw from this one.
NEW_PLAN = {
    "base": SLUG,
    "title": "Regionaal Actieplan Mensenhandel Regio Rotterdam",
    "slug": "rotterdam-2027-2030",
    "start_year": "2027",
    "end_year": "2030",
}


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=AMS).astimezone(UTC).replace(tzinfo=None)


def evaluation(**changes) -> dict:
    return {
        "version": "0",
        "result": "deels",
        "delivered": "Twee werkbezoeken en een gezamenlijke controle in de havens.",
        "effect": "Signalen komen sneller bij het RIEC.",
        "helped": "Vaste contactpersonen bij elke partner.",
        "hindered": "Capaciteit bij de partners voor gezamenlijke controles.",
        "advice": "voortzetten",
        "advice_reason": "De aanpak werkt en moet blijven.",
        "new_text": "",
        **changes,
    }


@pytest.fixture
def mail_app(seeded_app, smtp_server):
    seeded_app.config.update(smtp_server.config, BASE_URL="https://tracker.example.test")
    return seeded_app


def _open(client, deadline="2026-12-01"):
    return post_form(client, f"{ROUND}/ronde", {"deadline": deadline})


def _update(code: str, text: str) -> ProgressUpdate:
    update = ProgressUpdate(
        action=action(code),
        status_before="niet_gestart",
        status_after="lopend",
        text=text,
        created_at=datetime(2025, 5, 6, 10),
    )
    db.session.add(update)
    db.session.commit()
    return update


def _rvo_decision(text: str) -> MeetingOutcome:
    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "rvo"))
    starts = datetime(2026, 11, 20, 13)
    meeting = Meeting(
        series=series, starts_at=starts, ends_at=starts + timedelta(hours=2), state="gehouden"
    )
    outcome = MeetingOutcome(meeting=meeting, kind="besluit", text=text)
    db.session.add_all([meeting, outcome])
    db.session.commit()
    return outcome


def test_the_whole_round_from_opening_to_the_adopted_next_plan(
    mail_app, smtp_server, client_for, roles
):
    """The issue's "done when": open, owners' e-mails through the outbox, evaluations by two
    roles, a knelpunt, the report as PDF and .docx, the next plan drafted and adopted."""
    update = _update("4.1", "Werkgroep gestart met de eerste twee gemeenten.")
    # Monday 2 November 2026, 10:00 in Amsterdam: civil hours.
    clock = time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False)
    traveller = clock.start()
    try:
        _whole_round(traveller, client_for, smtp_server, roles, update)
    finally:
        clock.stop()


def _whole_round(traveller, client_for, smtp_server, roles, update):
    """The steps of the round, each on its day (a new day, a new login)."""

    def day(moment: datetime):
        traveller.move_to(moment.replace(tzinfo=UTC))
        return client_for("beheerder"), client_for("bijdrager_eigen"), client_for("lezer")

    admin, riec, lezer = day(datetime(2026, 11, 2, 9, 0))
    assert _open(admin).status_code == 302
    evaluation_round = db.session.scalar(select(EvaluationRound))
    assert evaluation_round.deadline.isoformat() == "2026-12-01"
    sent = send_due_notifications(datetime(2026, 11, 2, 9, 0))
    inbox = {rcpt[0]: m for rcpt, m in smtp_server.messages}
    assert sent == len(inbox) >= 3
    invitation = inbox[roles["bijdrager_eigen"].email]
    body = invitation.get_body(("plain",)).get_content()
    assert invitation["Subject"].startswith("Evaluatie Regionaal Actieplan Mensenhandel")
    assert "vóór 1 december 2026" in body
    assert f"https://tracker.example.test{ROUND}/acties/4.1" in body
    assert "4.1" in body and "3.3" not in body  # RIEC's actions only
    af_body = inbox[roles["af_schiedam"].email].get_body(("plain",)).get_content()
    assert "/gemeenten/schiedam" in af_body  # the borging the evaluation takes over
    assert "2.3" in af_body

    admin, riec, lezer = day(datetime(2026, 11, 3, 9, 0))
    # The owner's Mijn acties shows what is still open.
    mine = text_of(riec.get("/mijn-acties"))
    assert "nog" in mine and "te evalueren" in mine and "4.1" in mine
    # The owner evaluates her action, with the update as evidence.
    page = riec.get(f"{ROUND}/acties/4.1").get_data(as_text=True)
    assert "Werkgroep gestart met de eerste twee gemeenten." in page
    assert f'value="voortgang:{update.id}"' in page
    response = post_form(
        riec, f"{ROUND}/acties/4.1", evaluation(evidence=[f"voortgang:{update.id}"])
    )
    assert response.status_code == 302, text_of(response)[:600]
    # A reader reads it, but cannot write; another partner cannot either.
    assert "Twee werkbezoeken" in text_of(lezer.get(f"{ROUND}/acties/4.1"))
    assert lezer.post(f"{ROUND}/acties/4.1", data=evaluation()).status_code in (400, 403)
    other = client_for("bijdrager_ander")
    assert post_form(other, f"{ROUND}/acties/4.1", evaluation()).status_code == 403
    # The beheerder completes and corrects: 1.1 stops, 1.2 is adjusted.
    stop = evaluation(result="bereikt", advice="stoppen", advice_reason="Het doel is bereikt.")
    assert post_form(admin, f"{ROUND}/acties/1.1", stop).status_code == 302
    adjust = evaluation(
        advice="aanpassen",
        advice_reason="Breder maken naar alle vormen van uitbuiting.",
        new_text="Jaarlijks een regiobeeld van alle vormen van uitbuiting.",
    )
    assert post_form(admin, f"{ROUND}/acties/1.2", adjust).status_code == 302
    # A knelpunt, registered from what hindered 4.1, proposed for the Tafel.
    ev = db.session.scalar(
        select(ActionEvaluation).where(ActionEvaluation.action_id == action("4.1").id)
    )
    form = riec.get(f"/knelpunten/nieuw?evaluatie={ev.id}").get_data(as_text=True)
    assert "Capaciteit bij de partners" in form
    response = post_form(
        riec,
        f"/knelpunten/nieuw?evaluatie={ev.id}",
        {
            "version": "0",
            "what": "Capaciteit bij de partners voor gezamenlijke controles.",
            "since": "2025-09-01",
            "actions": ["4.1"],
            "solver_party": "VAR",
            "status": "open",
            "for_table": "y",
        },
    )
    assert response.status_code == 302, text_of(response)[:600]
    knelpunt = db.session.scalar(select(Knelpunt))
    assert knelpunt.source_evaluation_id == ev.id
    table = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "regionale-tafel"))
    meeting = Meeting(
        series=table, starts_at=datetime(2026, 12, 10, 13), ends_at=datetime(2026, 12, 10, 15)
    )
    db.session.add(meeting)
    db.session.flush()
    titles = [p.title for p in agenda.proposals(meeting, datetime(2026, 11, 3).date())]
    assert "Knelpunt: Capaciteit bij de partners voor gezamenlijke controles." in titles
    db.session.rollback()
    # Progress per action and per owner for the secretary.
    response = admin.get(ROUND)
    assert broken_labels(response.get_data(as_text=True)) == []
    overview = text_of(response)
    assert "3 van 47 acties geëvalueerd" in overview
    assert "Nog open" in overview

    # A week before the deadline the reminder lists what RIEC still has open, not 4.1.
    smtp_server.messages.clear()
    reminder_at = utc(2026, 11, 24, 9, 0)
    day(reminder_at)
    send_due_notifications(reminder_at)
    reminders = {rcpt[0]: m for rcpt, m in smtp_server.messages}
    riec_reminder = reminders[roles["bijdrager_eigen"].email].get_body(("plain",)).get_content()
    assert "Herinnering" in reminders[roles["bijdrager_eigen"].email]["Subject"]
    assert "/acties/4.1" not in riec_reminder

    admin, riec, lezer = day(datetime(2026, 12, 2, 9, 0))
    # The report, as PDF and as Word document.
    pdf = admin.get(f"{ROUND}/rapport.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "private, no-cache"  # internal: no shared cache
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    metadata = PdfReader(io.BytesIO(pdf.data)).metadata
    assert metadata.title.startswith("Evaluatie") and metadata.author == roles["beheerder"].name

    def squeezed(value: str) -> str:  # line breaks and hyphenation left out on both sides
        return re.sub(r"[\s\-\u00ad\u2010]", "", value)

    for expected in (
        "Evaluatie",
        "3 van 47 acties",
        "Twee werkbezoeken",
        "Capaciteit bij de partners",
        "Borging in de gemeenten",
        "Breder maken naar alle vormen van uitbuiting.",
        # The figures over the period: every year the monitors give, not the last two.
        "Kerncijfers over de looptijd",
        "2021: 16 2022: 23 (+7)",
        "2021: 54 2022: 25 (niet vergelijkbaar)",
        "2022: Dit verschil met 2021 heeft te maken met de wijze van vastlegging.",
    ):
        assert squeezed(expected) in squeezed(text), expected
    # The results per theme keep their words whole: no "Be-reikt" in a table for the RVO.
    results_page = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    for word in ("Bereikt", "Vervallen", "geëvalueerd", "samenwerking", "slachtoffer"):
        assert word in results_page, word
    # So do the knelpunten's headers, the figures' names and the municipalities' names.
    for word in ("oplossen", "aangehouden", "prostituees", "Goeree-Overflakkee"):
        assert word in text, word
    docx = admin.get(f"{ROUND}/rapport.docx")
    document = Document(io.BytesIO(docx.data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Knelpunten" in headings and "Advies voor het volgende plan" in headings
    assert document.core_properties.title == (
        "Evaluatie Regionaal Actieplan Mensenhandel Regio Rotterdam 2024-2026"
    )
    assert_dutch(document)
    # In the PDF's order: the advice right after the results, before the actions one by one.
    assert headings.index("Advies voor het volgende plan") < headings.index(
        "Thema 1: Aard en omvang"
    )
    assert "Kerncijfers over de looptijd" in headings
    words = "\n".join(p.text for p in document.paragraphs)
    assert "Twee werkbezoeken en een gezamenlijke controle" in words
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "2021: 16\n2022: 23 (+7)" in cells
    # The results per theme add up to the plan's actions: the not evaluated have a column.
    results = next(t for t in document.tables if t.rows[0].cells[-1].text == "Niet geëvalueerd")
    rows = [[cell.text for cell in row.cells] for row in results.rows]
    assert rows[-1][0] == "Totaal" and sum(int(n) for n in rows[-1][1:]) == 47
    assert rows[-1][-1] == "44"

    # The next plan from the advice.
    old = {code: action(code) for code in ("1.1", "1.2", "4.1")}
    next_plan = {
        "title": "Regionaal Actieplan Mensenhandel Regio Rotterdam 2027-2030",
        "slug": "rotterdam-2027-2030",
        "start_year": "2027",
        "end_year": "2030",
    }
    refused = post_form(admin, f"{ROUND}/nieuw-plan", next_plan)
    assert "Laat de jaartallen weg" in text_of(refused), text_of(refused)[:600]
    next_plan["title"] = "Regionaal Actieplan Mensenhandel Regio Rotterdam"
    response = post_form(admin, f"{ROUND}/nieuw-plan", next_plan)
    assert response.status_code == 302, text_of(response)[:600]
    draft = db.session.scalar(select(Plan).where(Plan.slug == "rotterdam-2027-2030"))
    carried = {
        a.predecessor_id: a
        for a in db.session.scalars(
            select(Action).join(Action.theme).where(Theme.plan_id == draft.id)
        )
    }
    assert old["1.1"].id not in carried  # advised to stop
    adjusted = carried[old["1.2"].id]
    assert adjusted.text == "Jaarlijks een regiobeeld van alle vormen van uitbuiting."
    assert adjusted.code == "1.1"  # numbered again within its theme
    revision = db.session.scalar(
        select(ActionRevision).where(ActionRevision.action_id == adjusted.id)
    )
    assert "Breder maken" in revision.reason
    assert carried[old["4.1"].id].text == old["4.1"].text
    response = admin.get(ROUND)
    assert broken_labels(response.get_data(as_text=True)) == []
    where = text_of(response)
    assert "niet overgenomen (stoppen)" in where and "aangepast als 1.1" in where
    # Adopted with the RVO's decision; the evaluation stays a click away.
    decision = _rvo_decision("Het RVO stelt het actieplan 2027-2030 vast.")
    response = post_form(
        admin, "/plannen/rotterdam-2027-2030/vaststellen", {"decision": str(decision.id)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    draft = db.session.get(Plan, draft.id)
    assert draft.is_current and draft.decision_id == decision.id
    assert lezer.get("/evaluatie").headers["Location"].endswith(ROUND)
    assert "3 van 47 acties geëvalueerd" in text_of(lezer.get(ROUND))


def test_a_round_needs_a_deadline_after_today_and_opens_once(client_for):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        admin = client_for("beheerder")
        response = _open(admin, "2026-10-01")
        assert response.status_code == 400
        assert "De termijn moet na vandaag (2 november 2026) liggen" in text_of(response)
        assert db.session.scalar(select(EvaluationRound)) is None
        assert "Dit veld is verplicht." in text_of(_open(admin, ""))
        assert _open(admin).status_code == 302
        # A second post moves the deadline, and the reminders with it.
        assert _open(admin, "2026-12-15").status_code == 302
        reminder = db.session.scalar(
            select(Notification).where(Notification.kind == "evaluatie_herinnering")
        )
        assert reminder.due_at == utc(2026, 12, 8, 9, 0)
        lezer = client_for("lezer")
        assert post_form(lezer, f"{ROUND}/ronde", {"deadline": "2026-12-20"}).status_code == 403


@pytest.fixture
def open_round(client_for):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        assert _open(client_for("beheerder")).status_code == 302
    return db.session.scalar(select(EvaluationRound))


def test_mijn_acties_reads_what_is_left_to_evaluate_in_one_statement(
    seeded_app, make_user, count_queries
):
    """While the round runs (all of December), Mijn acties lists a bijdrager's actions still
    to evaluate from one statement of rows (three, with each action's owners and their
    links, before), and not those evaluated already."""
    from .conftest import login_as

    riec = make_user("bijdrager", party="RIEC")

    def mine() -> tuple[str, int]:
        with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
            client = login_as(seeded_app.test_client(), riec)
            db.session.remove()
            with count_queries as counter:
                page = client.get("/mijn-acties").get_data(as_text=True)
        return page, counter.count

    before, quiet = mine()
    assert "Mijn acties" in before and "te evalueren" not in before
    plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
    evaluation_round = EvaluationRound(plan=plan, deadline=datetime(2026, 12, 1).date())
    db.session.add(evaluation_round)
    db.session.add(
        ActionEvaluation(
            round=evaluation_round,
            action=action("4.1"),
            result="deels",
            delivered="Opgeleverd.",
            advice="voortzetten",
            advice_reason="Werkt.",
        )
    )
    db.session.commit()
    page, statements = mine()
    left = page.split('aria-labelledby="evaluatie"')[1].split("</section>")[0]
    assert "/acties/4.2?terug=mijn-acties" in left and "/acties/4.1?" not in left
    assert statements == quiet + 1


def test_an_owner_who_came_after_the_round_opened_is_invited_on_the_next_tick(
    mail_app, smtp_server, client_for, make_user
):
    """A new account of an owning party, made while the round runs, gets the invitation
    (and later the reminder) the others got; once, and not after the deadline."""
    opened = utc(2026, 11, 2, 9, 0)
    with time_machine.travel(opened.replace(tzinfo=UTC), tick=False):
        assert _open(client_for("beheerder")).status_code == 302
        send_due_notifications(opened)
    smtp_server.messages.clear()

    def mails_to(address: str) -> list:
        return [m for rcpt, m in smtp_server.messages if rcpt == [address]]

    later = utc(2026, 11, 10, 9, 0)
    with time_machine.travel(later.replace(tzinfo=UTC), tick=False):
        newcomer = make_user("bijdrager", party="FIER", email="nieuw@fier.test")
        send_due_notifications(later)
        (invitation,) = mails_to("nieuw@fier.test")
        assert invitation["Subject"].startswith("Evaluatie Regionaal Actieplan Mensenhandel")

        plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
        body = invitation.get_body(("plain",)).get_content()
        for owned in rounds.still_to_evaluate(newcomer, rounds.round_of(plan)):
            assert f"{ROUND}/acties/{owned.code}" in body
        assert not any(rcpt != ["nieuw@fier.test"] for rcpt, _ in smtp_server.messages)
        # The next tick after another change adds nothing for them.
        make_user("lezer", email="lezer2@fier.test")
        send_due_notifications(later + timedelta(minutes=1))
        assert len(mails_to("nieuw@fier.test")) == 1
    rows = db.session.scalars(
        select(Notification).where(Notification.recipient_id == newcomer.id)
    ).all()
    assert sorted(n.kind for n in rows) == ["evaluatie", "evaluatie_herinnering"]
    assert {n.due_at for n in rows if n.kind == "evaluatie_herinnering"} == {
        utc(2026, 11, 24, 9, 0)
    }
    # After the deadline nobody is invited any more.
    closed = utc(2026, 12, 2, 9, 0)
    with time_machine.travel(closed.replace(tzinfo=UTC), tick=False):
        too_late = make_user("bijdrager", party="FIER", email="laat@fier.test")
        send_due_notifications(closed)
    assert not mails_to("laat@fier.test")
    assert (
        db.session.scalar(select(Notification).where(Notification.recipient_id == too_late.id))
        is None
    )


def test_the_rounds_e_mails_held_up_past_the_deadline_are_not_sent(
    mail_app, smtp_server, client_for
):
    """An outbox held up (the server down over the deadline, a mail server refusing) would
    send "evalueer uw acties vóór 1 december" on 2 December: once the deadline has passed
    where the users live, the round's invitation and reminder expire instead."""
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        assert _open(client_for("beheerder")).status_code == 302
    rows = db.session.scalars(select(Notification)).all()
    assert {n.kind for n in rows} == {"evaluatie", "evaluatie_herinnering"}
    # Midnight in Amsterdam, still 1 December in UTC: the deadline (1 December) has passed.
    mail_app.config["CIVIL_HOURS"] = False  # the night's tick sends what is due
    first_tick = utc(2026, 12, 2, 0, 0)
    with time_machine.travel(first_tick.replace(tzinfo=UTC), tick=False):
        assert send_due_notifications(first_tick) == 0
    assert smtp_server.messages == []
    db.session.expire_all()
    assert {(n.state, n.last_error) for n in db.session.scalars(select(Notification))} == {
        ("verlopen", "Termijn van de evaluatie (1 december 2026) al verstreken")
    }


def test_a_later_deadline_is_named_in_a_reminder_to_whoever_has_actions_left(
    mail_app, smtp_server, client_for, roles
):
    """December: the reminder ("vóór 1 december") went out, then the secretary gives the
    owners until 15 December. Those with actions left hear of the new deadline a week before
    it; those who evaluated everything hear nothing more."""
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        admin = client_for("beheerder")
        assert _open(admin).status_code == 302
        send_due_notifications(datetime(2026, 11, 2, 9, 0))
        evaluation_round = db.session.scalar(select(EvaluationRound))
        for owned in rounds.still_to_evaluate(roles["bijdrager_eigen"], evaluation_round):
            path = f"{ROUND}/acties/{owned.code}"
            assert post_form(admin, path, evaluation()).status_code == 302
    reminded = utc(2026, 11, 24, 9, 0)
    with time_machine.travel(reminded.replace(tzinfo=UTC), tick=False):
        send_due_notifications(reminded)
    riec, schiedam = roles["bijdrager_eigen"].email, roles["af_schiedam"].email

    def reminders_to(address: str) -> list[str]:
        return [
            m["Subject"]
            for rcpt, m in smtp_server.messages
            if rcpt == [address] and m["Subject"].startswith("Herinnering")
        ]

    assert reminders_to(schiedam) == ["Herinnering: evalueer uw acties vóór 1 december 2026"]
    assert reminders_to(riec) == []  # RIEC's actions are evaluated
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=UTC), tick=False):
        admin = client_for("beheerder")
        assert _open(admin, "2026-12-15").status_code == 302
        page = text_of(admin.get(ROUND))
        assert "krijgt 7 dagen ervoor een herinnering met de nieuwe termijn" in page
        assert send_due_notifications(utc(2026, 11, 26, 10, 0)) == 0  # not before its day
    again = utc(2026, 12, 8, 9, 0)
    with time_machine.travel(again.replace(tzinfo=UTC), tick=False):
        send_due_notifications(again)
    assert reminders_to(schiedam) == [
        "Herinnering: evalueer uw acties vóór 1 december 2026",
        "Herinnering: evalueer uw acties vóór 15 december 2026 (termijn verschoven)",
    ]
    assert reminders_to(riec) == []
    # The owner read 1 December in the first two e-mails: the third says it moved.
    body = smtp_server.messages[-1][1].get_body(("plain",)).get_content()
    assert "Op 15 december 2026 sluit de evaluatie" in body
    assert "(de termijn is verschoven; eerst was het 1 december 2026)" in body
    with time_machine.travel(again.replace(tzinfo=UTC), tick=False):
        assert "termijn 15 december 2026 (verschoven van 1 december 2026)" in text_of(
            client_for("beheerder").get(ROUND)
        )
        assert "vóór 15 december 2026 (de termijn is verschoven van 1 december 2026)" in (
            text_of(client_for("af_schiedam").get("/mijn-acties"))
        )

    # Moved again and again: each owner has one reminder waiting, on the last deadline's day.
    def waiting() -> list[datetime]:
        return db.session.scalars(
            select(Notification.due_at).where(
                Notification.kind == "evaluatie_herinnering", Notification.state == "wachtend"
            )
        ).all()

    with time_machine.travel(datetime(2026, 12, 9, 9, 0, tzinfo=UTC), tick=False):
        admin = client_for("beheerder")
        assert _open(admin, "2026-12-22").status_code == 302
        once = len(waiting())
        assert _open(admin, "2026-12-23").status_code == 302
    assert once > 0 and waiting() == [utc(2026, 12, 16, 9, 0)] * once
    evaluation_round = db.session.scalar(select(EvaluationRound))
    assert evaluation_round.first_deadline.isoformat() == "2026-12-01"  # the first, still


def test_an_invitation_that_expired_goes_out_when_the_deadline_moves_on(
    mail_app, smtp_server, client_for, roles
):
    """The outbox was held up over the deadline, so the invitations expired; the secretary
    gives the owners until 20 December, and the invitations go out naming it."""
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        assert _open(client_for("beheerder")).status_code == 302
    mail_app.config["CIVIL_HOURS"] = False
    late = utc(2026, 12, 2, 0, 0)
    with time_machine.travel(late.replace(tzinfo=UTC), tick=False):
        assert send_due_notifications(late) == 0
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=UTC), tick=False):
        assert _open(client_for("beheerder"), "2026-12-20").status_code == 302
        send_due_notifications(utc(2026, 12, 3, 10, 0))
    subjects = [
        m["Subject"] for rcpt, m in smtp_server.messages if rcpt == [roles["af_schiedam"].email]
    ]
    assert len(subjects) == 1 and subjects[0].endswith("vóór 20 december 2026")  # its first
    assert db.session.scalar(
        select(Notification.due_at).where(
            Notification.recipient_id == roles["af_schiedam"].id,
            Notification.kind == "evaluatie_herinnering",
            Notification.state == "wachtend",
        )
    ) == utc(2026, 12, 13, 9, 0)


def test_after_the_deadline_the_pages_say_it_has_passed(open_round, client_for):
    """In January the round's deadline (1 December) lies behind: Mijn acties no longer asks
    to evaluate "vóór 1 december 2026", and every page that names it says it has passed
    while a late evaluation still counts."""
    with time_machine.travel(datetime(2027, 1, 11, 9, 0, tzinfo=UTC), tick=False):
        riec, admin = client_for("bijdrager_eigen"), client_for("beheerder")
        mine = text_of(riec.get("/mijn-acties"))
        assert "vóór 1 december 2026" not in mine
        assert "De termijn was 1 december 2026 ;" in mine
        assert "een late evaluatie telt nog mee" in mine
        index = text_of(admin.get(ROUND))
        assert "termijn 1 december 2026 (verstreken; eigenaren kunnen nog aanvullen)" in index
        form = text_of(riec.get(f"{ROUND}/acties/4.1"))
        assert "termijn evaluatie: 1 december 2026 (verstreken; uw evaluatie telt nog mee)" in form
        assert "(termijn 1 december 2026, verstreken)" in text_of(riec.get("/acties/4.1"))
    with time_machine.travel(datetime(2026, 12, 1, 20, 0, tzinfo=UTC), tick=False):
        mine = text_of(client_for("bijdrager_eigen").get("/mijn-acties"))
        assert "Evalueer uw acties vóór 1 december 2026" in mine
        action_page = text_of(client_for("bijdrager_eigen").get("/acties/4.1"))
        assert "(termijn 1 december 2026)" in action_page
        assert "verstreken" not in text_of(client_for("beheerder").get(ROUND))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"result": ""}, "Kies het resultaat."),
        ({"delivered": ""}, "Dit veld is verplicht."),
        ({"advice": "weggooien"}, "Kies een advies."),
        ({"advice": "aanpassen"}, "schrijf hoe de actie in het volgende plan moet luiden"),
        ({"new_text": "Andere tekst."}, "Een nieuwe tekst hoort bij"),
        ({"evidence": ["voortgang:999999"]}, "Kies de onderbouwing uit de lijst"),
        ({"delivered": "Melding over BSN 111222333 besproken."}, "BSN"),
    ],
)
def test_a_bad_evaluation_is_refused_with_a_dutch_message_and_kept(
    open_round, client_for, changes, message
):
    response = post_form(
        client_for("bijdrager_eigen"), f"{ROUND}/acties/4.1", evaluation(**changes)
    )
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert "Vaste contactpersonen bij elke partner." in page  # nothing typed is lost
    assert db.session.scalar(select(ActionEvaluation)) is None


def test_a_question_labels_its_message_without_a_colon(open_round, client_for):
    """The summary and the found-data box lead with the field's label: "Wat hielp? Deze
    tekst …", not "Wat hielp?: …"."""
    changes = {"helped": "Het contact met Jan de Vries van het RIEC."}
    response = post_form(
        client_for("bijdrager_eigen"), f"{ROUND}/acties/4.1", evaluation(**changes)
    )
    page = text_of(response)
    assert "Wat hielp? Deze tekst lijkt een naam" in page
    assert "?:" not in page


def test_the_suggested_result_says_where_it_comes_from(open_round, client_for):
    """A first evaluation starts from the action's status (not started: not achieved); the
    form says so, beside the choice, instead of a silently ticked "Niet bereikt"."""
    riec = client_for("bijdrager_eigen")
    html = riec.get(f"{ROUND}/acties/4.1").get_data(as_text=True)
    assert re.search(
        r'<input[^>]*checked[^>]*value="niet"|<input[^>]*value="niet"[^>]*checked', html
    )
    assert 'aria-describedby="result-hint"' in html
    assert "Voorgesteld uit de status van de actie (niet gestart); kies wat de actie" in html
    assert post_form(riec, f"{ROUND}/acties/4.1", evaluation()).status_code == 302
    assert "Voorgesteld uit de status" not in riec.get(f"{ROUND}/acties/4.1").get_data(as_text=True)


def test_the_outbox_lists_the_rounds_e_mails_by_what_they_are(open_round, client_for):
    """The invitation goes out when the round opens: no "(0 d)" as if it were due days
    before something; the reminder keeps its days before the deadline."""
    page = text_of(client_for("beheerder").get("/beheer/berichten"))
    assert "Verzoek om evaluatie " in page and "Verzoek om evaluatie (0 d)" not in page
    assert "Herinnering evaluatie (7 d)" in page


def test_adopting_while_the_round_runs_is_said_before(open_round, client_for):
    """Adopting the next plan archives this one, after which the owners no longer evaluate:
    the plans page says so while the round runs and actions are left."""
    warning = "De evaluatie van 2024-2026 loopt nog tot 1 december 2026 (0 van 47 acties"
    with time_machine.travel(datetime(2026, 11, 10, 9, 0, tzinfo=UTC), tick=False):
        admin = client_for("beheerder")
        assert post_form(admin, "/plannen/nieuw", NEW_PLAN).status_code == 302
        page = text_of(admin.get("/plannen"))
        assert warning in page
        assert "Na vaststellen evalueren de eigenaren niet meer" in page
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=UTC), tick=False):
        assert "De evaluatie van 2024-2026 loopt nog" not in text_of(
            client_for("beheerder").get("/plannen")
        )


def test_a_stale_evaluation_is_refused_and_kept(open_round, client_for):
    riec, admin = client_for("bijdrager_eigen"), client_for("beheerder")
    assert post_form(riec, f"{ROUND}/acties/4.1", evaluation()).status_code == 302
    # The beheerder opened the form before that save (version 0): her save is refused.
    response = post_form(admin, f"{ROUND}/acties/4.1", evaluation(delivered="Mijn versie."))
    assert response.status_code == 409
    assert "Iemand anders heeft deze evaluatie opgeslagen" in text_of(response)
    assert "Mijn versie." in response.get_data(as_text=True)
    saved = db.session.scalar(select(ActionEvaluation))
    assert saved.delivered.startswith("Twee werkbezoeken")


def test_an_evaluation_before_the_round_is_opened_is_not_found(client_for):
    assert client_for("beheerder").get(f"{ROUND}/acties/4.1").status_code == 404
    assert "nog niet geopend" in text_of(client_for("lezer").get(ROUND))


def test_a_reminder_to_someone_who_evaluated_everything_is_withdrawn(
    mail_app, smtp_server, client_for, make_user
):
    nla = make_user("bijdrager", party="FIER", email="fier@example.test")
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        assert _open(client_for("beheerder")).status_code == 302
    owned = db.session.scalars(
        select(Notification).where(Notification.recipient_id == nla.id)
    ).all()
    assert {n.kind for n in owned} == {"evaluatie", "evaluatie_herinnering"}
    admin = client_for("beheerder")

    plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
    for fier_action in rounds.still_to_evaluate(nla, rounds.round_of(plan)):
        assert (
            post_form(admin, f"{ROUND}/acties/{fier_action.code}", evaluation()).status_code == 302
        )
    reminder_at = utc(2026, 11, 24, 9, 0)
    with time_machine.travel(reminder_at.replace(tzinfo=UTC), tick=False):
        send_due_notifications(reminder_at)
    reminder = db.session.scalar(
        select(Notification).where(
            Notification.recipient_id == nla.id, Notification.kind == "evaluatie_herinnering"
        )
    )
    assert reminder.state == NotificationState.WITHDRAWN.value
    to_fier = [m["Subject"] for rcpt, m in smtp_server.messages if rcpt == ["fier@example.test"]]
    assert len(to_fier) == 1 and not to_fier[0].startswith("Herinnering")  # the invitation


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"actions": []}, "Kies minstens één actie die het knelpunt blokkeert."),
        ({"actions": ["9.9"]}, "Kies de acties uit de lijst."),
        ({"status": "opgelost"}, "kort hoe het is opgelost."),
        ({"since": "2099-01-01"}, "Een knelpunt bestaat al"),
        ({"what": ""}, "Dit veld is verplicht."),
    ],
)
def test_a_bad_knelpunt_is_refused(client_for, changes, message):
    data = {
        "version": "0",
        "what": "Geen vaste financiering voor de zorgcoördinatie.",
        "since": "2025-01-01",
        "actions": ["3.5"],
        "status": "open",
        **changes,
    }
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        riec = client_for("bijdrager_eigen")
        response = post_form(riec, "/knelpunten/nieuw", data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert db.session.scalar(select(Knelpunt)) is None


def test_a_knelpunt_is_changed_by_its_registrant_and_the_beheerder_only(client_for):
    data = {
        "version": "0",
        "what": "Geen vaste financiering voor de zorgcoördinatie.",
        "since": "2025-01-01",
        "actions": ["3.5"],
        "status": "open",
    }
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        riec = client_for("bijdrager_eigen")
        assert post_form(riec, "/knelpunten/nieuw", data).status_code == 302
        knelpunt = db.session.scalar(select(Knelpunt))
        path = f"/knelpunten/{knelpunt.id}"
        solved = {**data, "version": "1", "status": "opgelost", "resolution": "Subsidie rond."}
        assert post_form(client_for("bijdrager_ander"), path, solved).status_code == 403
        assert "Geen vaste financiering" in text_of(client_for("lezer").get("/knelpunten"))
        assert post_form(client_for("beheerder"), path, solved).status_code == 302
        # RIEC's form still says version 1: her save is refused, not silently lost.
        response = post_form(riec, path, {**data, "version": "1"})
        assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Knelpunt, knelpunt.id).status == "opgelost"


def test_a_knelpunt_from_a_late_update_is_dated_where_the_users_are(client_for):
    update = _update("4.1", "Geen capaciteit bij de partners voor de controle in de haven.")
    update.created_at = utc(2025, 5, 7, 0, 30)  # 22:30 on 6 May in UTC
    db.session.commit()
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        form = client_for("bijdrager_eigen").get(f"/knelpunten/nieuw?update={update.id}")
        assert 'value="2025-05-07"' in form.get_data(as_text=True)


def test_a_knelpunt_registered_from_an_update_shows_on_the_action_page(client_for):
    update = _update("4.1", "Geen capaciteit bij de partners voor de controle in de haven.")
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        riec, lezer = client_for("bijdrager_eigen"), client_for("lezer")
        page = riec.get("/acties/4.1").get_data(as_text=True)
        assert f"/knelpunten/nieuw?update={update.id}" in page
        assert "/knelpunten/nieuw?update=" not in lezer.get("/acties/4.1").get_data(as_text=True)
        form = riec.get(f"/knelpunten/nieuw?update={update.id}").get_data(as_text=True)
        assert "Geen capaciteit bij de partners" in form and 'value="2025-05-06"' in form
        data = {
            "version": "0",
            "what": "Geen capaciteit bij de partners voor de controle in de haven.",
            "since": "2025-05-06",
            "actions": ["4.1"],
            "status": "open",
        }
        assert post_form(riec, f"/knelpunten/nieuw?update={update.id}", data).status_code == 302
        assert db.session.scalar(select(Knelpunt)).source_update_id == update.id
        page = text_of(lezer.get("/acties/4.1"))
        assert "Geen capaciteit bij de partners voor de controle in de haven." in page


def test_the_progress_report_lists_the_decisions_that_changed_the_plan(client_for):
    decision = _rvo_decision("Het RVO breidt actie 4.1 uit naar alle vormen van uitbuiting.")
    revision = ActionRevision(
        action=action("4.1"), reason="Besluit RVO.", changes={}, decision_id=decision.id
    )
    db.session.add(revision)
    db.session.commit()
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=UTC), tick=False):
        lezer = client_for("lezer")
        page = text_of(lezer.get("/rapportage?peildatum=2026-12-01"))
        assert "Besluiten over het plan" in page
        assert "Het RVO breidt actie 4.1 uit" in page
        # Before the decision's meeting it is not yet part of the report.
        assert "Het RVO breidt" not in text_of(lezer.get("/rapportage?peildatum=2026-11-01"))
        document = Document(io.BytesIO(lezer.get("/rapportage.docx?peildatum=2026-12-01").data))
        assert any(
            "Het RVO breidt actie 4.1" in cell.text
            for t in document.tables
            for row in t.rows
            for cell in row.cells
        )
        # The complete PDF's contents name the chapter, with the page it starts on.
        pdf = lezer.get("/rapportage/volledig.pdf?peildatum=2026-12-01").data
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
        contents = re.sub(r"\s+", " ", pages[1])
        number = int(re.search(r"Besluiten over het plan[ .]*(\d+)", contents).group(1))
        assert "Het RVO breidt actie 4.1" in pages[number - 1]


def test_unsolved_knelpunten_move_to_the_next_plan_with_their_actions(client_for):
    data = {
        "version": "0",
        "what": "Geen vaste financiering voor de zorgcoördinatie.",
        "since": "2025-01-01",
        "actions": ["3.5", "4.1"],
        "status": "open",
    }
    solved = {**data, "what": "Geen locatie voor het platform.", "status": "opgelost"}
    solved["resolution"] = "Locatie gevonden."
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        admin = client_for("beheerder")
        assert post_form(admin, "/knelpunten/nieuw", data).status_code == 302
        assert post_form(admin, "/knelpunten/nieuw", solved).status_code == 302
        old_plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
        kept = action("4.1")
        assert post_form(admin, "/plannen/nieuw", NEW_PLAN).status_code == 302
        plans = text_of(admin.get("/plannen"))
        assert "knelpunt: Geen vaste financiering voor de zorgcoördinatie." in plans
        assert "zorgcoördinatie.." not in plans  # one full stop, the sentence's
        assert "Geen locatie" not in plans
        assert post_form(admin, "/plannen/rotterdam-2027-2030/vaststellen", {}).status_code == 302
    db.session.expire_all()
    moved, stayed = db.session.scalars(select(Knelpunt).order_by(Knelpunt.id)).all()
    new = db.session.scalar(select(Plan).where(Plan.slug == "rotterdam-2027-2030"))
    assert moved.plan_id == new.id and stayed.plan_id == old_plan.id
    assert {a.predecessor_id for a in moved.actions} == {action_id(old_plan, "3.5"), kept.id}


def action_id(plan: Plan, code: str) -> int:
    theme, number = (int(part) for part in code.split("."))
    return db.session.scalar(
        select(Action.id)
        .join(Action.theme)
        .where(Theme.plan_id == plan.id, Theme.number == theme, Action.number == number)
    )
