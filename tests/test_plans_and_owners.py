"""Issue 15: commitments per year, owners who stay reachable, and the plan after 2026."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from flask_login import login_user
from sqlalchemy import select

from tracker.dates import utcnow
from tracker.extensions import db
from tracker.meetings.models import MeetingSeries
from tracker.meetings.schedule import year_standing
from tracker.meetings.services import last_held
from tracker.notifications.models import Notification
from tracker.plan.commitments import commitment_standing
from tracker.plan.models import Action, ActionOwner, Party, Plan, Region, Theme
from tracker.plan.schedule import KNOWN_PHRASES, Schedule, ScheduleKind, parse_planning
from tracker.progress.models import ProgressUpdate, YearlyCommitment
from tracker.progress.services import commitment_rows, commitments_needing_attention
from tracker.reports.models import ReportSnapshot

from .helpers import action, owner_fields, post_form, text_of

K = ScheduleKind

# Planning -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "meaning"), KNOWN_PHRASES)
def test_every_known_phrase_is_read(phrase, meaning):
    assert parse_planning(phrase).kind is not K.UNPARSED, meaning


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2x per jaar", Schedule(K.PER_YEAR, times_per_year=2)),
        ("Halfjaarlijks", Schedule(K.PER_YEAR, times_per_year=2)),
        ("Per kwartaal", Schedule(K.PER_YEAR, times_per_year=4)),
        ("Medio 2025", Schedule(K.DEADLINE, starts_on=date(2025, 1, 1), due_on=date(2025, 6, 30))),
        ("Eind 2025", Schedule(K.DEADLINE, starts_on=date(2025, 1, 1), due_on=date(2025, 12, 31))),
        ("Vanaf Q3 2025", Schedule(K.CONTINUOUS, starts_on=date(2025, 7, 1))),
        (
            "Q1 2024, daarna doorlopend",
            Schedule(
                K.DEADLINE, starts_on=date(2024, 1, 1), due_on=date(2024, 3, 31), then_ongoing=True
            ),
        ),
    ],
)
def test_the_wordings_a_secretary_types(text, expected):
    assert parse_planning(text) == expected


def test_continuous_from_a_quarter_applies_from_that_year():
    schedule = parse_planning("Vanaf Q3 2025")
    assert not schedule.applies_to_year(2024)
    assert schedule.applies_to_year(2026)


@pytest.mark.parametrize("text", ["Vanaf morgen", "Medio 1999", "Doorlopend, daarna doorlopend"])
def test_half_known_wordings_stay_unparsed(text):
    assert parse_planning(text).kind is K.UNPARSED


def test_set_up_and_maintain_turns_ongoing_after_its_deadline(seeded_app, client_for):
    maintained = action("2.10")
    assert maintained.then_ongoing and maintained.due_on == date(2024, 3, 31)
    today = date(2025, 6, 1)
    assert maintained.is_overdue(today)  # never set up: late
    maintained.status = "lopend"
    db.session.commit()
    assert not action("2.10").is_overdue(today)  # set up, now maintained
    page = text_of(client_for("lezer").get("/acties/2.10"))
    assert "Opzetten uiterlijk 31 maart 2024; daarna doorlopend onderhouden" in page


# Per-year commitments -----------------------------------------------------------------------

AUTUMN = parse_planning("Jaarlijks, in het najaar")


def test_a_seasonal_year_that_passed_its_season_can_no_longer_be_met():
    standing = commitment_standing(AUTUMN, 2026, "niet_gestart", None, date(2026, 12, 1))
    assert standing.flag == "niet_meer_haalbaar"
    assert standing.label == "Dit jaar niet meer haalbaar: het najaar is voorbij"
    earlier = commitment_standing(AUTUMN, 2026, "niet_gestart", None, date(2026, 5, 1))
    assert (earlier.flag, earlier.label) == ("open", "Gepland in het najaar")
    past = commitment_standing(AUTUMN, 2025, "lopend", None, date(2026, 5, 1))
    assert past.flag == "niet_gehaald"


def test_a_delivery_is_checked_against_the_season():
    outside = commitment_standing(AUTUMN, 2025, "afgerond", date(2025, 3, 4), date(2026, 1, 1))
    assert (outside.flag, outside.label) == ("buiten_seizoen", "Uitgevoerd, maar buiten het najaar")
    inside = commitment_standing(AUTUMN, 2025, "afgerond", date(2025, 10, 18), date(2026, 1, 1))
    assert inside.flag == "gehaald"
    yearly = commitment_standing(
        parse_planning("Jaarlijks"), 2026, "lopend", None, date(2026, 7, 1)
    )
    assert yearly.flag == "open"


def test_in_its_own_year_only_a_seasonal_action_can_need_attention():
    """What the overview relies on when it reads only the yearly actions with a season: any
    status, any delivery day, any day of the year."""
    yearly = parse_planning("Jaarlijks")
    statuses = ["niet_gestart", "lopend", "afgerond", "vervallen"]
    for offset in range(365):
        today = date(2026, 1, 1) + timedelta(days=offset)
        for status in statuses:
            for delivered_on in (None, today, date(2026, 1, 1), date(2025, 7, 1)):
                assert not commitment_standing(
                    yearly, 2026, status, delivered_on, today
                ).needs_attention
    late = commitment_standing(AUTUMN, 2026, "lopend", None, date(2026, 12, 1))
    assert late.needs_attention


def test_the_overviews_yearly_list_agrees_with_judging_every_yearly_action(seeded_app):
    """The overview reads only the seasonal yearly actions; on every day of a year, with years
    delivered in and out of season, it flags what judging all of them would flag."""
    plan = db.session.scalar(select(Plan))
    yearly = db.session.scalars(select(Action).where(Action.schedule_kind == K.ANNUAL.value)).all()
    assert any(a.season for a in yearly) and any(not a.season for a in yearly)
    for n, item in enumerate(yearly):  # in March: out of the autumn's season
        db.session.add(
            YearlyCommitment(
                action=item, year=2026, status="afgerond", delivered_on=date(2026, 3, 2 + n)
            )
        )
    db.session.add(YearlyCommitment(action=yearly[0], year=2025, status="lopend"))
    db.session.commit()
    flagged_days = 0
    for offset in range(0, 730, 3):
        today = date(2025, 1, 1) + timedelta(days=offset)
        expected = []
        for item in yearly:
            row = commitment_rows(item).get(today.year)
            standing = commitment_standing(
                item.schedule,
                today.year,
                row.status if row else "niet_gestart",
                row.delivered_on if row else None,
                today,
            )
            if standing.needs_attention:
                expected.append((item.code, standing))
        found = commitments_needing_attention(plan, today)
        assert [(a.code, standing) for a, standing in found] == expected, today
        flagged_days += bool(expected)
    assert flagged_days > 50


def test_meetings_that_no_longer_fit_in_the_year_are_flagged_as_such():
    late = year_standing(2026, held=0, planned=0, required=3, today=date(2026, 11, 23))
    assert late.flag == "niet_meer_haalbaar"
    assert late.flag_label.startswith("Nog 3 te plannen om het minimum van 3 te halen")
    assert "dit jaar niet meer haalbaar (nog 5 weken, ruimte voor hooguit 2)" in late.flag_label
    early = year_standing(2026, held=0, planned=0, required=3, today=date(2026, 3, 1))
    assert early.flag == "onhaalbaar"


def test_a_yearly_action_gets_a_status_per_year(seeded_app, client_for, roles):
    admin = client_for("beheerder")
    response = post_form(
        admin,
        "/acties/3.15/jaren/2025",
        {
            "status": "afgerond",
            "delivered_on": "2025-10-18",
            "note": "Week gehouden.",
            "version": "0",
        },
    )
    assert response.status_code == 302
    row = db.session.scalar(select(YearlyCommitment))
    assert (row.year, row.status, row.delivered_on) == (2025, "afgerond", date(2025, 10, 18))
    page = text_of(admin.get("/acties/3.15"))
    assert "Per jaar" in page and "18 oktober 2025" in page
    assert "Uitgevoerd" in page.split("Per jaar")[1]
    # The action's own status is untouched: each year stands on its own.
    assert action("3.15").status == "niet_gestart"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"status": "afgerond", "delivered_on": ""}, "Vul de datum in waarop het is uitgevoerd."),
        ({"status": "afgerond", "delivered_on": "2024-10-01"}, "Kies een datum in 2025."),
        ({"status": "lopend", "delivered_on": "2025-10-01"}, "hoort bij de status Afgerond"),
        ({"status": "afgerond", "delivered_on": "18-10-2025"}, "Ongeldige datum"),
    ],
)
def test_a_bad_year_entry_is_refused_and_keeps_the_note(client_for, form, message):
    admin = client_for("beheerder")
    response = post_form(
        admin, "/acties/3.15/jaren/2025", {**form, "note": "Mijn toelichting.", "version": "0"}
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert "Mijn toelichting." in response.get_data(as_text=True)
    assert db.session.scalar(select(YearlyCommitment)) is None


# Owners who stay reachable ----------------------------------------------------------------


def _orphans(client) -> str:
    return text_of(client.get("/mijn-acties")).split("Acties zonder rapporteur")[1]


def test_a_free_text_owner_is_orphaned_until_linked(client_for, roles, make_user):
    admin = client_for("beheerder")
    assert "5.1" in _orphans(admin)  # "(Centrum)gemeenten" names no party
    assert "(Centrum)gemeenten" in _orphans(admin)
    owner = db.session.scalar(
        select(ActionOwner)
        .join(ActionOwner.action)
        .join(Action.theme)
        .where(Theme.number == 5, Action.number == 1)
    )
    person = make_user("bijdrager", party="AF", municipality="rotterdam")
    response = post_form(
        admin, f"/beheer/eigenaren/{owner.id}/koppelen", {f"o{owner.id}-person": str(person.id)}
    )
    assert response.status_code == 302
    assert " 5.1 " not in _orphans(admin)
    # The linked person may now report on 5.1 and finds it under Mijn acties.
    from .conftest import login_as

    own = login_as(admin.application.test_client(), person)
    assert "5.1" in text_of(own.get("/mijn-acties")).split("Acties zonder rapporteur")[0]
    assert own.get("/acties/5.1").get_data(as_text=True).count("Voortgang opslaan") == 1


def test_my_actions_are_the_actions_i_may_report_on(seeded_app, make_user):
    """``owned_action_ids`` (Mijn acties, the bulk page, the evaluation still to do),
    ``can_report_on`` (every save) and ``users_with_open_actions`` (who is asked and invited
    to evaluate what) agree on every action, for people of a party, of a municipality and
    linked by name; also where a link hangs on an owner that is a party (only free-text
    owners are linked: such a link gives no rights)."""
    from tracker.accounts.auth import can_report_on
    from tracker.accounts.membership import owned_action_ids
    from tracker.notifications.asking import users_with_open_actions
    from tracker.plan.models import OwnerLink
    from tracker.plan.queries import current_plan

    linked = make_user("bijdrager", party="RIEC")
    free_text = db.session.scalar(select(ActionOwner).where(ActionOwner.party_id.is_(None)))
    party_owner = next(
        owner
        for owner in db.session.scalars(
            select(ActionOwner).where(ActionOwner.party_id.is_not(None))
        )
        if linked.party_id not in {o.party_id for o in owner.action.owners}
    )
    free_text.links.append(OwnerLink(user=linked))
    party_owner.links.append(OwnerLink(user=linked))
    db.session.commit()
    people = [
        linked,
        make_user("bijdrager", party="AVIM"),
        make_user("bijdrager", party="AF", municipality="schiedam"),
    ]
    actions = db.session.scalars(select(Action)).all()
    asked_about = users_with_open_actions(current_plan().id, open_only=False)
    for person in people:
        owned = set(db.session.scalars(owned_action_ids(person)))
        assert owned, person.email
        assert {a.id for a in asked_about[person.id]} == owned, person.email
        for item in actions:
            assert (item.id in owned) == can_report_on(person, item), (person.email, item.code)
    assert free_text.action_id in set(db.session.scalars(owned_action_ids(linked)))


def test_an_action_lacks_a_reporter_exactly_when_nobody_is_asked_about_it(seeded_app, make_user):
    """The beheerder's "acties zonder rapporteur" are the open actions in nobody's
    ``users_with_open_actions`` (who is asked for updates): a contributor linked by name
    covers a free-text owner, a reader linked by name does not, a closed action is never
    listed, and a party with only a disabled account covers nothing."""
    from tracker.notifications.asking import users_with_open_actions
    from tracker.plan.models import OwnerLink, Status
    from tracker.plan.queries import current_plan
    from tracker.progress.queries import count_orphaned_actions, orphaned_actions

    plan = current_plan()
    contributor, reader = make_user("bijdrager"), make_user("lezer")  # of no party
    make_user("bijdrager", party="RIEC").is_enabled = False
    free_text = db.session.scalars(
        select(ActionOwner).where(ActionOwner.party_id.is_(None)).order_by(ActionOwner.id)
    ).all()
    covered, uncovered = free_text[0], free_text[-1]
    assert covered.action_id != uncovered.action_id
    covered.links.append(OwnerLink(user=contributor))
    uncovered.links.append(OwnerLink(user=reader))
    closed = action("2.1")
    closed.status = Status.DONE.value
    db.session.commit()

    def orphans() -> set[str]:
        return {orphan.action.code for orphan in orphaned_actions(plan)}

    def asked() -> set[int]:
        return {a.id for rows in users_with_open_actions(plan.id).values() for a in rows}

    actions = db.session.scalars(select(Action)).all()
    open_ids = {a.id for a in actions if a.status not in (Status.DONE.value, Status.DROPPED.value)}
    assert orphans() == {a.code for a in actions if a.id in open_ids - asked()}
    assert count_orphaned_actions(plan) == len(orphans())
    assert "2.1" not in orphans() and action("4.1").code in orphans()  # RIEC: disabled only
    assert covered.action.code not in orphans() and uncovered.action.code in orphans()


def test_linking_needs_exactly_one_party_or_person(client_for):
    admin = client_for("beheerder")
    owner = db.session.scalar(select(ActionOwner).where(ActionOwner.label == "Regionale werkgroep"))
    both = post_form(
        admin,
        f"/beheer/eigenaren/{owner.id}/koppelen",
        {f"o{owner.id}-party": "RIEC", f"o{owner.id}-person": "1"},
    )
    assert both.status_code == 400
    assert "Kies één partij of één persoon." in text_of(both)


def test_a_deputy_reports_for_the_party_and_a_leaver_hands_over(client_for, roles, make_user):
    admin = client_for("beheerder")
    riec_person = roles["bijdrager_eigen"]
    deputy = make_user("bijdrager", party="NLA", name="Dana Deputy")
    response = post_form(
        admin,
        "/beheer/partijen?partij=RIEC",
        {"RIEC-contact": str(riec_person.id), "RIEC-deputy": str(deputy.id), "RIEC-shown": ":"},
    )
    assert response.status_code == 302
    from .conftest import login_as

    as_deputy = login_as(admin.application.test_client(), deputy)
    assert "Voortgang opslaan" in as_deputy.get("/acties/4.1").get_data(as_text=True)  # RIEC's

    meeting_series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "rvo"))
    from tracker.meetings.models import Meeting

    meeting = Meeting(
        series=meeting_series,
        starts_at=utcnow() + timedelta(days=30),
        ends_at=utcnow() + timedelta(days=30, hours=2),
    )
    db.session.add(meeting)
    db.session.flush()
    db.session.add(
        Notification(
            kind="herinnering",
            recipient_id=riec_person.id,
            meeting_id=meeting.id,
            offset_days=2,
            dedupe_key=f"herinnering:{meeting.id}:{riec_person.id}:2",
            due_at=utcnow() + timedelta(days=28),
        )
    )
    db.session.commit()
    user_form = {
        "name": riec_person.name,
        "email": riec_person.email,
        "role": "bijdrager",
        "party": "RIEC",
        "municipality": "",
        "version": "1",
    }
    refused = post_form(admin, f"/beheer/gebruikers/{riec_person.id}", user_form)
    assert refused.status_code == 400
    assert "contactpersoon van RIEC" in text_of(refused)
    assert "1 e-mail in de wachtrij" in text_of(refused)  # the outbox's answer
    assert "Kies wie dat overneemt" in text_of(refused)
    db.session.refresh(riec_person)
    assert riec_person.is_enabled  # nothing was saved

    successor = make_user("bijdrager", party="RIEC", name="Sam Successor")
    done = post_form(
        admin, f"/beheer/gebruikers/{riec_person.id}", {**user_form, "successor": str(successor.id)}
    )
    assert done.status_code == 302
    riec = db.session.scalar(select(Party).where(Party.code == "RIEC"))
    db.session.refresh(riec)
    assert (riec.contact_id, riec.deputy_id) == (successor.id, deputy.id)
    mail = db.session.scalar(
        select(Notification).where(Notification.recipient_id == riec_person.id)
    )
    assert mail.state == "ingetrokken"


def test_the_overview_warns_when_a_partys_only_contact_went_quiet(client_for, roles):
    admin = client_for("beheerder")
    roles["bijdrager_ander"].last_login_at = utcnow() - timedelta(days=120)  # NLA's only one
    roles["bijdrager_eigen"].last_login_at = utcnow() - timedelta(days=3)
    db.session.commit()
    page = text_of(admin.get("/"))
    warning = page.split("Enige contactpersoon 90 dagen niet ingelogd")[1][:400]
    assert "NLA" in warning and roles["bijdrager_ander"].name in warning
    assert "RIEC" not in warning
    nla = db.session.scalar(select(Party).where(Party.code == "NLA"))
    owned = {o.action for o in db.session.scalars(select(ActionOwner).filter_by(party_id=nla.id))}
    min(owned, key=lambda a: a.id).status = "afgerond"  # a closed action is not counted
    db.session.commit()
    still_open = [a for a in owned if a.status not in ("afgerond", "vervallen")]
    assert 1 < len(still_open) < len(owned)
    warning = text_of(admin.get("/")).split("Enige contactpersoon")[1][:400]
    assert f"NLA: {roles['bijdrager_ander'].name} (laatst ingelogd" in warning
    assert f"), {len(still_open)} open acties" in warning


def test_the_regional_status_of_a_shared_action_is_the_secretarys(client_for):
    """3.6 is carried out by every municipality and led by the aandachtsfunctionarissen: one
    of them adds her text and fills in her municipality's row; the status is the beheerder's."""
    af = client_for("af_schiedam")
    page = text_of(af.get("/acties/3.6"))
    assert "De regionale stand zet de beheerder, gevoed door de stand per gemeente" in page
    assert "de status en het signaal zet de beheerder. U voegt uw update toe." in page
    refused = post_form(
        af,
        "/acties/3.6/voortgang",
        {"status": "afgerond", "signal": "", "text": "Klaar.", "version": "1"},
    )
    assert refused.status_code == 403
    assert "De stand van uw gemeente vult u in bij de gemeenten" in text_of(refused)
    text = {"status": "niet_gestart", "signal": "", "text": "Campagne in Schiedam.", "version": "1"}
    assert post_form(af, "/acties/3.6/voortgang", text).status_code == 302
    assert action("3.6").status == "niet_gestart"
    # The municipalities' rows feed it: their roll-up stands on the action page.
    year = min(max(utcnow().year, 2024), 2026)
    cell = {"status": "afgerond", "note": "", "version": "0"}
    assert post_form(af, f"/acties/3.6/gemeenten/schiedam/{year}", cell).status_code == 302
    page = text_of(client_for("beheerder").get("/acties/3.6"))
    assert f"Stand per gemeente: 1 van 23 gemeenten afgerond in {year}." in page


# The plan after 2026 --------------------------------------------------------------------------


def test_the_overview_says_when_the_current_plan_has_ended(client_for):
    """After 31 December 2026, with the next plan not yet adopted, 2024-2026 stays current:
    the overview says so instead of reading as a plan in its fourth year."""
    ended = "De planperiode 2024-2026 is op 31 december 2026 afgelopen."
    with time_machine.travel(datetime(2027, 1, 11, 9, 0, tzinfo=UTC), tick=False):
        page = text_of(client_for("beheerder").get("/"))
        assert ended in page and "vastgesteld onder Plannen" in page
        assert ended in text_of(client_for("lezer").get("/"))
    with time_machine.travel(datetime(2026, 12, 31, 12, 0, tzinfo=UTC), tick=False):
        assert ended not in text_of(client_for("beheerder").get("/"))


def _new_plan(admin, slug="rotterdam-2027-2030"):
    return post_form(
        admin,
        "/plannen/nieuw",
        {
            "base": "rotterdam-2024-2026",
            "title": "Regionaal Actieplan Mensenhandel Regio Rotterdam",
            "slug": slug,
            "start_year": "2027",
            "end_year": "2030",
        },
    )


def _plan_action(slug: str, code: str) -> Action:
    theme, number = (int(x) for x in code.split("."))
    return db.session.scalars(
        select(Action)
        .join(Action.theme)
        .join(Theme.plan)
        .where(Plan.slug == slug, Theme.number == theme, Action.number == number)
    ).one()


@pytest.mark.parametrize(
    "title",
    [
        "Regionaal Actieplan Mensenhandel Regio Rotterdam 2027-2030",
        "Regionaal Actieplan Mensenhandel Regio Rotterdam 2027 – 2030.",
        "Actieplan Mensenhandel 2027",
    ],
)
def test_a_new_plans_title_leaves_the_period_to_the_tracker(client_for, title):
    """The period follows the title everywhere ("… Rotterdam 2027-2030"): typed into the
    title too, every page would read "2027-2030 2027-2030"."""
    admin = client_for("beheerder")
    data = {
        "base": "rotterdam-2024-2026",
        "title": title,
        "slug": "rotterdam-2027-2030",
        "start_year": "2027",
        "end_year": "2030",
    }
    response = post_form(admin, "/plannen/nieuw", data)
    assert response.status_code == 400
    page = text_of(response)
    assert "Laat de jaartallen weg: de tracker zet de periode (2027-2030) zelf achter" in page
    assert f'value="{title}"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Plan).where(Plan.slug == "rotterdam-2027-2030")) is None
    data["title"] = "Regionaal Actieplan Mensenhandel Regio Rotterdam"
    assert post_form(admin, "/plannen/nieuw", data).status_code == 302


def test_the_draft_names_its_actions_still_dated_in_the_old_plan(client_for):
    """Carried over with "Q1 2024" or "2024 - 2025", an action would stand as "termijn
    verstreken" from the new plan's first day: the plans page lists them to revise."""
    admin = client_for("beheerder")
    assert _new_plan(admin).status_code == 302
    html = admin.get("/plannen").get_data(as_text=True)
    listed = re.findall(r'href="/acties/([\d.]+)/herzien\?plan=rotterdam-2027-2030"', html)
    assert {"1.4", "2.10", "4.1"} <= set(listed)
    assert {"1.2", "2.1", "3.15"}.isdisjoint(listed)  # doorlopend, 3x per jaar, jaarlijks
    count = len(listed)
    assert f"{count} acties hebben een termijn vóór 2027" in text_of(admin.get("/plannen"))
    # Revised to the new plan's years, 2.10 leaves the list.
    draft_2_10 = _plan_action("rotterdam-2027-2030", "2.10")
    revision = {
        "text": draft_2_10.text,
        "planning": "2027",
        "owners_text": "VAR",
        **owner_fields("VAR"),
        "reason": "Planning voor het nieuwe plan.",
        "version": str(draft_2_10.version),
    }
    revised = post_form(admin, "/acties/2.10/herzien?plan=rotterdam-2027-2030", revision)
    assert revised.status_code == 302, text_of(revised)[:500]
    html = admin.get("/plannen").get_data(as_text=True)
    listed = re.findall(r'href="/acties/([\d.]+)/herzien\?plan=rotterdam-2027-2030"', html)
    assert "2.10" not in listed and len(listed) == count - 1


def test_adopting_carries_the_standing_of_the_day_not_of_the_draft(client_for):
    """Updates on the current plan while the draft is revised are not lost on adoption; an
    action dropped in the draft stays dropped."""
    admin = client_for("beheerder")
    assert _new_plan(admin).status_code == 302
    update = {"status": "lopend", "signal": "aandacht", "text": "Tafel draait.", "version": "1"}
    assert post_form(admin, "/acties/2.1/voortgang", update).status_code == 302
    assert post_form(admin, "/acties/1.5/voortgang", update).status_code == 302
    draft_1_5 = _plan_action("rotterdam-2027-2030", "1.5")
    dropped = {"reason": "Opgegaan in 1.4.", "version": str(draft_1_5.version)}
    response = post_form(admin, "/acties/1.5/vervallen?plan=rotterdam-2027-2030", dropped)
    assert response.status_code == 302, text_of(response)[:500]
    assert post_form(admin, "/plannen/rotterdam-2027-2030/vaststellen", {}).status_code == 302
    db.session.expire_all()
    carried = _plan_action("rotterdam-2027-2030", "2.1")
    old = _plan_action("rotterdam-2024-2026", "2.1")
    assert (carried.status, carried.signal) == ("lopend", "aandacht")
    assert carried.last_update_at == old.last_update_at is not None
    assert _plan_action("rotterdam-2027-2030", "1.5").status == "vervallen"
    assert _plan_action("rotterdam-2027-2030", "3.1").status == "niet_gestart"


def test_a_new_plan_is_a_draft_copy_that_links_to_its_predecessor(client_for, roles):
    admin = client_for("beheerder")
    post_form(
        admin,
        "/acties/2.1/voortgang",
        {"status": "lopend", "signal": "op_koers", "text": "Tafel draait.", "version": "1"},
    )
    assert _new_plan(admin).status_code == 302
    draft = db.session.scalar(select(Plan).where(Plan.slug == "rotterdam-2027-2030"))
    assert draft.is_draft and not draft.is_current
    copied, original = _plan_action(draft.slug, "2.1"), _plan_action("rotterdam-2024-2026", "2.1")
    assert copied.predecessor_id == original.id
    assert (copied.text, copied.planning, copied.status) == (
        original.text,
        original.planning,
        "lopend",
    )
    assert [o.display_name for o in copied.owners] == [o.display_name for o in original.owners]
    assert sum(len(t.actions) for t in draft.themes) == 47
    # Only beheerders see the draft; the pages keep showing the current plan.
    assert client_for("lezer").get("/acties?plan=rotterdam-2027-2030").status_code == 404
    assert "2027-2030" not in text_of(client_for("lezer").get("/plannen"))
    assert "Regionale Tafel" in text_of(admin.get("/plannen"))  # the series that will move
    draft_page = text_of(admin.get("/acties/2.1?plan=rotterdam-2027-2030"))
    assert "U leest het concept" in draft_page
    assert (
        "Eerder: actie 2.1 in Regionaal Actieplan Mensenhandel Regio Rotterdam 2024-2026"
        in draft_page
    )
    assert "Tafel draait." in draft_page
    # No progress on a draft.
    assert "Voortgang opslaan" not in admin.get("/acties/2.1?plan=rotterdam-2027-2030").get_data(
        as_text=True
    )
    assert _new_plan(admin).status_code == 400  # the short name is taken


def test_publishing_archives_the_old_plan_and_moves_the_series(client_for, roles):
    admin = client_for("beheerder")
    _new_plan(admin)
    plans = text_of(admin.get("/plannen"))
    assert "dit gaat mee naar het nieuwe plan: " in plans
    assert "Regionale Tafel Mensenhandel" in plans.split("gaat mee naar het nieuwe plan:")[1]
    response = post_form(admin, "/plannen/rotterdam-2027-2030/vaststellen", {})
    assert response.status_code == 302
    new, old = (
        db.session.scalar(select(Plan).where(Plan.slug == slug))
        for slug in ("rotterdam-2027-2030", "rotterdam-2024-2026")
    )
    assert new.is_current and not new.is_draft and old.is_archived
    table = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "regionale-tafel"))
    assert table.action_id == _plan_action(new.slug, "2.1").id
    reader = client_for("lezer")
    assert "2027-2030" in text_of(reader.get("/"))
    archived = reader.get("/acties?plan=rotterdam-2024-2026")
    assert "U leest het archief" in text_of(archived)
    assert 'href="/acties/2.1?plan=rotterdam-2024-2026"' in archived.get_data(as_text=True)
    # The API keeps the plans apart.
    assert reader.get("/api/v1/actions?plan=rotterdam-2024-2026").status_code == 200
    # The archive is read-only.
    refused = post_form(
        admin,
        "/acties/2.1/voortgang?plan=rotterdam-2024-2026",
        {"status": "afgerond", "text": "Te laat.", "version": "1"},
    )
    assert refused.status_code == 403
    assert admin.get("/acties/2.1/herzien?plan=rotterdam-2024-2026").status_code == 403
    # Restarting the server re-applies the seeds: the published plan stays current.
    from tracker.seeding import apply_seeds, read_seeds

    from .conftest import SEEDS_DIR

    apply_seeds(db.session, read_seeds(SEEDS_DIR))
    db.session.commit()
    db.session.refresh(new)
    assert new.is_current


def test_snapshots_stay_with_their_plan(client_for, roles):
    admin = client_for("beheerder")
    assert post_form(admin, "/rapportages", {"peildatum": "2025-06-30"}).status_code == 302
    _new_plan(admin)
    post_form(admin, "/plannen/rotterdam-2027-2030/vaststellen", {})
    assert "peildatum 30 juni 2025" not in text_of(admin.get("/rapportages"))
    assert "peildatum 30 juni 2025" in text_of(admin.get("/rapportages?plan=rotterdam-2024-2026"))


# Regions ----------------------------------------------------------------------------------


def test_two_regions_cannot_see_each_others_data(seeded_app, client_for, roles, make_user):
    from .conftest import login_as

    other = Region(slug="haaglanden", name="Veiligheidsregio Haaglanden")
    db.session.add(other)
    db.session.flush()
    party = Party(code="HGL-RIEC", short_name="RIEC Haaglanden", name="RIEC", region_id=other.id)
    plan = Plan(
        slug="haaglanden-2025-2028",
        title="Actieplan Mensenhandel Haaglanden",
        region="Haaglanden",
        region_id=other.id,
        start_year=2025,
        end_year=2028,
        is_current=True,
    )
    theme = Theme(plan=plan, number=1, title="Samenwerking Haaglanden")
    hidden = Action(number=1, theme=theme, text="Actie uit Haaglanden.", owners_text="RIEC")
    hidden.set_planning("Doorlopend")
    hidden.owners = [ActionOwner(position=1, party=party)]
    from tracker.plan.models import Municipality

    db.session.add_all([party, plan, Municipality(code="delft", name="Delft", region_id=other.id)])
    db.session.add(MeetingSeries(code="hgl-tafel", name="Tafel Haaglanden", region_id=other.id))
    db.session.commit()
    outsider = make_user("beheerder", name="Haaglanden Beheer")
    outsider.region_id = other.id
    db.session.commit()

    rotterdam = client_for("beheerder")
    haaglanden = login_as(seeded_app.test_client(), outsider)
    # Each sees its own current plan on the same pages.
    assert "Actie uit Haaglanden" in text_of(haaglanden.get("/acties"))
    assert "Actie uit Haaglanden" not in text_of(rotterdam.get("/acties"))
    assert rotterdam.get("/acties?plan=haaglanden-2025-2028").status_code == 404
    assert haaglanden.get("/acties?plan=rotterdam-2024-2026").status_code == 404
    assert "Haaglanden" not in text_of(rotterdam.get("/plannen"))
    assert [p["code"] for p in haaglanden.get("/api/v1/actions").get_json()["actions"]] == ["1.1"]
    # Parties, series and accounts stay in their region.
    assert "RIEC Haaglanden" not in rotterdam.get("/acties").get_data(as_text=True)
    assert "Tafel Haaglanden" not in text_of(rotterdam.get("/vergaderingen"))
    assert "Tafel Haaglanden" in text_of(haaglanden.get("/vergaderingen"))
    assert "Haaglanden Beheer" not in text_of(rotterdam.get("/beheer/gebruikers"))
    assert rotterdam.get(f"/beheer/gebruikers/{outsider.id}").status_code == 404
    assert roles["lezer"].name not in text_of(haaglanden.get("/beheer/gebruikers"))
    # Municipalities: Rotterdam's grid and roll-up count its own 23.
    assert "Delft" not in text_of(rotterdam.get("/acties/2.4/gemeenten"))
    assert "van 23 gemeenten afgerond" in text_of(rotterdam.get("/acties/3.6"))
    assert rotterdam.get("/rapportage?gemeente=delft").status_code == 400
    # A frozen report and its annexes stay in their region.
    post_form(rotterdam, "/rapportages", {"peildatum": utcnow().date().isoformat()})
    frozen = db.session.scalar(select(ReportSnapshot))
    for path in (f"/rapportages/{frozen.id}", f"/rapportages/{frozen.id}/bijlage-1.pdf"):
        assert rotterdam.get(path).status_code == 200
        assert haaglanden.get(path).status_code == 404
    # Kerncijfers, the audit log and the outbox too.
    assert rotterdam.get("/api/v1/indicators").get_json()["count"] > 0
    assert haaglanden.get("/api/v1/indicators").get_json()["count"] == 0
    rotterdam.get("/rapportage")  # audited as Rotterdam's beheerder
    assert "Rapportage bekeken" in text_of(rotterdam.get("/beheer/audit"))
    assert "Rapportage bekeken" not in text_of(haaglanden.get("/beheer/audit"))
    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "rvo"))
    from tracker.meetings.models import Meeting

    meeting = Meeting(
        series=series, starts_at=utcnow() + timedelta(days=9), ends_at=utcnow() + timedelta(days=9)
    )
    db.session.add(meeting)
    db.session.flush()
    mail = Notification(
        kind="herinnering",
        recipient_id=roles["lezer"].id,
        meeting_id=meeting.id,
        offset_days=2,
        dedupe_key="isolation",
        due_at=utcnow(),
        state="mislukt",
    )
    db.session.add(mail)
    db.session.commit()
    assert roles["lezer"].name in text_of(rotterdam.get("/beheer/berichten"))
    assert roles["lezer"].name not in text_of(haaglanden.get("/beheer/berichten"))
    # The overview's update requests: only for the reader's region's meetings.
    asked = Notification(
        kind="voortgangsverzoek",
        recipient_id=roles["lezer"].id,
        meeting_id=meeting.id,
        dedupe_key="isolation-asked",
        due_at=utcnow(),
        state="verstuurd",
        sent_at=utcnow(),
    )
    db.session.add(asked)
    db.session.commit()
    assert "is om voortgang gevraagd" in text_of(rotterdam.get("/"))
    assert "is om voortgang gevraagd" not in text_of(haaglanden.get("/"))
    assert haaglanden.get(f"/beheer/berichten/{mail.id}").status_code == 404
    assert haaglanden.get(f"/vergaderingen/{meeting.id}").status_code == 404
    # Mijn acties' "since the last Regionale Tafel" is the reader's region's Tafel.
    tafel = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "regionale-tafel"))
    held = Meeting(
        series=tafel,
        starts_at=utcnow() - timedelta(days=3),
        ends_at=utcnow() - timedelta(days=3),
        state="gehouden",
    )
    db.session.add(held)
    db.session.commit()
    for reader, expected in ((roles["beheerder"], held.id), (outsider, None)):
        with seeded_app.test_request_context():
            login_user(reader)
            found = last_held("regionale-tafel", utcnow())
            assert (found.id if found else None) == expected
    # So are the calendar links: a series feed and a beheerder's personal feed.
    anonymous = seeded_app.test_client()
    own, theirs = roles["beheerder"].calendar_token, outsider.calendar_token
    assert anonymous.get(f"/agenda/{own}/regionale-tafel.ics").status_code == 200
    assert anonymous.get(f"/agenda/{theirs}/regionale-tafel.ics").status_code == 404
    assert anonymous.get(f"/agenda/{theirs}/hgl-tafel.ics").status_code == 200
    assert held.uid in anonymous.get(f"/agenda/{own}.ics").get_data(as_text=True)
    assert held.uid not in anonymous.get(f"/agenda/{theirs}.ics").get_data(as_text=True)
    # A beheerder's new account joins their region.
    made = post_form(
        haaglanden,
        "/beheer/gebruikers/nieuw",
        {
            "name": "Nieuw in Haaglanden",
            "email": "nieuw@haaglanden.test",
            "role": "lezer",
            "party": "",
            "municipality": "",
            "is_enabled": "y",
        },
    )
    assert made.status_code == 302
    from tracker.accounts.models import User

    newcomer = db.session.scalar(select(User).where(User.email == "nieuw@haaglanden.test"))
    assert newcomer.region_id == other.id
    # Rows made without a region join the installation's first one.
    assert (
        db.session.get(Region, roles["lezer"].region_id).name
        == "VeiligheidsAlliantie regio Rotterdam"
    )
    assert db.session.scalar(select(ProgressUpdate)) is None


def test_the_overview_lists_yearly_actions_that_can_no_longer_be_met(client_for):
    import time_machine

    # The login session is made inside each controlled clock.
    with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=UTC), tick=False):
        page = text_of(client_for("beheerder").get("/"))
    flagged = page.split("Jaarlijkse acties in 2026")[1][:600]
    assert "3.15" in flagged and "Dit jaar niet meer haalbaar: het najaar is voorbij" in flagged
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=UTC), tick=False):
        assert "Jaarlijkse acties in 2026" not in text_of(client_for("beheerder").get("/"))


def test_the_overviews_yearly_list_is_capped_like_its_other_lists(client_for):
    """Many yearly actions that missed their season: the first ``LIST_CAP``, and "Toon alle"
    (a plan ten times the size must not list hundreds on the overview)."""
    import time_machine

    from tracker.plan.models import Action, Theme
    from tracker.plan.overview import LIST_CAP

    theme = db.session.scalar(select(Theme).where(Theme.number == 3))
    for number in range(60, 60 + LIST_CAP + 2):
        extra = Action(
            theme=theme, number=number, text="Jaarlijkse voorlichting", owners_text="VAR"
        )
        extra.set_planning("Jaarlijks, in het voorjaar")
        db.session.add(extra)
    db.session.commit()
    with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=UTC), tick=False):
        client = client_for("beheerder")
        capped = client.get("/").get_data(as_text=True)
        full = client.get("/?toon=jaarlijks").get_data(as_text=True)
    section = capped.split('id="kop-per-jaar"')[1].split("</section>")[0]
    assert section.count("<li>") == LIST_CAP
    assert "?toon=jaarlijks#kop-per-jaar" in section
    listed = full.split('id="kop-per-jaar"')[1].split("</section>")[0].count("<li>")
    assert listed >= LIST_CAP + 2 + 1  # the new ones and 3.15 (najaar)


def test_a_linked_person_is_asked_for_an_update(seeded_app, roles, make_user):
    from tracker.notifications.asking import users_with_open_actions

    owner = db.session.scalar(select(ActionOwner).where(ActionOwner.label == "Regionale werkgroep"))
    person = make_user("bijdrager")  # no party: owns nothing by itself
    plan_id = owner.action.theme.plan_id
    assert person.id not in users_with_open_actions(plan_id)
    from tracker.plan.models import OwnerLink

    db.session.add(OwnerLink(owner=owner, user=person))
    db.session.commit()
    assert [a.code for a in users_with_open_actions(plan_id)[person.id]] == ["3.15"]


def test_the_owners_of_open_actions_are_read_in_one_statement_each_action_once(
    seeded_app, roles, make_user, count_queries
):
    """Owned by their party and linked by name as well: listed once, in code order."""
    from tracker.notifications.asking import users_with_open_actions
    from tracker.plan.models import OwnerLink
    from tracker.plan.queries import current_plan

    person = make_user("bijdrager", party="RIEC")
    plan_id = current_plan().id
    owned_by_party = [a.code for a in users_with_open_actions(plan_id)[person.id]]
    assert len(owned_by_party) > 1
    for code in reversed(owned_by_party):  # linked by name too
        theme, number = map(int, code.split("."))
        owner = db.session.scalar(
            select(ActionOwner)
            .join(Action)
            .join(Theme)
            .where(
                Theme.number == theme, Action.number == number, ActionOwner.party_id.is_not(None)
            )
        )
        db.session.add(OwnerLink(owner=owner, user=person))
    person_id = person.id
    db.session.commit()
    with count_queries as counter:
        listed = users_with_open_actions(plan_id)[person_id]
    assert counter.count == 1, counter.statements
    assert [a.code for a in listed] == owned_by_party
    assert owned_by_party == sorted(
        owned_by_party, key=lambda code: tuple(map(int, code.split(".")))
    )


def test_the_banner_leads_back_to_the_current_plan(client_for):
    admin = client_for("beheerder")
    _new_plan(admin)
    html = admin.get("/acties?plan=rotterdam-2027-2030").get_data(as_text=True)
    assert '<a href="/">Naar het huidige plan</a>' in html
    assert 'href="/acties/1.1?plan=rotterdam-2027-2030"' in html


def test_party_contacts_opened_before_a_colleagues_save_do_not_undo_it(
    client_for, roles, make_user, count_queries
):
    """One beheerder names RIEC's contact; another, whose page was opened before, names
    someone else: refused (saved, it would have replaced the colleague's choice unseen), what
    they chose kept in the form; opened again, the page shows the contact and saves."""
    ours, theirs = client_for("beheerder"), client_for("beheerder")
    riec_person = roles["bijdrager_eigen"]
    deputy = make_user("bijdrager", party="NLA", name="Dana Deputy")
    path = "/beheer/partijen?partij=RIEC"
    assert 'id="RIEC-shown" name="RIEC-shown" type="hidden" value=":"' in ours.get(
        "/beheer/partijen"
    ).get_data(as_text=True)
    named = {"RIEC-contact": str(riec_person.id), "RIEC-deputy": "", "RIEC-shown": ":"}
    assert post_form(theirs, path, named).status_code == 302

    stale = {"RIEC-contact": str(deputy.id), "RIEC-deputy": "", "RIEC-shown": ":"}
    with count_queries as statements:
        refused = post_form(ours, path, stale)
    # The refused save is rolled back; the page reads the parties and people again in one
    # statement each, not one per party and person.
    assert statements.count < 20, statements.count
    assert refused.status_code == 409
    assert "Iemand anders heeft de contactpersonen van deze partij gewijzigd" in text_of(refused)
    assert f'<option selected value="{deputy.id}">' in refused.get_data(as_text=True)
    assert "De contactpersonen van RIEC zijn niet opgeslagen: zie RIEC hieronder" in text_of(
        refused
    )
    riec = db.session.scalar(select(Party).where(Party.code == "RIEC"))
    db.session.refresh(riec)
    assert (riec.contact_id, riec.deputy_id) == (riec_person.id, None)

    page = ours.get("/beheer/partijen").get_data(as_text=True)
    assert f'name="RIEC-shown" type="hidden" value="{riec_person.id}:"' in page
    again = {**named, "RIEC-deputy": str(deputy.id), "RIEC-shown": f"{riec_person.id}:"}
    assert post_form(ours, path, again).status_code == 302
    db.session.refresh(riec)
    assert (riec.contact_id, riec.deputy_id) == (riec_person.id, deputy.id)
    # A form that does not say what it showed is not this page's.
    assert post_form(ours, path, {"RIEC-contact": ""}).status_code == 400
