"""Reminders are never lost and never sent twice: a real SMTP server, controlled time."""

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
import vobject
from sqlalchemy import func, select, update

from tracker import create_app
from tracker.dates import days_before_at, utcnow
from tracker.extensions import db
from tracker.meetings import services
from tracker.meetings.models import MeetingSeries
from tracker.notifications import planning
from tracker.notifications.models import Notification
from tracker.notifications.planning import plan_upcoming
from tracker.notifications.sending import (
    BATCH,
    MAX_ATTEMPTS,
    claim_due,
    lease_length,
    send_claimed,
    send_due_notifications,
)

AMS = ZoneInfo("Europe/Amsterdam")


def utc(*args) -> datetime:
    """Naive UTC for a local Amsterdam wall-clock time."""
    return datetime(*args, tzinfo=AMS).astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def mail_app(seeded_app, smtp_server):
    seeded_app.config.update(smtp_server.config, BASE_URL="https://tracker.example.test")
    return seeded_app


@pytest.fixture
def people(make_user):
    """Participants of the Regionale Tafel (AVIM, RIEC) and of nothing (CoMensha)."""
    return {
        "avim": make_user("bijdrager", party="AVIM", email="avim@example.test"),
        "riec": make_user("bijdrager", party="RIEC", email="riec@example.test"),
        "ph": make_user("lezer", party="PH", email="ph@example.test"),
        "comensha": make_user("bijdrager", party="CoMensha", email="comensha@example.test"),
    }


@pytest.fixture
def make_meeting(seeded_app):
    def make(code="platform-mensenhandel", start=(2025, 6, 20, 14, 0), hours=2, now=None, **kw):
        series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == code))
        starts_at = utc(*start)
        meeting = services.create_meeting(
            series,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            location=kw.get("location", "Stadhuis, zaal 2"),
            agenda=kw.get("agenda", "1. Opening\n2. Voortgang actieplan"),
            author=None,
            now=now or utc(2025, 1, 1, 12, 0),
        )
        db.session.commit()
        return meeting

    return make


def tick(at: datetime) -> int:
    with time_machine.travel(at.replace(tzinfo=UTC), tick=False):
        return send_due_notifications(at)


def inbox_for(smtp_server, email):
    return [m for rcpt, m in smtp_server.messages if rcpt == [email]]


# When ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meeting_local", "days", "expected_utc"),
    [
        ((2025, 6, 20, 14, 0), 14, datetime(2025, 6, 6, 7, 0)),  # summer: 09:00 = 07:00 UTC
        ((2025, 1, 20, 14, 0), 2, datetime(2025, 1, 18, 8, 0)),  # winter: 09:00 = 08:00 UTC
        ((2025, 4, 8, 10, 0), 14, datetime(2025, 3, 25, 8, 0)),  # meeting CEST, reminder CET
        ((2025, 11, 5, 10, 0), 14, datetime(2025, 10, 22, 7, 0)),  # meeting CET, reminder CEST
        ((2025, 3, 31, 9, 0), 1, datetime(2025, 3, 30, 7, 0)),  # reminder on the spring-forward day
        ((2025, 10, 27, 9, 0), 1, datetime(2025, 10, 26, 8, 0)),  # reminder on the fall-back day
        ((2025, 6, 20, 0, 30), 2, datetime(2025, 6, 18, 7, 0)),  # local date, not UTC date
    ],
)
def test_days_before_is_0900_amsterdam_across_dst(meeting_local, days, expected_utc):
    assert (
        days_before_at(
            utc(*meeting_local), days, datetime.min.time().replace(hour=9), "Europe/Amsterdam"
        )
        == expected_utc
    )


def test_reminder_arrives_at_0900_local_n_days_before(mail_app, smtp_server, people, make_meeting):
    meeting = make_meeting()  # Platform Mensenhandel: AVIM, ESSM, RIEC, NLA, OM, AF; 14 and 2 days
    assert tick(utc(2025, 6, 6, 8, 59)) == 0
    assert smtp_server.messages == []
    assert tick(utc(2025, 6, 6, 9, 0)) == 2
    assert {tuple(r) for r, _ in smtp_server.messages} == {
        ("avim@example.test",),
        ("riec@example.test",),
    }
    assert tick(utc(2025, 6, 6, 9, 5)) == 0  # never twice
    _, message = smtp_server.messages[0]
    assert message["Subject"] == "Herinnering: Platform Mensenhandel op 20 juni 2025"
    assert "," not in message["To"]  # one recipient per e-mail
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Over 14 dagen is er een Platform Mensenhandel." in body
    assert (
        "Tijd: 14:00 - 16:00" in body
        and "Stadhuis, zaal 2" in body
        and "2. Voortgang actieplan" in body
    )
    assert f"https://tracker.example.test/vergaderingen/{meeting.id}" in body
    assert message["Message-ID"].endswith("@tracker.example.test>")
    sent_ids = set(
        db.session.scalars(select(Notification.message_id).where(Notification.sent_at.is_not(None)))
    )
    assert sent_ids == {m["Message-ID"] for _, m in smtp_server.messages}

    ics = next(p for p in message.iter_attachments() if p.get_content_type() == "text/calendar")
    event = vobject.readOne(ics.get_content()).vevent
    assert event.uid.value == meeting.uid
    assert event.dtstart.value == datetime(2025, 6, 20, 14, 0, tzinfo=event.dtstart.value.tzinfo)
    assert event.dtstart.value.utcoffset() == timedelta(hours=2)

    assert tick(utc(2025, 6, 18, 9, 0)) == 2  # the 2-day reminder
    assert len(inbox_for(smtp_server, "avim@example.test")) == 2
    assert inbox_for(smtp_server, "comensha@example.test") == []


def test_reminder_across_dst_arrives_at_0900_local(mail_app, smtp_server, people, make_meeting):
    make_meeting(start=(2025, 4, 8, 10, 0))  # 14-day reminder on 25 March, still winter time
    assert tick(datetime(2025, 3, 25, 7, 59)) == 0
    assert tick(datetime(2025, 3, 25, 8, 0)) == 2


def test_downtime_catch_up_sends_once_and_expires_past_meetings(
    mail_app, smtp_server, people, make_meeting
):
    ahead = make_meeting(start=(2025, 6, 20, 14, 0))
    past = make_meeting(start=(2025, 6, 7, 10, 0))  # its 2-day reminder was due 5 June 09:00
    # The scheduler was down from 4 June until Monday 9 June 10:00.
    assert tick(utc(2025, 6, 9, 10, 0)) == 2  # the 14-day reminders of the meeting still ahead
    assert tick(utc(2025, 6, 9, 10, 1)) == 0
    rows = db.session.scalars(select(Notification).where(Notification.meeting_id == past.id)).all()
    assert {r.state for r in rows} == {"verlopen"}
    assert all(
        r.meeting_id == ahead.id
        for r in db.session.scalars(select(Notification).where(Notification.state == "verstuurd"))
    )


def test_meeting_planned_late_sends_only_the_latest_due_reminder(
    mail_app, smtp_server, people, make_meeting
):
    make_meeting(start=(2025, 6, 20, 14, 0), now=utc(2025, 6, 19, 8, 0))
    assert tick(utc(2025, 6, 19, 8, 1)) == 0  # due yesterday: waits for 09:00 (civil hours)
    assert tick(utc(2025, 6, 19, 9, 1)) == 2  # one (the 2-day) per person, not two
    assert all(  # the 2-day reminder, sent the day before: it says so
        "Morgen is er een Platform Mensenhandel." in m.get_body(("plain",)).get_content()
        for _, m in smtp_server.messages
    )
    older = db.session.scalars(select(Notification).where(Notification.offset_days == 14)).all()
    assert older and {(r.state, r.last_error) for r in older} == {
        ("verlopen", "Vervangen door een latere herinnering")
    }


def test_a_claimed_reminder_whose_later_one_fell_due_meanwhile_is_not_sent(
    mail_app, smtp_server, people, make_meeting
):
    """A sender claims the 14-day reminders, stalls until the 2-day ones are due too, and
    then sends: the claimed older ones are replaced, not sent."""
    make_meeting(start=(2025, 6, 20, 14, 0), now=utc(2025, 5, 1, 8, 0))
    claimed_at = utc(2025, 6, 6, 9, 0)  # the 14-day reminders are due
    with time_machine.travel(claimed_at.replace(tzinfo=UTC), tick=False):
        plan_upcoming(claimed_at)
        db.session.commit()
        stalled = claim_due(claimed_at, owner="a")
    assert len(stalled) == 2
    woke_at = utc(2025, 6, 18, 9, 0)  # the 2-day reminders are due now
    with time_machine.travel(woke_at.replace(tzinfo=UTC), tick=False):
        plan_upcoming(woke_at)
        db.session.commit()
        assert send_claimed(stalled, "a", woke_at, {}) == 0
    assert smtp_server.messages == []
    rows = db.session.scalars(select(Notification).where(Notification.id.in_(stalled))).all()
    assert {(r.state, r.last_error) for r in rows} == {
        ("verlopen", "Vervangen door een latere herinnering")
    }


def test_two_schedulers_send_each_message_exactly_once(
    mail_app, smtp_server, people, make_user, make_meeting
):
    for n in range(12):
        make_user("bijdrager", party="NLA", email=f"nla{n}@example.test")
    make_meeting()
    second = create_app(
        {
            **{
                k: mail_app.config[k]
                for k in (
                    "SQLALCHEMY_DATABASE_URI",
                    "SECRET_KEY",
                    "SEEDS_DIR",
                    "BASE_URL",
                    "MAIL_SERVER",
                    "MAIL_PORT",
                )
            },
            "TESTING": True,
        },
        instance_path=mail_app.instance_path,
    )
    at = utc(2025, 6, 6, 9, 0)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run(app):
        try:
            with app.app_context():
                barrier.wait()
                results.append(send_due_notifications(at))
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(app,)) for app in (mail_app, second)]
    with time_machine.travel(at.replace(tzinfo=UTC), tick=False):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    with second.app_context():
        db.engine.dispose()
    assert errors == []
    assert sum(results) == 14
    recipients = [r[0] for r, _ in smtp_server.messages]
    assert len(recipients) == 14 and len(set(recipients)) == 14


def test_a_later_batch_of_a_long_tick_is_not_taken_by_another_scheduler(
    mail_app, smtp_server, people, make_user, make_meeting, monkeypatch
):
    """Scheduler A's first batch takes longer than a lease (a slow SMTP server); then it
    claims its second batch. Scheduler B ticks while A sends that batch: B must not see A's
    fresh claim as run out and send the same e-mails again (every Message-ID once)."""
    from tracker.notifications import sending

    for n in range(BATCH + 5):
        make_user("bijdrager", party="NLA", email=f"nla{n}@example.test")
    make_meeting()
    at = utc(2025, 6, 6, 9, 0)
    late = lease_length() + timedelta(minutes=2)
    # A's own clock: the slow first batch took ``late`` (no real waiting).
    passed = {"seconds": 0.0}
    real_monotonic = sending.time.monotonic
    monkeypatch.setattr(
        sending,
        "time",
        type("Clock", (), {"monotonic": lambda: real_monotonic() + passed["seconds"]}),
    )
    arrived = threading.Event()
    original = smtp_server.handle_DATA

    async def handle_data(server, session, envelope):
        answer = await original(server, session, envelope)
        if len(smtp_server.messages) == BATCH:  # the first batch is delivered
            passed["seconds"] = late.total_seconds()
            smtp_server.hold = threading.Event()
            smtp_server.holding.clear()
        return answer

    smtp_server.handle_DATA = handle_data
    errors = []

    def scheduler_a():
        try:
            with mail_app.app_context():
                send_due_notifications(at)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            arrived.set()

    second = create_app(
        {
            **{
                k: mail_app.config[k]
                for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "SEEDS_DIR", "BASE_URL")
            },
            **smtp_server.config,
            "TESTING": True,
        },
        instance_path=mail_app.instance_path,
    )
    thread = threading.Thread(target=scheduler_a)
    with time_machine.travel(at.replace(tzinfo=UTC), tick=False):
        thread.start()
        assert smtp_server.holding.wait(10)  # A's second batch is on the wire
    b_at = at + late + timedelta(seconds=1)
    with time_machine.travel(b_at.replace(tzinfo=UTC), tick=False), second.app_context():
        send_due_notifications(b_at)
        db.session.remove()
        db.engine.dispose()
    smtp_server.hold.set()
    thread.join(20)
    assert errors == []
    message_ids = [message["Message-ID"] for _, message in smtp_server.messages]
    assert len(message_ids) == BATCH + 5 + 2
    assert len(set(message_ids)) == len(message_ids)


def test_smtp_down_is_retried_and_arrives_once_back(mail_app, smtp_server, people, make_meeting):
    make_meeting()
    smtp_server.down()
    assert tick(utc(2025, 6, 6, 9, 0)) == 0
    rows = db.session.scalars(select(Notification).where(Notification.attempts > 0)).all()
    assert {r.state for r in rows} == {"wachtend"} and len(rows) == 2
    assert all("SMTP-fout" in r.last_error for r in rows)
    assert tick(utc(2025, 6, 6, 9, 0, 30)) == 0  # backoff: not yet
    smtp_server.up()
    assert tick(utc(2025, 6, 6, 9, 1)) == 2
    assert tick(utc(2025, 6, 6, 9, 30)) == 0
    assert len(smtp_server.messages) == 2


def test_permanent_failure_is_marked_failed_shown_and_can_be_retried(
    mail_app, smtp_server, people, make_meeting, client_for
):
    smtp_server.refuse.add("riec@example.test")
    make_meeting()
    at = utc(2025, 6, 6, 9, 0)
    for minutes in (0, 1, 6, 21, 81, 200):
        tick(at + timedelta(minutes=minutes))
    row = db.session.scalar(
        select(Notification).join(Notification.recipient).where(Notification.state == "mislukt")
    )
    assert row.recipient.email == "riec@example.test"
    assert row.attempts == MAX_ATTEMPTS
    assert "Ontvanger geweigerd" in row.last_error and "550" in row.last_error
    assert len(inbox_for(smtp_server, "avim@example.test")) == 1

    admin = client_for("beheerder")
    page = admin.get("/beheer/berichten?status=mislukt").get_data(as_text=True)
    assert "Ontvanger geweigerd" in page
    assert "kon niet worden verstuurd" in admin.get("/").get_data(as_text=True)

    smtp_server.refuse.clear()
    from .helpers import post_form

    with time_machine.travel((at + timedelta(hours=4)).replace(tzinfo=UTC), tick=False):
        post_form(client_for("beheerder"), f"/beheer/berichten/{row.id}/opnieuw", {})
    db.session.refresh(row)
    assert row.state == "wachtend"
    assert tick(at + timedelta(hours=4, minutes=1)) == 1
    assert len(inbox_for(smtp_server, "riec@example.test")) == 1


def test_moving_a_meeting_replans_and_tells_who_was_reminded(
    mail_app, smtp_server, people, make_meeting
):
    meeting = make_meeting()
    tick(utc(2025, 6, 6, 9, 0))  # 14-day reminders out
    services.update_meeting(
        meeting,
        starts_at=utc(2025, 6, 27, 14, 0),
        ends_at=utc(2025, 6, 27, 16, 0),
        location="Stadhuis, zaal 2",
        agenda=meeting.agenda,
        author=None,
        now=utc(2025, 6, 10, 12, 0),
    )
    db.session.commit()
    assert meeting.sequence == 1
    pending = db.session.scalars(
        select(Notification).where(
            Notification.state == "wachtend", Notification.kind == "herinnering"
        )
    ).all()
    assert {r.due_at for r in pending} == {utc(2025, 6, 25, 9, 0)}
    assert tick(utc(2025, 6, 10, 12, 1)) == 2
    changed = [m for _, m in smtp_server.messages if m["Subject"].startswith("Gewijzigd")]
    assert len(changed) == 2 and "27 juni 2025" in changed[0]["Subject"]
    ics = next(p for p in changed[0].iter_attachments())
    assert vobject.readOne(ics.get_content()).vevent.sequence.value == "1"
    assert tick(utc(2025, 6, 18, 9, 0)) == 0  # the old 2-day time: nothing
    assert tick(utc(2025, 6, 25, 9, 0)) == 2


def test_cancelling_withdraws_pending_and_tells_who_was_reminded(
    mail_app, smtp_server, people, make_meeting
):
    meeting = make_meeting()
    tick(utc(2025, 6, 6, 9, 0))
    services.cancel(meeting, "Te weinig agendapunten.", None, utc(2025, 6, 9, 12, 0))
    db.session.commit()
    assert tick(utc(2025, 6, 9, 12, 1)) == 2
    cancelled = [m for _, m in smtp_server.messages if m["Subject"].startswith("Geannuleerd")]
    assert len(cancelled) == 2
    event = vobject.readOne(next(cancelled[0].iter_attachments()).get_content()).vevent
    assert event.status.value == "CANCELLED"
    assert tick(utc(2025, 6, 18, 9, 0)) == 0
    states = {
        r.state
        for r in db.session.scalars(
            select(Notification).where(
                Notification.kind == "herinnering", Notification.offset_days == 2
            )
        )
    }
    assert states == {"ingetrokken"}


def test_users_can_turn_reminders_off(mail_app, smtp_server, people, make_meeting):
    people["avim"].muted_notifications = "herinnering"
    db.session.commit()
    make_meeting()
    assert tick(utc(2025, 6, 6, 9, 0)) == 1
    assert inbox_for(smtp_server, "avim@example.test") == []


def test_series_can_set_its_own_subject_and_introduction(
    mail_app, smtp_server, people, make_meeting
):
    series = db.session.scalar(
        select(MeetingSeries).where(MeetingSeries.code == "platform-mensenhandel")
    )
    series.reminder_subject = "Uitnodiging {naam}, {datum}"
    series.reminder_intro = "Graag tot ziens op het Platform."
    db.session.commit()
    make_meeting()
    tick(utc(2025, 6, 6, 9, 0))
    message = smtp_server.messages[0][1]
    assert message["Subject"] == "Uitnodiging Platform Mensenhandel, 20 juni 2025"
    assert (
        "Graag tot ziens op het Platform."
        in message.get_body(preferencelist=("plain",)).get_content()
    )


def test_a_custom_intro_with_its_own_greeting_gives_one_greeting(
    mail_app, smtp_server, people, make_meeting
):
    series = db.session.scalar(
        select(MeetingSeries).where(MeetingSeries.code == "platform-mensenhandel")
    )
    series.reminder_intro = "Beste deelnemer,\n\nGraag tot ziens op het Platform."
    db.session.commit()
    make_meeting()
    tick(utc(2025, 6, 6, 9, 0))
    message = smtp_server.messages[0][1]
    for part in ("plain", "html"):
        body = message.get_body(preferencelist=(part,)).get_content()
        assert body.count("Beste") == 1, part
        assert "Graag tot ziens op het Platform." in body


@pytest.mark.parametrize(
    ("intro", "expected"),
    [
        ("Beste deelnemer,\n\nTot dan.", "Tot dan."),
        ("Geachte leden van het Platform\nTot dan.", "Tot dan."),
        ("Hallo allemaal! Tot dan.", "Tot dan."),
        ("Tot dan, beste collega's.", "Tot dan, beste collega's."),
        ("Dag van de Mensenhandel, 18 oktober.", "Dag van de Mensenhandel, 18 oktober."),
        ("", ""),
    ],
)
def test_a_greeting_line_is_taken_off_the_intro(intro, expected):
    from tracker.notifications.messages import without_greeting

    assert without_greeting(intro) == expected


def test_update_request_lists_own_actions_and_skips_people_with_nothing_to_update(
    mail_app, smtp_server, people, make_meeting, client_for, monkeypatch
):
    from tracker.notifications import asking

    lookups = []
    real_lookup = asking.users_with_open_actions
    monkeypatch.setattr(
        asking,
        "users_with_open_actions",
        lambda plan_id: lookups.append(plan_id) or real_lookup(plan_id),
    )
    meeting = make_meeting(code="regionale-tafel", start=(2025, 6, 24, 10, 0))
    lookups.clear()  # planning the new meeting looked once; now the tick
    tick(utc(2025, 6, 10, 9, 0))
    assert len(lookups) == 2  # planning and the mail round, not once per request e-mail
    requests = [(r, m) for r, m in smtp_server.messages if m["Subject"].startswith("Verzoek")]
    got = {r[0] for r, _ in requests}
    assert {"avim@example.test", "riec@example.test"} <= got
    assert "ph@example.test" not in got  # a lezer reports nothing
    # Every owner of open actions is asked, also those who do not sit at the Tafel.
    assert "comensha@example.test" in got
    riec_body = (
        next(m for r, m in requests if r == ["riec@example.test"])
        .get_body(preferencelist=("plain",))
        .get_content()
    )
    assert "- 4.1 Uitwerken voorstel uitbreiden handhavingsknpunt" in riec_body
    assert "https://tracker.example.test/acties/4.1#voortgang" in riec_body
    assert "2.10" not in riec_body
    reminders = [r for r, m in smtp_server.messages if m["Subject"].startswith("Herinnering")]
    assert ["ph@example.test"] in reminders  # the chair's people get the reminder

    from tracker.progress.services import record_update

    from .helpers import action

    with time_machine.travel(datetime(2025, 6, 12, 10, 0, tzinfo=UTC), tick=False):
        record_update(
            action("4.1"),
            people["riec"],
            status="lopend",
            signal=None,
            text="Bijgewerkt.",
            link=None,
            expected_version=action("4.1").version,
            now=utcnow(),
        )
        db.session.commit()
    page = client_for("beheerder").get(f"/vergaderingen/{meeting.id}").get_data(as_text=True)
    section = page.split("Bijgewerkt in de 90 dagen vóór deze vergadering")[1]
    row_41 = section.split('href="/acties/4.1"')[1].split("</tr>")[0]
    row_42 = section.split('href="/acties/4.2"')[1].split("</tr>")[0]
    assert "Ja, 12 juni 2025" in row_41 and "Nee" in row_42
    with time_machine.travel(datetime(2025, 6, 12, 11, 0, tzinfo=UTC), tick=False):
        overview = client_for("lezer").get("/").get_data(as_text=True)
    # The overview counts what the meeting's page lists (one in SQL, one from rows).
    from tracker.notifications.requests import update_request_status

    listed = update_request_status(meeting)
    assert sum(1 for _, updated, _ in listed if updated) == 1
    assert f"<strong>1 van de {len(listed)}</strong> acties zijn sindsdien bijgewerkt" in overview


def test_the_overview_while_update_requests_are_out_costs_two_statements_more(
    mail_app, smtp_server, people, make_meeting, client_for, count_queries
):
    """The previous Tafel, and the asked and updated actions counted in one statement (the
    asked people's open actions were read as rows); the series' plan comes with the meeting
    (it was two lazy loads)."""
    at = datetime(2025, 6, 12, 11, 0, tzinfo=UTC)

    def overview_statements() -> int:
        with time_machine.travel(at, tick=False):
            reader = client_for("lezer")
            db.session.remove()
            with count_queries as counter:
                assert reader.get("/").status_code == 200
        return counter.count

    quiet = overview_statements()
    make_meeting(code="regionale-tafel", start=(2025, 6, 24, 10, 0))
    tick(utc(2025, 6, 10, 9, 0))
    assert overview_statements() == quiet + 2


def test_reminders_send_due_cli_runs_one_tick(mail_app, smtp_server, people, make_meeting):
    make_meeting(start=(2025, 6, 20, 14, 0))
    with time_machine.travel(datetime(2025, 6, 6, 7, 0, tzinfo=UTC), tick=False):
        result = mail_app.test_cli_runner().invoke(args=["reminders", "send-due"])
    assert result.exit_code == 0 and "2 berichten verstuurd." in result.output


def test_without_smtp_the_outbox_keeps_the_message_readable(
    seeded_app, people, make_meeting, client_for
):
    from tracker.notifications.planning import recipients

    meeting = make_meeting()
    admin = client_for("beheerder")
    assert tick(utc(2025, 6, 6, 9, 0)) == len(recipients(meeting)) > 2
    row = db.session.scalar(select(Notification).where(Notification.state == "verstuurd"))
    page = admin.get(f"/beheer/berichten/{row.id}").get_data(as_text=True)
    assert "Herinnering: Platform Mensenhandel op 20 juni 2025" in page
    assert "Over 14 dagen is er een Platform Mensenhandel." in page
    from pathlib import Path

    assert list((Path(seeded_app.instance_path) / "outbox").glob(f"{row.id}-*.eml"))


def test_scheduler_tick_runs_in_its_own_context(mail_app, smtp_server, people, make_meeting):
    from tracker.scheduler import tick as scheduler_tick

    make_meeting(start=(2025, 6, 20, 14, 0))
    with time_machine.travel(datetime(2025, 6, 6, 7, 0, tzinfo=UTC), tick=False):
        assert scheduler_tick(mail_app) == 2


def test_smtp_delivery_has_a_timeout_and_verifies_tls(seeded_app, monkeypatch):
    """Flask-Mail's own connection has neither; ours passes both to smtplib."""
    import smtplib
    import ssl

    from tracker.mail import new_message, smtp_deliver

    seen = {}

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            seen["timeout"] = timeout

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self, context):
            seen["context"] = context

        def login(self, user, password):
            seen["login"] = user

        def sendmail(self, sender, recipients, data):
            seen["sender"] = sender
            return {}

        def quit(self):
            seen["quit"] = True

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    seeded_app.config.update(
        MAIL_SERVER="smtp.example.test",
        MAIL_PORT=587,
        MAIL_USE_TLS=True,
        MAIL_USERNAME="var",
        MAIL_PASSWORD="geheim",
        MAIL_TIMEOUT=12,
    )
    smtp_deliver(new_message("Onderwerp", "iemand@example.test", "tekst", "<p>tekst</p>"))
    assert seen["timeout"] == 12
    assert seen["context"].verify_mode == ssl.CERT_REQUIRED and seen["context"].check_hostname
    assert seen["login"] == "var" and seen["sender"] == "noreply@tracker.invalid"


def test_a_message_on_the_wire_reads_back_as_it_was_built(seeded_app):
    """``message_bytes`` is Flask-Mail's message on the wire: what a mail client parses must
    be what was built, non-ASCII subject and attachment included."""
    from email import message_from_bytes, policy

    from tracker.mail import message_bytes, new_message

    subject = "Herinnering: Regionale Tafel — één keer “extra” op 12 maart 2025 " * 2
    message = new_message(subject, "iemand@example.test", "Beste é\n" + "x" * 3000, "<p>é</p>")
    message.attach("vergadering.ics", "text/calendar; charset=utf-8", b"BEGIN:VCALENDAR\r\n")
    raw = message_bytes(message)
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == subject and parsed["To"] == "iemand@example.test"
    text = parsed.get_body(("plain",)).get_content()
    assert text.replace("\r\n", "\n") == "Beste é\n" + "x" * 3000  # CRLF, as SMTP has it
    assert parsed.get_body(("html",)).get_content().strip() == "<p>é</p>"
    (attachment,) = parsed.iter_attachments()
    assert attachment.get_filename() == "vergadering.ics"
    assert attachment.get_content() == "BEGIN:VCALENDAR\r\n"
    ascii_subject = message_from_bytes(
        message_bytes(new_message("Herinnering", "i@x.test", "t", "h"))
    )
    assert ascii_subject["Subject"] == "Herinnering"


def test_addresses_on_the_wire_are_encoded_as_flask_mail_encodes_them(seeded_app):
    """A named sender (non-ASCII name included) and a bare recipient read back as they were;
    a line break in an address (a header injection) is refused."""
    from email import message_from_bytes, policy

    from flask_mail import BadHeaderError

    from tracker.mail import message_bytes, new_message

    seeded_app.config["MAIL_DEFAULT_SENDER"] = "Actieplan Mensenhandel – VAR <noreply@var.test>"
    raw = message_bytes(new_message("Onderwerp", "iemand@example.test", "t", "<p>t</p>"))
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["From"].addresses[0].display_name == "Actieplan Mensenhandel – VAR"
    assert parsed["From"].addresses[0].addr_spec == "noreply@var.test"
    assert parsed["To"] == "iemand@example.test"
    assert parsed["Message-ID"] and parsed["Date"]
    injected = new_message("Onderwerp", "iemand@example.test\nBcc: x@y.test", "t", "<p>t</p>")
    with pytest.raises(BadHeaderError):
        message_bytes(injected)
    header = new_message("Onderwerp", "iemand@example.test", "t", "<p>t</p>")
    header.extra_headers = {"X-Tracker": "herinnering\r\nBcc: x@y.test"}
    with pytest.raises(BadHeaderError):
        message_bytes(header)


def test_serve_command_runs_the_dev_server_with_the_scheduler(seeded_app, monkeypatch):
    import werkzeug.serving

    import tracker.scheduler

    calls = {}

    class FakeScheduler:
        def shutdown(self, wait):
            calls["shutdown"] = True

    class FakeServer:
        def serve_forever(self):
            calls["served"] = True

        def server_close(self):
            calls["closed"] = True

    monkeypatch.setattr(
        tracker.scheduler,
        "start_background",
        lambda app: calls.setdefault("scheduler", app) and FakeScheduler(),
    )
    monkeypatch.setattr(
        werkzeug.serving,
        "make_server",
        lambda host, port, app, **kw: calls.update(bound=(host, port, app)) or FakeServer(),
    )
    result = seeded_app.test_cli_runner().invoke(args=["serve", "--port", "5099"])
    assert result.exit_code == 0, result.output
    assert calls["scheduler"] is seeded_app
    assert calls["bound"] == ("127.0.0.1", 5099, seeded_app)
    assert calls["served"] and calls["closed"] and calls["shutdown"]
    assert "Tracker op http://127.0.0.1:5099" in result.output


def test_serve_says_so_when_the_port_is_taken_before_claiming_to_run(seeded_app):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = seeded_app.test_cli_runner().invoke(args=["serve", "--port", str(port)])
    assert result.exit_code != 0
    assert f"Poort {port} op 127.0.0.1 is bezet" in result.output
    assert "Tracker op" not in result.output


# Claims: an owner, a short lease, small batches ---------------------------------------------


def test_a_sender_that_lost_its_lease_sends_nothing(mail_app, smtp_server, people, make_meeting):
    """Sender A claims and stalls; its lease runs out, B takes the rows over and sends them;
    when A wakes up it must not send them again (it used to: 96 mails for 52 rows)."""
    make_meeting()
    at = utc(2025, 6, 6, 9, 0)
    with time_machine.travel(at.replace(tzinfo=UTC), tick=False):
        plan_upcoming(at)
        db.session.commit()
        stalled = claim_due(at, owner="a")
    assert len(stalled) == 2
    later = at + lease_length() + timedelta(seconds=1)
    assert tick(later) == 2  # B: the lease ran out, the rows went back to the queue
    with time_machine.travel(later.replace(tzinfo=UTC), tick=False):
        assert send_claimed(stalled, "a", at, {}) == 0  # A wakes up
    assert len(smtp_server.messages) == 2
    states = db.session.scalars(select(Notification.state).where(Notification.id.in_(stalled)))
    assert set(states) == {"verstuurd"}


def test_a_killed_sender_strands_one_small_batch_for_one_lease(
    mail_app, smtp_server, make_user, make_meeting
):
    for n in range(30):
        make_user("bijdrager", party="NLA", email=f"nla{n}@example.test")
    make_meeting()
    at = utc(2025, 6, 6, 9, 0)
    with time_machine.travel(at.replace(tzinfo=UTC), tick=False):
        plan_upcoming(at)
        db.session.commit()
        claimed = claim_due(at, owner="killed")  # and then kill -9
    assert len(claimed) == BATCH < 30
    assert tick(at + timedelta(seconds=30)) == 30 - BATCH  # the rest goes out at once
    assert lease_length() <= timedelta(minutes=3)
    assert tick(at + lease_length() + timedelta(seconds=1)) == BATCH
    recipients = [r[0] for r, _ in smtp_server.messages]
    assert len(recipients) == 30 == len(set(recipients))


def test_marking_sent_needs_the_claim(mail_app, smtp_server, people, make_meeting):
    make_meeting()
    at = utc(2025, 6, 6, 9, 0)
    with time_machine.travel(at.replace(tzinfo=UTC), tick=False):
        plan_upcoming(at)
        db.session.commit()
        (row_id, _) = claim_due(at, owner="a")
        db.session.execute(
            Notification.__table__.update().where(Notification.id == row_id).values(claim_token="b")
        )
        db.session.commit()
        assert send_claimed([row_id], "a", at, {}) == 0
    assert smtp_server.messages == []


def test_concurrent_planning_treats_the_dedupe_key_as_already_planned(
    mail_app, people, make_meeting, monkeypatch
):
    meeting = make_meeting()
    count = db.session.scalar(select(func.count(Notification.id)))
    assert count > 0
    # A second scheduler that read the meeting's rows before the first one committed its own.
    monkeypatch.setattr(planning, "_existing", lambda meeting: {})
    planning.plan_meeting(meeting, utc(2025, 1, 2, 12, 0))
    db.session.commit()
    assert db.session.scalar(select(func.count(Notification.id))) == count


# Civil hours: meeting mail on working days 08:00-18:00, the rest at the next 09:00 -----------


@pytest.mark.parametrize(
    ("local", "civil"),
    [
        ((2025, 6, 19, 7, 59), False),  # Thursday before eight
        ((2025, 6, 19, 8, 0), True),
        ((2025, 6, 19, 17, 59), True),
        ((2025, 6, 19, 18, 0), False),
        ((2025, 6, 21, 11, 0), False),  # Saturday
        ((2025, 3, 31, 8, 30), True),  # the Monday after the clocks went forward
    ],
)
def test_civil_hours_are_working_days_eight_to_six_local(local, civil):
    from tracker.notifications.civil import is_civil

    assert is_civil(utc(*local), "Europe/Amsterdam") is civil


@pytest.mark.parametrize(
    ("local", "resumes"),
    [
        ((2025, 6, 19, 18, 15), (2025, 6, 20, 9, 0)),  # Thursday evening: Friday 09:00
        ((2025, 6, 20, 18, 15), (2025, 6, 23, 9, 0)),  # Friday evening: Monday 09:00
        ((2025, 6, 19, 6, 0), (2025, 6, 19, 9, 0)),  # early morning: the same day
        ((2025, 10, 24, 19, 0), (2025, 10, 27, 9, 0)),  # over the switch to winter time
    ],
)
def test_what_falls_due_outside_waits_for_the_next_nine_oclock(local, resumes):
    from tracker.notifications.civil import next_resume

    assert next_resume(utc(*local), "Europe/Amsterdam") == utc(*resumes)


def test_a_late_planned_meeting_mails_at_nine_not_in_the_evening(
    mail_app, smtp_server, people, make_meeting
):
    """Planned on Thursday at 18:15 for next Wednesday: the reminders wait for Friday 09:00."""
    make_meeting(start=(2025, 6, 25, 14, 0), now=utc(2025, 6, 19, 18, 15))
    assert tick(utc(2025, 6, 19, 18, 16)) == 0
    assert tick(utc(2025, 6, 20, 7, 0)) == 0
    assert tick(utc(2025, 6, 20, 8, 30)) == 0  # fell due last night: it goes at 09:00
    assert tick(utc(2025, 6, 20, 9, 0)) == 2


def test_weekend_reminders_go_on_monday(mail_app, smtp_server, people, make_meeting):
    # Two days before a Monday meeting is a Saturday.
    make_meeting(start=(2025, 6, 30, 14, 0), now=utc(2025, 6, 1, 10, 0))
    assert tick(utc(2025, 6, 16, 9, 0)) == 2  # the 14-day reminders, a Monday
    assert tick(utc(2025, 6, 28, 9, 0)) == 0  # Saturday: the 2-day reminders wait
    assert tick(utc(2025, 6, 29, 20, 0)) == 0  # Sunday evening
    assert tick(utc(2025, 6, 30, 9, 0)) == 2  # Monday 09:00, before the 14:00 meeting
    body = smtp_server.messages[-1][1].get_body(("plain",)).get_content()
    assert "Vandaag is er een Platform Mensenhandel." in body


def test_the_outbox_page_says_when_a_weekend_reminder_really_goes(
    seeded_app, people, make_meeting, client_for
):
    """Two days before a Monday meeting is a Saturday: the e-mails page says the reminder
    goes on Monday at nine. The 14-day one (a Monday) goes as planned, and so does mail due
    on a Friday evening for a meeting on Saturday morning (it cannot wait)."""
    from .helpers import text_of

    monday = make_meeting(start=(2025, 6, 30, 14, 0), now=utc(2025, 6, 1, 10, 0))
    saturday = make_meeting(start=(2025, 6, 21, 10, 0), now=utc(2025, 6, 1, 10, 0))
    db.session.execute(
        update(Notification)
        .where(Notification.meeting_id == saturday.id)
        .values(due_at=utc(2025, 6, 20, 19, 0))
    )
    db.session.commit()
    held = db.session.scalars(
        select(Notification.id).where(
            Notification.meeting_id == monday.id, Notification.offset_days == 2
        )
    ).all()
    admin = client_for("beheerder")
    page = text_of(admin.get("/beheer/berichten"))
    assert held and page.count("buiten werktijd") == len(held)
    assert page.count("buiten werktijd: gaat maandag 30 juni 2025 om 09:00") == len(held)
    one = text_of(admin.get(f"/beheer/berichten/{held[0]}"))
    assert "28 juni 2025 om 09:00; buiten werktijd, dus gaat maandag 30 juni 2025 om 09:00" in one
    seeded_app.config["CIVIL_HOURS"] = False
    assert "buiten werktijd" not in text_of(admin.get("/beheer/berichten"))


def test_a_reminder_sent_late_says_how_many_days_are_really_left(
    mail_app, smtp_server, people, make_meeting
):
    """Planned ten days ahead, the 14-day reminder goes out at the next nine o'clock: it
    says ten days, not fourteen (and the 2-day one later says two)."""
    make_meeting(start=(2025, 6, 20, 14, 0), now=utc(2025, 6, 10, 8, 0))
    assert tick(utc(2025, 6, 10, 9, 0)) == 2
    assert tick(utc(2025, 6, 18, 9, 0)) == 2
    bodies = [m.get_body(("plain",)).get_content() for _, m in smtp_server.messages]
    assert ["Over 10 dagen" in b for b in bodies] == [True, True, False, False]
    assert ["Over 2 dagen" in b for b in bodies] == [False, False, True, True]


def test_the_meeting_wins_over_civil_hours(mail_app, smtp_server, people, make_meeting):
    """A mail that would only go after the meeting began is sent at once (README)."""
    make_meeting(start=(2025, 6, 21, 10, 0), now=utc(2025, 6, 20, 19, 0))  # a Saturday meeting
    assert tick(utc(2025, 6, 20, 19, 1)) == 2  # next 09:00 is Monday: too late, so now


def test_mail_at_eight_is_only_what_fell_due_since_eight(
    mail_app, smtp_server, people, make_meeting
):
    """A meeting changed at 08:10 tells the reminded people at once; the overnight backlog
    still waits for 09:00."""
    meeting = make_meeting(start=(2025, 6, 25, 14, 0), now=utc(2025, 6, 1, 10, 0))
    assert tick(utc(2025, 6, 11, 9, 0)) == 2  # the 14-day reminders
    from tracker.meetings import services

    with time_machine.travel(utc(2025, 6, 12, 8, 10).replace(tzinfo=UTC), tick=False):
        services.update_meeting(
            meeting,
            starts_at=utc(2025, 6, 26, 14, 0),
            ends_at=utc(2025, 6, 26, 16, 0),
            location=meeting.location,
            agenda=meeting.agenda,
            author=None,
            now=utc(2025, 6, 12, 8, 10),
        )
        db.session.commit()
    assert tick(utc(2025, 6, 12, 8, 11)) == 2  # "Gewijzigd" to both, due 08:10


def test_civil_hours_can_be_switched_off(mail_app, smtp_server, people, make_meeting):
    mail_app.config["CIVIL_HOURS"] = False
    make_meeting(start=(2025, 6, 25, 14, 0), now=utc(2025, 6, 19, 18, 15))
    assert tick(utc(2025, 6, 19, 18, 16)) == 2


# Update requests reach every owner, skip what is fresh, and can be sent by hand ----------------


def _hold(meeting, at):
    from tracker.meetings import services

    with time_machine.travel(at.replace(tzinfo=UTC), tick=False):
        services.mark_held(meeting, None, at)
        db.session.commit()


def _update(code, user, at, text="Bijgewerkt."):
    from tracker.progress.services import record_update

    from .helpers import action

    with time_machine.travel(at.replace(tzinfo=UTC), tick=False):
        record_update(
            action(code),
            user,
            status=action(code).status,  # a fresh text; the status may be the region's
            signal=action(code).signal,
            text=text,
            link=None,
            expected_version=action(code).version,
            now=at,
        )
        db.session.commit()


def _request_to(smtp_server, email):
    found = [
        m for r, m in smtp_server.messages if r == [email] and m["Subject"].startswith("Verzoek")
    ]
    return found[0].get_body(preferencelist=("plain",)).get_content() if found else None


def test_requests_reach_the_aandachtsfunctionaris_and_skip_fresh_actions(
    mail_app, smtp_server, people, make_user, make_meeting, client_for
):
    """The Schiedam aandachtsfunctionaris owns shared actions and does not sit at the Tafel;
    RIEC updated 4.1 after the previous Tafel, so it is not asked about 4.1 again."""
    make_user("bijdrager", party="AF", municipality="schiedam", email="af@schiedam.test")
    previous = make_meeting(code="regionale-tafel", start=(2025, 3, 4, 10, 0))
    _hold(previous, utc(2025, 3, 4, 12, 0))
    _update("4.1", people["riec"], utc(2025, 5, 1, 10, 0))
    meeting = make_meeting(code="regionale-tafel", start=(2025, 6, 24, 10, 0))
    tick(utc(2025, 6, 10, 9, 0))
    af_body = _request_to(smtp_server, "af@schiedam.test")
    assert af_body is not None and "- 3.6 " in af_body
    riec_body = _request_to(smtp_server, "riec@example.test")
    assert "- 4.1 " not in riec_body and "- 4.2 " in riec_body
    page = client_for("beheerder").get(f"/vergaderingen/{meeting.id}").get_data(as_text=True)
    assert "Bijgewerkt sinds de vorige Regionale Tafel Mensenhandel (4 maart 2025)" in page


def test_an_owner_with_everything_fresh_gets_no_request(
    mail_app, smtp_server, people, make_meeting
):
    from tracker.notifications.asking import users_with_open_actions
    from tracker.plan.queries import current_plan

    riec_actions = [a.code for a in users_with_open_actions(current_plan().id)[people["riec"].id]]
    for code in riec_actions:
        _update(code, people["riec"], utc(2025, 6, 9, 10, 0))
    make_meeting(code="regionale-tafel", start=(2025, 6, 24, 10, 0))
    tick(utc(2025, 6, 10, 9, 0))
    assert _request_to(smtp_server, "riec@example.test") is None
    assert _request_to(smtp_server, "avim@example.test") is not None


def test_secretary_previews_and_sends_requests_by_hand(
    mail_app, smtp_server, people, make_meeting, client_for
):
    from .helpers import post_form, text_of

    meeting = make_meeting(code="regionale-tafel", start=(2025, 6, 24, 10, 0))
    with time_machine.travel(utc(2025, 6, 2, 10, 0).replace(tzinfo=UTC), tick=False):
        admin = client_for("beheerder")  # logged in on that day
        preview = text_of(admin.get(f"/vergaderingen/{meeting.id}/verzoek"))
        assert "Verzoek nu versturen" in preview and people["riec"].name in preview
        assert smtp_server.messages == []
        response = post_form(admin, f"/vergaderingen/{meeting.id}/verzoek", {})
        assert response.status_code == 302
    assert tick(utc(2025, 6, 2, 10, 1)) >= 3  # the owners, within civil hours
    assert _request_to(smtp_server, "riec@example.test") is not None
    count = len(smtp_server.messages)
    # The automatic request 14 days before does not ask them a second time.
    tick(utc(2025, 6, 10, 9, 0))
    requests = [m for _, m in smtp_server.messages[count:] if m["Subject"].startswith("Verzoek")]
    assert requests == []
    with time_machine.travel(utc(2025, 6, 3, 10, 0).replace(tzinfo=UTC), tick=False):
        again = text_of(client_for("beheerder").get(f"/vergaderingen/{meeting.id}/verzoek"))
    assert "al met de hand gevraagd" in again


# Actiepunten get a reminder before their due date -----------------------------------------------


def _follow_up(meeting, party_code, due_on, now, codes=("4.1",)):
    from tracker.meetings import outcomes
    from tracker.meetings.models import OutcomeKind
    from tracker.plan.models import Party

    from .helpers import action

    with time_machine.travel(now.replace(tzinfo=UTC), tick=False):
        item = outcomes.add(
            meeting,
            kind=OutcomeKind.FOLLOW_UP,
            text="Voorstel bestuurlijke aanpak uitwerken.",
            actions=[action(code) for code in codes],
            party=db.session.scalar(select(Party).where(Party.code == party_code)),
            due_on=due_on,
            author=None,
            now=now,
        )
        db.session.commit()
    return item


def test_an_actiepunt_reminds_its_owners_a_week_before_it_is_due(
    mail_app, smtp_server, people, make_meeting
):
    from datetime import date

    meeting = make_meeting(code="regionale-tafel", start=(2025, 3, 4, 10, 0))
    _hold(meeting, utc(2025, 3, 4, 12, 0))
    smtp_server.messages.clear()
    item = _follow_up(meeting, "RIEC", date(2025, 4, 15), utc(2025, 3, 4, 13, 0))
    assert tick(utc(2025, 4, 7, 9, 0)) == 0  # eight days before
    assert tick(utc(2025, 4, 8, 9, 0)) == 1  # seven days before, at 09:00
    ((recipient, message),) = smtp_server.messages
    assert recipient == ["riec@example.test"]
    assert message["Subject"] == "Herinnering actiepunt: uiterlijk 15 april 2025"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Voorstel bestuurlijke aanpak uitwerken." in body and "- 4.1 " in body
    assert ".ics" not in body and not list(message.iter_attachments())
    assert tick(utc(2025, 4, 9, 9, 0)) == 0  # once
    assert item.id


def test_a_done_actiepunt_is_not_reminded(mail_app, smtp_server, people, make_meeting):
    from datetime import date

    from tracker.meetings import outcomes

    meeting = make_meeting(code="regionale-tafel", start=(2025, 3, 4, 10, 0))
    _hold(meeting, utc(2025, 3, 4, 12, 0))
    smtp_server.messages.clear()
    item = _follow_up(meeting, "RIEC", date(2025, 4, 15), utc(2025, 3, 4, 13, 0))
    with time_machine.travel(utc(2025, 3, 20, 10, 0).replace(tzinfo=UTC), tick=False):
        outcomes.set_done(item, True, people["riec"], utc(2025, 3, 20, 10, 0))
        db.session.commit()
    assert tick(utc(2025, 4, 8, 9, 0)) == 0
    rows = db.session.scalars(select(Notification).where(Notification.kind == "actiepunt"))
    assert {n.state for n in rows} == {"ingetrokken"}


def test_an_actiepunt_added_late_is_reminded_at_once_within_civil_hours(
    mail_app, smtp_server, people, make_meeting
):
    from datetime import date

    meeting = make_meeting(code="regionale-tafel", start=(2025, 4, 10, 10, 0))
    _hold(meeting, utc(2025, 4, 10, 12, 0))
    smtp_server.messages.clear()
    _follow_up(meeting, "AVIM", date(2025, 4, 14), utc(2025, 4, 10, 19, 0))  # Thursday evening
    assert tick(utc(2025, 4, 10, 19, 1)) == 0  # its meeting is past, but it waits for 09:00
    assert tick(utc(2025, 4, 11, 9, 0)) == 1
    assert smtp_server.messages[0][0] == ["avim@example.test"]


def test_a_deleted_actiepunt_takes_its_pending_reminder_along(
    mail_app, smtp_server, people, make_meeting
):
    from datetime import date

    from tracker.meetings import outcomes

    meeting = make_meeting(code="regionale-tafel", start=(2025, 3, 4, 10, 0))
    _hold(meeting, utc(2025, 3, 4, 12, 0))
    item = _follow_up(meeting, "RIEC", date(2025, 4, 15), utc(2025, 3, 4, 13, 0))
    assert db.session.scalar(select(Notification).where(Notification.outcome_id == item.id))
    with time_machine.travel(utc(2025, 3, 20, 10, 0).replace(tzinfo=UTC), tick=False):
        outcomes.delete(item, None, utc(2025, 3, 20, 10, 0))
        db.session.commit()
    smtp_server.messages.clear()
    assert tick(utc(2025, 4, 8, 9, 0)) == 0
    rows = db.session.scalars(select(Notification).where(Notification.kind == "actiepunt")).all()
    assert all(row.state == "ingetrokken" for row in rows)  # withdrawn, or gone with it


# Cost of a tick ------------------------------------------------------------------------------


def test_a_tick_re_plans_only_after_a_change(
    mail_app, people, make_meeting, make_user, monkeypatch
):
    """Re-planning every meeting ahead is what a tick costs: with nothing written since the
    last tick (and on the same day) it is skipped; any write, or a new day, plans again."""
    from tracker.notifications import sending

    make_meeting(start=(2025, 6, 20, 14, 0))
    planned = []
    real = sending.plan_upcoming
    monkeypatch.setattr(sending, "plan_upcoming", lambda now: planned.append(now) or real(now))
    at = utc(2025, 6, 2, 9, 0)
    tick(at)
    tick(at + timedelta(minutes=1))
    assert len(planned) == 1
    newcomer = make_user("bijdrager", party="AVIM", email="nieuw@example.test")
    tick(at + timedelta(minutes=2))
    assert len(planned) == 2
    rows = db.session.scalars(select(Notification).where(Notification.recipient_id == newcomer.id))
    assert len(list(rows)) == 2  # the newcomer's reminders, planned by that tick
    tick(at + timedelta(days=1))  # a new day
    assert len(planned) == 3


def test_one_tick_sends_over_one_smtp_connection(
    mail_app, smtp_server, make_user, make_meeting, monkeypatch
):
    import smtplib

    for n in range(40):
        make_user("bijdrager", party="NLA", email=f"nla{n}@example.test")
    make_meeting()
    opened = []
    real_connect = smtplib.SMTP.connect

    def connect(self, *args, **kwargs):
        opened.append(args)
        return real_connect(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "connect", connect)
    assert tick(utc(2025, 6, 6, 9, 0)) == 40 > BATCH
    assert len(opened) == 1 and len(smtp_server.messages) == 40


def test_the_next_message_is_handed_over_while_one_is_on_the_wire(mail_app, smtp_server):
    """``send_soon`` returns while the server has not answered yet: the sender builds the
    next e-mail meanwhile. The messages still go one after the other, in order."""
    import threading

    from tracker.mail import SmtpConnection, new_message

    smtp_server.hold = threading.Event()
    with SmtpConnection() as connection:
        first = connection.send_soon(new_message("Eerste", "een@example.test", "1", "<p>1</p>"))
        assert smtp_server.holding.wait(10)
        assert not first.done()  # the server holds the first DATA unanswered
        second = connection.send_soon(new_message("Tweede", "twee@example.test", "2", "<p>2</p>"))
        assert not first.done() and not second.done()
        smtp_server.hold.set()
        first.result(timeout=10)
        second.result(timeout=10)
    assert [m["Subject"] for _, m in smtp_server.messages] == ["Eerste", "Tweede"]


def test_a_tick_hands_the_next_e_mail_over_before_taking_the_previous_outcome(
    mail_app, smtp_server, make_user, make_meeting, monkeypatch
):
    """The wire never waits for the builder: the next e-mail is written out and queued on
    the connection before the sender waits for the one on the wire."""
    from tracker.notifications import sending

    for n in range(3):
        make_user("bijdrager", party="NLA", email=f"nla{n}@example.test")
    make_meeting()
    handed, seen_at_outcome = [], []
    deliver_soon, outcome = sending.deliver_soon, sending._InFlight.outcome

    def counting_deliver_soon(*args, **kwargs):
        handed.append(1)
        return deliver_soon(*args, **kwargs)

    def noting_outcome(self, now):
        seen_at_outcome.append(len(handed))
        return outcome(self, now)

    monkeypatch.setattr(sending, "deliver_soon", counting_deliver_soon)
    monkeypatch.setattr(sending._InFlight, "outcome", noting_outcome)
    sent = tick(utc(2025, 6, 6, 9, 0))
    assert sent == len(handed) == len(seen_at_outcome) >= 3
    assert seen_at_outcome == [*range(2, sent + 1), sent]  # the last one after the loop


def test_a_refusal_on_the_wire_is_recorded_for_its_own_row(
    mail_app, smtp_server, make_user, make_meeting
):
    """With one e-mail on the wire while the next is built, each outcome stays with its row."""
    users = [make_user("bijdrager", party="NLA", email=f"nla{n}@example.test") for n in range(5)]
    smtp_server.refuse = {"nla2@example.test"}
    make_meeting()
    assert tick(utc(2025, 6, 6, 9, 0)) == 4
    rows = db.session.scalars(
        select(Notification).where(
            Notification.recipient_id.in_([u.id for u in users]), Notification.attempts > 0
        )
    ).all()
    assert len(rows) == 5
    refused = {row.recipient.email for row in rows if row.state != "verstuurd"}
    assert refused == {"nla2@example.test"}
    (failed,) = [row for row in rows if row.state != "verstuurd"]
    assert failed.state == "wachtend" and "geweigerd" in failed.last_error
    assert all(row.message_id and row.sent_at for row in rows if row.state == "verstuurd")


def test_an_idle_tick_leaves_the_data_version_alone_and_sending_moves_it(
    mail_app, smtp_server, people, make_meeting
):
    """The scheduler's conditional UPDATEs that find nothing are no change: an idle tick
    (planned already, nothing due, nothing to expire or recover) must not move the version
    that the ETags hang on. Marking rows sent is a change and moves it."""
    from tracker.data_version import read_data_version

    make_meeting()
    quiet = utc(2025, 6, 1, 9, 0)
    tick(quiet)  # plans the reminders
    before = read_data_version()
    assert tick(quiet + timedelta(minutes=1)) == 0
    assert tick(quiet + timedelta(minutes=2)) == 0
    assert read_data_version() == before
    assert tick(utc(2025, 6, 6, 9, 0)) == 2
    assert read_data_version() > before
