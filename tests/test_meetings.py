"""Meetings: planning and changing them in the UI, per-year counts and flags, .ics downloads,
feeds and import."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
import vobject
from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingOutcome, MeetingSeries
from tracker.meetings.schedule import year_standing
from tracker.notifications.models import Notification

from .helpers import post_form, text_of

#: The moment these tests run at: before every meeting date they plan (in 2027).
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    """Meetings are planned on fixed days; the clock stands before them, whatever the date."""
    with time_machine.travel(NOW, tick=True):
        yield


def series(code: str) -> MeetingSeries:
    return db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == code))


def series_form(found: MeetingSeries) -> dict:
    """The series form as its page fills it (the RVO's, or any series with an action)."""
    return {
        "version": str(found.version),
        "name": found.name,
        "action": str(found.action_id),
        "min_per_year": str(found.min_per_year),
        "chair": str(found.chair_party_id or ""),
        "secretary": str(found.secretary_party_id or ""),
        "participants": [str(p.id) for p in found.participants],
        "reminder_days": ", ".join(str(d) for d in found.reminder_offsets),
        "update_request_days": str(found.update_request_days),
        "reminder_subject": found.reminder_subject,
        "reminder_intro": found.reminder_intro,
    }


def test_series_are_seeded_with_their_actions_and_minimums(seeded_app):
    expected = {
        "regionale-tafel": ("2.1", 3, True),
        "platform-mensenhandel": ("2.2", 3, False),
        "netwerkbijeenkomst-af": ("2.3", 4, False),
        "rvo": ("2.5", 1, False),
        "week-tegen-mensenhandel": ("3.15", 1, False),
    }
    for code, (action, minimum, asks_updates) in expected.items():
        s = series(code)
        assert (s.action.code, s.min_per_year, s.sends_update_request) == (
            action,
            minimum,
            asks_updates,
        )
        assert s.reminder_offsets == [14, 2]
    table = series("regionale-tafel")
    assert table.chair_party.code == "PH" and table.secretary_party.code == "VAR"
    assert {p.code for p in table.participants} >= {
        "AVIM",
        "ESSM",
        "RIEC",
        "NLA",
        "OM",
        "Belastingdienst",
    }
    assert series("week-tegen-mensenhandel").season == "autumn"


def test_beheerder_plans_a_meeting_and_its_reminders_are_queued(client_for, roles):
    admin = client_for("beheerder")
    table = series("regionale-tafel")
    data = {
        "series": str(table.id),
        "day": "2027-03-10",
        "start": "14:00",
        "end": "16:30",
        "location": "Stadhuis Rotterdam",
        "agenda": "Voortgang actieplan",
    }
    response = post_form(admin, "/vergaderingen/nieuw", data)
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert meeting.starts_at == datetime(2027, 3, 10, 13, 0)  # 14:00 CET stored as UTC
    page = text_of(admin.get(response.headers["Location"]))
    assert "10 maart 2027, 14:00–16:30" in page and "Stadhuis Rotterdam" in page
    keys = {n.dedupe_key for n in db.session.scalars(select(Notification))}
    beheerder = roles["beheerder"]
    assert f"herinnering:{meeting.id}:{beheerder.id}:14" in keys  # VAR is the secretary
    assert f"voortgangsverzoek:{meeting.id}:{beheerder.id}:14" in keys
    assert "Regionale Tafel Mensenhandel" in text_of(admin.get("/"))


def test_a_new_meeting_is_filed_under_a_series_someone_chose(client_for):
    """The list starts with the RVO (the mayors' council): a meeting is never filed, and its
    reminders sent, under whichever series comes first because nobody chose one."""
    admin = client_for("beheerder")
    for path in ("/vergaderingen/nieuw", "/vergaderingen/importeren"):
        html = admin.get(path).get_data(as_text=True)
        select_html = html.split('<select id="series"')[1].split("</select>")[0]
        first = re.search(r"<option ([^>]*)>([^<]*)<", select_html)
        assert first.groups() == ('value=""', "Kies het overleg"), path
        assert "selected" not in select_html, path  # so the browser shows the first
    table = series("regionale-tafel")
    chosen = admin.get(f"/vergaderingen/nieuw?reeks={table.id}").get_data(as_text=True)
    assert f'<option selected value="{table.id}">' in chosen
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        data = {"series": "", "day": "2026-12-10", "start": "14:00", "end": "16:00"}
        response = post_form(client_for("beheerder"), "/vergaderingen/nieuw", data)
    assert response.status_code == 400
    assert "Overleg: Kies het overleg." in text_of(response)
    assert db.session.scalar(select(Meeting)) is None


def test_meeting_form_validates_in_dutch_and_keeps_input(client_for):
    admin = client_for("beheerder")
    data = {
        "series": str(series("rvo").id),
        "day": "10-03-2027",
        "start": "16:00",
        "end": "15:00",
        "location": "Zaal 1",
        "agenda": "x",
    }
    response = post_form(admin, "/vergaderingen/nieuw", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "De eindtijd moet na de begintijd liggen." in html
    assert 'value="Zaal 1"' in html
    assert db.session.scalar(select(Meeting)) is None


def test_edit_held_and_cancel_in_the_ui(client_for, make_meeting_ui):
    admin = client_for("beheerder")
    meeting = make_meeting_ui(admin, day="2027-03-10")
    edit = {
        "series": str(meeting.series_id),
        "day": "2027-03-17",
        "start": "10:00",
        "end": "12:00",
        "location": "Dordrecht",
        "agenda": "Nieuw",
    }
    assert post_form(admin, f"/vergaderingen/{meeting.id}/bewerken", edit).status_code == 302
    db.session.refresh(meeting)
    assert meeting.sequence == 1 and meeting.location == "Dordrecht"
    # Not yet begun: cannot be marked held.
    post_form(admin, f"/vergaderingen/{meeting.id}/gehouden", {"minutes": "Besluiten"})
    db.session.refresh(meeting)
    assert meeting.state == "gepland"
    assert (
        post_form(
            admin, f"/vergaderingen/{meeting.id}/annuleren", {"reason": "Ziekte voorzitter"}
        ).status_code
        == 302
    )
    db.session.refresh(meeting)
    assert meeting.state == "geannuleerd" and meeting.sequence == 2


def _held_meeting(admin, make_meeting_ui):
    meeting = make_meeting_ui(admin, day="2027-03-10")
    meeting.starts_at, meeting.ends_at = datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 11)
    db.session.commit()
    assert post_form(admin, f"/vergaderingen/{meeting.id}/gehouden", {}).status_code == 302
    db.session.refresh(meeting)
    assert meeting.state == "gehouden"
    return meeting


def test_a_held_meeting_records_decisions_and_follow_ups(client_for, make_meeting_ui, roles):
    admin = client_for("beheerder")
    meeting = _held_meeting(admin, make_meeting_ui)
    path = f"/vergaderingen/{meeting.id}/uitkomsten"
    decision = {"kind": "besluit", "text": "De monitor verschijnt in Q2.", "action_codes": "1.1"}
    assert post_form(admin, path, decision).status_code == 302
    incomplete = post_form(admin, path, {"kind": "actiepunt", "text": "Gesprek met de NLA."})
    page = incomplete.get_data(as_text=True)
    assert incomplete.status_code == 400
    assert "Kies wie het actiepunt uitvoert." in page and "Kies een datum." in page
    unknown = post_form(admin, path, {**decision, "action_codes": "1.1, 9.9"})
    assert unknown.status_code == 400
    assert "Deze acties staan niet in het plan: 9.9." in unknown.get_data(as_text=True)
    follow_up = {
        "kind": "actiepunt",
        "text": "Voorstel voor de bestuurlijke aanpak uitwerken.",
        "action_codes": "4.1 en 4.2",
        "party": "RIEC",
        "due_on": "2026-02-15",
    }
    assert post_form(admin, path, follow_up).status_code == 302
    outcomes = db.session.scalars(select(MeetingOutcome).order_by(MeetingOutcome.id)).all()
    assert [(o.kind, [a.code for a in o.actions]) for o in outcomes] == [
        ("besluit", ["1.1"]),
        ("actiepunt", ["4.1", "4.2"]),
    ]
    assert outcomes[1].party.code == "RIEC" and outcomes[1].due_on == date(2026, 2, 15)
    meeting_page = text_of(admin.get(f"/vergaderingen/{meeting.id}"))
    assert "De monitor verschijnt in Q2." in meeting_page and "15 februari 2026" in meeting_page
    # On the linked action's page and in the owner's Mijn acties.
    action_page = text_of(client_for("lezer").get("/acties/4.1"))
    assert "Besluiten en actiepunten uit vergaderingen" in action_page
    assert "Voorstel voor de bestuurlijke aanpak uitwerken." in action_page
    riec = client_for("bijdrager_eigen")
    assert "Voorstel voor de bestuurlijke aanpak uitwerken." in text_of(riec.get("/mijn-acties"))
    nla = client_for("bijdrager_ander")
    assert "Voorstel voor de bestuurlijke aanpak" not in text_of(nla.get("/mijn-acties"))
    # The owner party marks it done; another party may not.
    done = f"/actiepunten/{outcomes[1].id}/afgerond"
    assert post_form(nla, done, {}).status_code == 403
    assert post_form(riec, done, {}).status_code == 302
    db.session.refresh(outcomes[1])
    assert outcomes[1].done_at is not None
    assert "Voorstel voor de bestuurlijke aanpak" not in text_of(riec.get("/mijn-acties"))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "meeting.outcome_done"))


def test_outcomes_only_after_the_meeting_was_held(client_for, make_meeting_ui):
    admin = client_for("beheerder")
    meeting = make_meeting_ui(admin, day="2027-03-10")
    response = post_form(
        admin, f"/vergaderingen/{meeting.id}/uitkomsten", {"kind": "besluit", "text": "x"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(MeetingOutcome)) is None


@pytest.fixture
def make_meeting_ui(seeded_app):
    def make(client, day, code="rvo"):
        data = {
            "series": str(series(code).id),
            "day": day,
            "start": "14:00",
            "end": "16:00",
            "location": "Rotterdam",
            "agenda": "Voortgang",
        }
        post_form(client, "/vergaderingen/nieuw", data)
        return db.session.scalars(select(Meeting).order_by(Meeting.id.desc())).first()

    return make


# Counts and flags ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "held", "planned", "flag"),
    [
        (date(2025, 12, 31), 3, 0, None),
        (date(2026, 1, 2), 2, 0, "niet_gehaald"),
        (date(2025, 3, 1), 0, 3, None),  # early in the year, all planned
        (date(2025, 3, 1), 0, 2, "onhaalbaar"),  # not enough planned
        (date(2025, 9, 1), 1, 2, "achter"),  # two thirds of the year gone, one held
        (date(2025, 9, 1), 2, 1, None),
        (date(2024, 6, 1), 0, 0, "onhaalbaar"),  # a future year with nothing planned
    ],
)
def test_year_standing_flags(today, held, planned, flag):
    assert year_standing(2025, held, planned, 3, today).flag == flag


def test_meetings_page_counts_held_and_planned_against_the_minimum(client_for, seeded_app):
    table = series("regionale-tafel")
    for month, state in ((2, "gehouden"), (5, "gehouden"), (10, "gepland"), (11, "geannuleerd")):
        db.session.add(
            Meeting(
                series=table,
                starts_at=datetime(2025, month, 12, 12),
                ends_at=datetime(2025, month, 12, 14),
                state=state,
            )
        )
    db.session.commit()
    with time_machine.travel(datetime(2025, 9, 1, 10, tzinfo=UTC), tick=False):
        page = text_of(client_for("lezer").get("/vergaderingen?jaar=2025"))
    row = page.split("Regionale Tafel Mensenhandel 2.1")[1].split("Platform Mensenhandel")[0]
    assert row.split()[:4] == ["2", "1", "3", "Op"]  # held, still planned, minimum, "Op schema"
    platform = page.split("Platform Mensenhandel 2.2")[1].split("Netwerkbijeenkomst")[0]
    assert "Nog 3 te plannen om het minimum van 3 te halen" in platform


# Calendar ------------------------------------------------------------------------------------


def _parse(data: bytes):
    return vobject.readOne(data.decode())


def test_meeting_ics_download_parses_with_an_independent_parser(client_for, make_meeting_ui):
    admin = client_for("beheerder")
    meeting = make_meeting_ui(admin, day="2027-07-01")
    response = admin.get(f"/vergaderingen/{meeting.id}.ics")
    assert response.mimetype == "text/calendar"
    calendar = _parse(response.data)
    assert calendar.method.value == "PUBLISH"
    assert calendar.vtimezone.tzid.value == "Europe/Amsterdam"
    event = calendar.vevent
    assert event.uid.value == meeting.uid
    assert event.summary.value == "Bestuurlijke afstemming in het RVO"
    assert event.dtstart.value.replace(tzinfo=None) == datetime(2027, 7, 1, 14, 0)
    assert event.dtstart.value.utcoffset().total_seconds() == 7200
    assert event.status.value == "CONFIRMED" and event.sequence.value == "0"
    assert event.url.value.endswith(f"/vergaderingen/{meeting.id}")
    assert event.valarm.action.value == "DISPLAY"


def test_personal_feed_has_own_meetings_only_and_a_secret_url(
    seeded_app, client_for, roles, make_meeting_ui
):
    admin = client_for("beheerder")
    rvo = make_meeting_ui(admin, day="2027-07-01", code="rvo")  # PH and VAR
    network = make_meeting_ui(
        admin, day="2027-07-08", code="netwerkbijeenkomst-af"
    )  # VAR, ESSM, AF
    anonymous = seeded_app.test_client()
    af = roles["af_schiedam"]
    feed = anonymous.get(f"/agenda/{af.calendar_token}.ics")
    assert feed.status_code == 200
    uids = {e.uid.value for e in _parse(feed.data).vevent_list}
    assert uids == {network.uid}
    ph_feed = _parse(anonymous.get(f"/agenda/{roles['lezer'].calendar_token}.ics").data)
    assert {e.uid.value for e in ph_feed.vevent_list} == {rvo.uid}
    assert anonymous.get("/agenda/niet-geldig.ics").status_code == 404
    series_feed = anonymous.get(f"/agenda/{af.calendar_token}/rvo.ics")
    assert {e.uid.value for e in _parse(series_feed.data).vevent_list} == {rvo.uid}
    assert "/agenda/" in admin.get("/profiel").get_data(as_text=True)

    old = af.calendar_token
    af_client = client_for("af_schiedam")
    post_form(af_client, "/profiel/agenda/nieuw", {})
    assert anonymous.get(f"/agenda/{old}.ics").status_code == 404


def test_cancelled_meeting_is_cancelled_in_the_feed(seeded_app, client_for, roles, make_meeting_ui):
    admin = client_for("beheerder")
    meeting = make_meeting_ui(admin, day="2027-07-01")
    post_form(admin, f"/vergaderingen/{meeting.id}/annuleren", {"reason": ""})
    event = _parse(
        seeded_app.test_client().get(f"/agenda/{roles['beheerder'].calendar_token}.ics").data
    ).vevent
    assert event.status.value == "CANCELLED" and event.sequence.value == "1"


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r
BEGIN:VTIMEZONE\r
TZID:W. Europe Standard Time\r
BEGIN:STANDARD\r
DTSTART:16011028T030000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010325T020000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:040000008200E00074C5B7101A82E008000000001@outlook.test\r
DTSTART;TZID=W. Europe Standard Time:20270915T140000\r
DTEND;TZID=W. Europe Standard Time:20270915T160000\r
SUMMARY:Platform Mensenhandel\r
LOCATION:Politiebureau Zuid\r
DESCRIPTION:Agenda volgt\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:tweede@outlook.test\r
DTSTART:20271110T130000Z\r
DTEND:20271110T150000Z\r
SUMMARY:Platform Mensenhandel\r
END:VEVENT\r
BEGIN:VEVENT\r
SUMMARY:Zonder UID\r
DTSTART:20271201T130000Z\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_import_ics_in_the_ui_skips_known_uids_and_reports(client_for):
    from io import BytesIO

    admin = client_for("beheerder")
    platform = series("platform-mensenhandel")

    def upload(data=ICS, name="agenda.ics"):
        return post_form(
            admin,
            "/vergaderingen/importeren",
            {"series": str(platform.id), "file": (BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    page = text_of(upload())
    assert "2 vergaderingen toegevoegd" in page and "1 afspraak niet leesbaar" in page
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    assert [m.starts_at for m in meetings] == [
        datetime(2027, 9, 15, 12, 0),
        datetime(2027, 11, 10, 13, 0),
    ]
    assert meetings[0].location == "Politiebureau Zuid" and meetings[0].series_id == platform.id
    again = text_of(upload())
    assert "0 vergaderingen toegevoegd, 2 al bekend (zelfde UID) en overgeslagen" in again
    wrong = upload(b"geen agenda", "agenda.txt")
    assert wrong.status_code == 400 and "Alleen .ics-bestanden" in wrong.get_data(as_text=True)
    broken = text_of(upload(b"BEGIN:VCALENDAR\r\nkapot", "kapot.ics"))
    assert "geen geldig iCalendar-bestand" in broken


def test_import_ics_cli(seeded_app, tmp_path):
    path = tmp_path / "export.ics"
    path.write_bytes(ICS)
    runner = seeded_app.test_cli_runner()
    result = runner.invoke(
        args=["meetings", "import", str(path), "--series", "Platform Mensenhandel"]
    )
    assert result.exit_code == 0, result.output
    assert "2 vergaderingen toegevoegd" in result.output
    again = runner.invoke(
        args=["meetings", "import", str(path), "--series", "platform-mensenhandel"]
    )
    assert "2 al bekend" in again.output
    unknown = runner.invoke(args=["meetings", "import", str(path), "--series", "Bestaat niet"])
    assert unknown.exit_code != 0 and "Onbekend overleg" in unknown.output
    junk = tmp_path / "kapot.ics"
    junk.write_bytes(b"geen agenda")
    unreadable = runner.invoke(
        args=["meetings", "import", str(junk), "--series", "Platform Mensenhandel"]
    )
    assert unreadable.exit_code == 1  # nothing could be read: scripts must notice
    assert "geen geldig iCalendar-bestand" in unreadable.output


# Series --------------------------------------------------------------------------------------


def test_beheerder_edits_a_series_and_coming_reminders_follow(client_for, make_meeting_ui):
    admin = client_for("beheerder")
    meeting = make_meeting_ui(admin, day="2027-07-01", code="rvo")
    rvo = series("rvo")
    form = admin.get(f"/vergaderingen/overlegvormen/{rvo.id}").get_data(as_text=True)
    assert 'value="14, 2"' in form
    data = series_form(rvo) | {"reminder_days": "7"}
    assert post_form(admin, f"/vergaderingen/overlegvormen/{rvo.id}", data).status_code == 302
    pending = db.session.scalars(
        select(Notification).where(
            Notification.meeting_id == meeting.id, Notification.state == "wachtend"
        )
    ).all()
    assert {n.offset_days for n in pending} == {7}
    bad = post_form(
        admin,
        f"/vergaderingen/overlegvormen/{rvo.id}",
        {**data, "reminder_days": "veertien", "reminder_subject": "{onbekend}"},
    )
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "gescheiden door komma" in html and "Gebruik alleen {naam} en {datum}" in html


def test_a_series_saved_after_a_colleagues_change_is_refused_with_the_input_kept(client_for):
    first, second = client_for("beheerder"), client_for("beheerder")
    rvo = series("rvo")
    path = f"/vergaderingen/overlegvormen/{rvo.id}"
    assert f'name="version" type="hidden" value="{rvo.version}"' in second.get(path).text
    data = series_form(rvo)
    colleague = data | {"participants": [str(rvo.chair_party_id)]}  # only the participants
    assert post_form(first, path, colleague).status_code == 302
    late = post_form(second, path, data | {"reminder_intro": "Graag uw stukken vooraf."})
    assert late.status_code == 409
    assert "Iemand anders heeft deze overlegvorm gewijzigd nadat u de pagina opende" in late.text
    assert "Graag uw stukken vooraf." in late.text  # the input is kept
    db.session.expire_all()
    rvo = series("rvo")
    assert [p.id for p in rvo.participants] == [rvo.chair_party_id]
    assert (rvo.reminder_intro, rvo.version) == ("", int(data["version"]) + 1)
    # Saved again unchanged, the stale form is refused again; one without a version is no
    # form this page made.
    assert post_form(second, path, data).status_code == 409
    data.pop("version")
    assert post_form(second, path, data).status_code == 400


def test_beheerder_adds_a_series(client_for):
    admin = client_for("beheerder")
    data = {
        "name": "Werkgroep LVB",
        "action": "",
        "min_per_year": "2",
        "chair": "",
        "secretary": "",
        "reminder_days": "10, 3",
        "update_request_days": "14",
        "reminder_subject": "",
        "reminder_intro": "",
    }
    assert post_form(admin, "/vergaderingen/overlegvormen/nieuw", data).status_code == 302
    added = series("werkgroep-lvb")
    assert added.reminder_offsets == [10, 3] and added.min_per_year == 2


@pytest.mark.parametrize(
    ("timezone", "local", "offset_hours"),
    [
        ("Europe/Amsterdam", datetime(2027, 7, 1, 14, 0), 2),
        ("Europe/Amsterdam", datetime(2027, 1, 12, 14, 0), 1),
        ("America/New_York", datetime(2027, 7, 1, 14, 0), -4),
        ("America/New_York", datetime(2027, 12, 1, 14, 0), -5),
        ("Australia/Sydney", datetime(2027, 7, 1, 14, 0), 10),
        ("Asia/Tokyo", datetime(2027, 7, 1, 14, 0), 9),
    ],
)
def test_calendar_files_use_the_configured_timezone(seeded_app, timezone, local, offset_hours):
    """The VTIMEZONE comes from the zoneinfo database for the configured zone, in the RRULE
    form, and an independent parser (vobject) reads the same wall-clock time back."""
    from zoneinfo import ZoneInfo

    from tracker.meetings.calendar import calendar_bytes

    starts_at = local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC).replace(tzinfo=None)
    meeting = Meeting(
        series=series("rvo"),
        uid=f"tz-{timezone}-{local:%m}@test",
        starts_at=starts_at,
        ends_at=starts_at,
        location="",
        agenda="",
        sequence=0,
        updated_at=starts_at,
        state="gepland",
    )
    data = calendar_bytes([meeting], "https://tracker.example.test", timezone=timezone)
    assert f"TZID:{timezone}".encode() in data and b"RDATE" not in data
    event = vobject.readOne(data.decode()).vevent
    assert event.dtstart.value.replace(tzinfo=None) == local
    assert event.dtstart.value.utcoffset().total_seconds() == offset_hours * 3600


def test_a_meeting_just_after_midnight_on_new_years_day_belongs_to_the_new_year(
    client_for, seeded_app
):
    """Stored in UTC it is 31 December; where the users are it is 1 January 2025: the
    year's standing, the evaluation's facts and the report's follow-ups all say 2025."""
    from tracker.evaluation.facts import facts_for
    from tracker.meetings.outcomes import as_data
    from tracker.plan.models import Plan
    from tracker.progress.models import ActionRevision
    from tracker.progress.revisions import plan_decisions

    table = series("regionale-tafel")
    starts = datetime(2024, 12, 31, 23, 30)
    meeting = Meeting(
        series=table, starts_at=starts, ends_at=datetime(2025, 1, 1, 1), state="gehouden"
    )
    outcome = MeetingOutcome(meeting=meeting, kind="actiepunt", text="Werkbezoek plannen.")
    decision = MeetingOutcome(meeting=meeting, kind="besluit", text="Actie 2.1 uitbreiden.")
    db.session.add_all([meeting, outcome, decision])
    db.session.add(
        ActionRevision(action=table.action, reason="Besluit.", changes={}, decision=decision)
    )
    db.session.commit()
    with time_machine.travel(datetime(2025, 9, 1, 10, tzinfo=UTC), tick=False):
        client = client_for("lezer")
        page = text_of(client.get("/vergaderingen?jaar=2025"))
        row = page.split("Regionale Tafel Mensenhandel 2.1")[1].split("Platform Mensenhandel")[0]
        assert row.split()[:3] == ["1", "0", "3"]  # held, still planned, minimum
        page = text_of(client.get("/vergaderingen?jaar=2024"))
        row = page.split("Regionale Tafel Mensenhandel 2.1")[1].split("Platform Mensenhandel")[0]
        assert row.split()[:3] == ["0", "0", "3"]
        plan = db.session.scalar(select(Plan))
        held = {
            m.year: m.held for m in facts_for(table.action, plan, date(2025, 9, 1), 23).meetings
        }
        assert held == {2024: 0, 2025: 1}
        assert as_data(outcome, date(2025, 9, 1))["meeting_date"] == "2025-01-01"
        assert [d["date"] for d in plan_decisions(plan)] == ["2025-01-01"]
        assert meeting.subject == "Regionale Tafel Mensenhandel 2025-01-01"  # in the audit log
