"""A meeting's agenda: proposed from the plan, edited, published by e-mail (a real SMTP
server), and printed with what changed since the previous meeting as the meeting pack."""

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import select

from tracker.dates import dutch_date, utcnow
from tracker.extensions import db
from tracker.meetings import agenda, outcomes, services
from tracker.meetings.models import AgendaItem, MeetingSeries, OutcomeKind
from tracker.notifications.models import Notification
from tracker.notifications.sending import send_due_notifications
from tracker.plan.models import Party

from .helpers import action, post_form, text_of


def _series(code="regionale-tafel"):
    return db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == code))


@pytest.fixture
def tafel(seeded_app, roles):
    """A Regionale Tafel held 60 days ago with an open actiepunt for RIEC, and the next one in
    30 days; since the first, 1.2 got signal Aandacht and 4.1 was updated."""
    now = utcnow()
    previous = services.create_meeting(
        _series(),
        starts_at=now - timedelta(days=60),
        ends_at=now - timedelta(days=60, hours=-2),
        location="Stadhuis",
        agenda="",
        author=None,
        now=now - timedelta(days=70),
    )
    services.mark_held(previous, None, now - timedelta(days=60))
    riec = db.session.scalar(select(Party).where(Party.code == "RIEC"))
    outcomes.add(
        previous,
        kind=OutcomeKind.FOLLOW_UP,
        text="Voorstel bestuurlijke aanpak uitwerken.",
        actions=[action("4.1")],
        party=riec,
        due_on=(now + timedelta(days=20)).date(),
        author=None,
        now=now - timedelta(days=60),
    )
    for code, signal in (("1.2", "aandacht"), ("4.1", None)):
        target = action(code)
        target.status, target.signal = "lopend", signal
        target.last_update_at = now - timedelta(days=10)
    coming = services.create_meeting(
        _series(),
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=30, hours=2),
        location="Stadhuis",
        agenda="",
        author=None,
        now=now,
    )
    db.session.commit()
    return coming


def test_the_proposal_comes_from_the_plan(tafel):
    titles = [p.title for p in agenda.proposals(tafel, utcnow().date())]
    assert titles[0] == agenda.OPENING and titles[-1] == agenda.CLOSING
    assert any(t.startswith("Actiepunt RIEC (uiterlijk") for t in titles)
    assert any(t.startswith("Actie 1.2 (Aandacht):") for t in titles)
    changed = next(t for t in titles if t.startswith("Voortgang sinds de vorige"))
    assert "1.2" in changed and "4.1" in changed


def test_actions_past_their_deadline_are_one_agenda_item(tafel):
    """On a day after 2.12 (planning 2024) and 3.8 (2025) fell due and while both are still
    open: one item names them both."""
    for code in ("2.12", "3.8"):
        action(code).status = "lopend"
    db.session.commit()
    day = date(2026, 3, 2)
    assert action("2.12").is_overdue(day) and action("3.8").is_overdue(day)
    titles = [p.title for p in agenda.proposals(tafel, day)]
    item = next(t for t in titles if t.startswith("Acties over hun termijn:"))
    assert "2.12" in item and "3.8" in item


def test_secretary_proposes_edits_and_publishes_the_agenda(client_for, tafel, roles):
    admin = client_for("beheerder")
    page = f"/vergaderingen/{tafel.id}"
    assert post_form(admin, f"{page}/agenda/voorstellen", {}).status_code == 302
    count = len(tafel.items)
    assert count >= 4
    assert post_form(admin, f"{page}/agenda/voorstellen", {}).status_code == 302
    db.session.refresh(tafel)
    assert len(tafel.items) == count  # nothing proposed twice
    bad = post_form(admin, f"{page}/agenda", {"title": "Bespreking", "action_codes": "9.9"})
    assert bad.status_code == 400
    assert "Deze acties staan niet in het plan: 9.9." in bad.get_data(as_text=True)
    added = post_form(
        admin,
        f"{page}/agenda",
        {
            "title": "Presentatie monitor 2025",
            "action_codes": "1.1",
            "presenter": "RIEC",
            "duration": "20",
            "theme": "1",
        },
    )
    assert added.status_code == 302
    db.session.refresh(tafel)
    last = tafel.items[-2]
    assert (last.title, last.duration_minutes, last.presenter.code) == (
        "Presentatie monitor 2025",
        20,
        "RIEC",
    )
    assert tafel.items[-1].title == agenda.CLOSING  # a new item goes before the closing one
    assert post_form(admin, f"/agendapunten/{last.id}/omhoog", {}).status_code == 302
    db.session.refresh(tafel)
    assert tafel.items[-3].id == last.id
    edit = f"/agendapunten/{last.id}/wijzigen"
    assert "Presentatie monitor 2025" in admin.get(edit).get_data(as_text=True)
    assert post_form(admin, edit, {"title": "", "duration": "20"}).status_code == 400
    changed = post_form(
        admin, edit, {"title": "Presentatie monitor 2025 en 2026", "duration": "30"}
    )
    assert changed.status_code == 302
    db.session.refresh(last)
    assert (last.title, last.duration_minutes, last.presenter) == (
        "Presentatie monitor 2025 en 2026",
        30,
        None,
    )
    # Before publishing, the agenda is the beheerder's; afterwards everyone's.
    assert "Presentatie monitor" not in text_of(client_for("lezer").get(page))
    assert client_for("lezer").get(f"{page}/stukken.pdf").status_code == 404
    assert post_form(admin, f"{page}/agenda/publiceren", {}).status_code == 302
    db.session.refresh(tafel)
    assert tafel.agenda_version == 1
    assert "Presentatie monitor 2025 en 2026" in text_of(client_for("lezer").get(page))
    queued = db.session.scalars(select(Notification).where(Notification.kind == "agenda")).all()
    assert queued and all(n.dedupe_key.endswith(":1") for n in queued)


def test_each_agenda_items_buttons_name_that_item(client_for, tafel):
    """A screen reader hears "Verwijderen agendapunt 2" on the second item's button (the
    buttons' own loop counted 1, 2, 3 across Omhoog, Omlaag and Verwijderen)."""
    admin = client_for("beheerder")
    page = f"/vergaderingen/{tafel.id}"
    assert post_form(admin, f"{page}/agenda/voorstellen", {}).status_code == 302
    html = admin.get(page).get_data(as_text=True)
    items = html.split('<ol class="agenda">')[1].split("</ol>")[0].split("<li>")[1:]
    assert len(items) >= 4
    for number, item in enumerate(items, start=1):
        named = re.findall(r'<span class="visually-hidden"> agendapunt (\d+)</span>', item)
        assert named == [str(number)] * 4  # Wijzigen, Omhoog, Omlaag, Verwijderen


def test_the_published_agenda_reaches_participants_with_the_ics(
    seeded_app, smtp_server, tafel, make_user
):
    seeded_app.config.update(smtp_server.config)
    make_user("bijdrager", party="RIEC", email="riec@example.test")
    agenda.add_item(
        tafel,
        title="Presentatie monitor 2025",
        actions=[],
        theme_number=None,
        presenter=None,
        duration=20,
    )
    agenda.publish(tafel, None, utcnow())
    db.session.commit()
    monday_ten = _next_working_day_at_ten()
    with time_machine.travel(monday_ten.replace(tzinfo=UTC), tick=False):
        assert send_due_notifications(monday_ten) >= 1
    mails = [m for r, m in smtp_server.messages if m["Subject"].startswith("Agenda:")]
    riec = next(m for r, m in smtp_server.messages if r == ["riec@example.test"])
    assert riec["Subject"].startswith("Agenda: Regionale Tafel Mensenhandel op")
    body = riec.get_body(preferencelist=("plain",)).get_content()
    assert "Presentatie monitor 2025 (20 min)" in body
    assert any(p.get_content_type() == "text/calendar" for p in riec.iter_attachments())
    assert mails


def _next_working_day_at_ten() -> datetime:
    """Ten o'clock UTC on the next working day (always within civil hours in Amsterdam)."""
    day = utcnow().date() + timedelta(days=1)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, 0)


def test_the_meeting_pack_holds_agenda_changes_and_actiepunten(client_for, tafel, roles):
    from tracker.progress.models import ProgressUpdate

    db.session.add(
        ProgressUpdate(
            action=action("4.1"),
            author_id=roles["beheerder"].id,
            created_at=utcnow() - timedelta(days=10),
            status_before="niet_gestart",
            status_after="lopend",
            text="Het voorstel is in concept klaar.",
        )
    )
    agenda.add_proposals(tafel, utcnow().date(), None)
    agenda.publish(tafel, None, utcnow())
    db.session.commit()
    response = client_for("lezer").get(f"/vergaderingen/{tafel.id}/stukken.pdf")
    assert response.mimetype == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.data)).pages
    )
    assert "Regionale Tafel Mensenhandel" in text and agenda.OPENING in text
    assert re.search(
        r"Veranderd sinds de vorige Regionale Tafel Mensenhandel \(\d+ \w+ \d{4}\)", text
    )
    assert "Het voorstel is in concept klaar." in text and "Niet gestart → Lopend" in text
    assert "Voorstel bestuurlijke aanpak uitwerken." in text  # open actiepunt
    # Every meeting of the series makes such a pack: its title names the meeting's day.
    metadata = PdfReader(io.BytesIO(response.data)).metadata
    day = dutch_date(tafel.starts_at)
    assert metadata.title == f"Vergaderstukken Regionale Tafel Mensenhandel {day}"
    assert metadata.author == roles["lezer"].name


def test_a_past_meetings_pack_holds_the_changes_up_to_that_meeting(client_for, tafel, roles):
    """Printed after the meeting, the pack is still the one for that meeting: an update made
    since belongs to the next meeting's pack."""
    from tracker.progress.models import ProgressUpdate

    def update(at, text):
        return ProgressUpdate(
            action=action("4.1"),
            author_id=roles["beheerder"].id,
            created_at=at,
            status_before="lopend",
            status_after="lopend",
            text=text,
        )

    before = update(tafel.starts_at - timedelta(days=5), "Voor de vergadering bijgewerkt.")
    after = update(tafel.starts_at + timedelta(days=1), "Na de vergadering bijgewerkt.")
    db.session.add_all([before, after])
    agenda.publish(tafel, None, utcnow())
    db.session.commit()
    with time_machine.travel((tafel.starts_at + timedelta(days=3)).replace(tzinfo=UTC), tick=False):
        response = client_for("lezer").get(f"/vergaderingen/{tafel.id}/stukken.pdf")
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.data)).pages
    )
    assert "Voor de vergadering bijgewerkt." in text
    assert "Na de vergadering bijgewerkt." not in text


def test_agenda_items_are_guarded_and_only_for_coming_meetings(client_for, tafel):
    admin = client_for("beheerder")
    refused = post_form(
        admin,
        f"/vergaderingen/{tafel.id}/agenda",
        {"title": "Casus van Jan de Vries, BSN 123456782"},
    )
    assert refused.status_code == 400
    assert "Deze tekst bevat persoonsgegevens" in refused.get_data(as_text=True)
    assert db.session.scalar(select(AgendaItem)) is None
    tafel.starts_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    late = post_form(admin, f"/vergaderingen/{tafel.id}/agenda", {"title": "Nog een punt"})
    assert late.status_code == 409


# The API ---------------------------------------------------------------------------------------


def test_the_meetings_api_gives_agenda_decisions_and_follow_ups(client_for, tafel):
    import jsonschema

    from tracker.plan.openapi import openapi_document

    components = openapi_document()["components"]["schemas"]
    schema = {**components["Meeting"], "components": {"schemas": components}}
    lezer = client_for("lezer")
    listing = lezer.get("/api/v1/meetings?reeks=regionale-tafel").json
    assert listing["count"] == 2
    for item in listing["meetings"]:
        jsonschema.validate(item, schema)
    previous_id = listing["meetings"][0]["id"]
    previous = lezer.get(f"/api/v1/meetings/{previous_id}").json
    jsonschema.validate(previous, schema)
    assert previous["state"] == "gehouden"
    assert previous["follow_ups"][0]["party"] == "RIEC"
    assert previous["follow_ups"][0]["actions"] == ["4.1"]
    agenda.add_item(
        tafel, title="Presentatie", actions=[], theme_number=None, presenter=None, duration=None
    )
    db.session.commit()
    assert lezer.get(f"/api/v1/meetings/{tafel.id}").json["agenda"] == []  # a draft
    assert client_for("beheerder").get(f"/api/v1/meetings/{tafel.id}").json["agenda"]
    agenda.publish(tafel, None, utcnow())
    db.session.commit()
    coming = lezer.get(f"/api/v1/meetings/{tafel.id}").json
    jsonschema.validate(coming, schema)
    assert [i["title"] for i in coming["agenda"]] == ["Presentatie"]
    assert lezer.get("/api/v1/meetings?reeks=onbekend").status_code == 404
    assert lezer.get("/api/v1/meetings/999999").status_code == 404


def test_the_meeting_packs_file_is_named_by_the_users_day(client_for, tafel):
    tafel.starts_at = datetime(2026, 3, 4, 23, 30)  # 00:30 on 5 March in Amsterdam
    tafel.ends_at = datetime(2026, 3, 5, 1, 30)
    db.session.commit()
    response = client_for("beheerder").get(f"/vergaderingen/{tafel.id}/stukken.pdf")
    assert "vergaderstukken-2026-03-05.pdf" in response.headers["Content-Disposition"]
