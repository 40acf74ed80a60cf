"""Two requests that create or change the same thing at once get a clear Dutch 4xx (or the
second sees the first's result), never a 500: one test per unique key a user can create, and
for the optimistic lock on a meeting. ``race_at`` runs the second request to its end while
the first has just passed its own check."""

from datetime import timedelta

from sqlalchemy import func, select

from tracker.accounts.models import User
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.meetings import services as meeting_services
from tracker.meetings.models import Meeting, MeetingSeries
from tracker.plan.models import Plan
from tracker.progress.models import MunicipalityProgress

from .helpers import csrf_token, post_form, race_at, text_of
from .test_plan_drafts import _shown_form


def poster(client, path: str):
    """Post to ``path`` with a CSRF token fetched now, so that inside ``race_at`` only the
    POST itself runs SQL."""
    token = csrf_token(client, path)
    return lambda data: client.post(path, data={**data, "csrf_token": token})


NEW_PLAN = {
    "base": "rotterdam-2024-2026",
    "title": "Regionaal Actieplan Mensenhandel Regio Rotterdam",
    "slug": "rotterdam-2027-2030",
    "start_year": "2027",
    "end_year": "2030",
}


def test_two_new_plans_with_one_slug(client_for):
    first, second = client_for("beheerder"), client_for("beheerder")
    with race_at(
        "FROM plan WHERE plan.slug", lambda: post_form(second, "/plannen/nieuw", NEW_PLAN)
    ):
        response = post_form(first, "/plannen/nieuw", NEW_PLAN)
    assert response.status_code == 409
    assert "Er is zojuist al een plan met de korte naam" in text_of(response)
    assert 'value="Regionaal Actieplan Mensenhandel Regio Rotterdam"' in response.get_data(
        as_text=True
    )  # what was typed stays
    assert db.session.scalar(select(func.count()).where(Plan.slug == NEW_PLAN["slug"])) == 1


def test_two_new_series_with_one_name(client_for):
    data = {
        "name": "Werkgroep Arbeidsuitbuiting",
        "action": "",
        "chair": "",
        "secretary": "",
        "min_per_year": "2",
        "reminder_days": "14",
        "update_request_days": "14",
    }
    first, second = client_for("beheerder"), client_for("beheerder")
    path = "/vergaderingen/overlegvormen/nieuw"
    post = poster(first, path)
    with race_at(
        "FROM meeting_series WHERE meeting_series.code", lambda: post_form(second, path, data)
    ) as raced:
        response = post(data)
    assert raced[1].status_code == 302, raced
    assert response.status_code == 409
    assert "Een overlegvorm met deze naam is zojuist al aangemaakt" in text_of(response)
    count = select(func.count()).where(MeetingSeries.name == data["name"])
    assert db.session.scalar(count) == 1


def test_two_cancels_of_one_meeting(client_for, roles):
    series = db.session.scalars(select(MeetingSeries).order_by(MeetingSeries.id)).first()
    start = utcnow() + timedelta(days=30)
    meeting = meeting_services.create_meeting(
        series,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        location="Stadhuis",
        agenda="",
        author=roles["beheerder"],
        now=utcnow(),
    )
    db.session.commit()
    meeting_id = meeting.id
    path = f"/vergaderingen/{meeting_id}/annuleren"
    first, second = client_for("beheerder"), client_for("beheerder")
    post = poster(first, path)
    db.session.expunge_all()  # the request loads the meeting itself, as a real one would
    with race_at(
        "WHERE meeting.id = ", lambda: post_form(second, path, {"reason": "Ziekte"})
    ) as raced:
        response = post({"reason": "Ziekte"})
    assert raced[1].status_code == 302, raced
    assert response.status_code in (400, 409)  # refused: already cancelled meanwhile
    assert "Er ging iets mis" not in text_of(response)
    meeting = db.session.get(Meeting, meeting_id)
    assert meeting.state == "geannuleerd" and meeting.sequence == 1


def test_two_first_saves_of_one_municipal_cell(client_for):
    path = "/acties/2.4/gemeenten/schiedam/2025"
    data = {"status": "lopend", "note": "Gesprek gepland.", "version": "0"}
    first, second = client_for("af_schiedam"), client_for("af_schiedam")
    post = poster(first, path)
    with race_at("FROM municipality_progress", lambda: post_form(second, path, data)) as raced:
        response = post(data)
    assert raced[1].status_code == 302, raced
    assert response.status_code == 409
    assert "Gesprek gepland." in response.get_data(as_text=True)  # what was typed stays
    assert db.session.scalar(select(func.count(MunicipalityProgress.id))) == 1


def test_two_new_accounts_with_one_email(client_for):
    data = {
        "name": "Alex Aandacht",
        "email": "alex@schiedam.test",
        "role": "bijdrager",
        "party": "AF",
        "municipality": "schiedam",
    }
    first, second = client_for("beheerder"), client_for("beheerder")
    path = "/beheer/gebruikers/nieuw"
    post = poster(first, path)
    with race_at("WHERE user.email = ", lambda: post_form(second, path, data)) as raced:
        response = post(data)
    assert raced[1].status_code == 302, raced
    assert response.status_code == 409
    assert "Tegelijk gewijzigd" in text_of(response)
    assert db.session.scalar(select(func.count()).where(User.email == data["email"])) == 1


def test_two_imports_of_one_calendar_file(client_for):
    """The same .ics imported twice at once: its meetings exist once, the second import
    is refused with the conflict page."""
    from io import BytesIO

    from .test_meetings import ICS, series

    platform = series("platform-mensenhandel")
    path = "/vergaderingen/importeren"
    first, second = client_for("beheerder"), client_for("beheerder")

    def upload(client):
        data = {"series": str(platform.id), "file": (BytesIO(ICS), "agenda.ics")}
        return post_form(client, path, data, content_type="multipart/form-data")

    token = csrf_token(first, path)
    data = {"series": str(platform.id), "file": (BytesIO(ICS), "agenda.ics"), "csrf_token": token}
    with race_at("WHERE meeting.uid IN", lambda: upload(second)) as raced:
        response = first.post(path, data=data, content_type="multipart/form-data")
    assert raced[1].status_code == 200, raced
    assert response.status_code == 409
    assert "Tegelijk gewijzigd" in text_of(response)
    assert db.session.scalar(select(func.count(Meeting.id))) == 2


def test_two_new_actions_with_one_number(client_for):
    from .test_authorization import NEW_ACTION

    first, second = client_for("beheerder"), client_for("beheerder")
    post = poster(first, "/acties/nieuw")
    with race_at(
        "= action.theme_id", lambda: post_form(second, "/acties/nieuw", NEW_ACTION)
    ) as raced:
        response = post(NEW_ACTION)
    assert raced[1].status_code == 302, raced
    assert response.status_code == 409
    assert "Actie 4.9 is zojuist al toegevoegd" in text_of(response)


def test_two_first_saves_of_one_yearly_commitment(client_for):
    path = "/acties/3.15/jaren/2025"
    data = {"status": "lopend", "note": "Week voorbereid.", "version": "0"}
    first, second = client_for("beheerder"), client_for("beheerder")
    post = poster(first, path)
    with race_at("FROM yearly_commitment", lambda: post_form(second, path, data)) as raced:
        response = post(data)
    assert raced[1].status_code == 302, raced
    assert response.status_code == 409
    assert "Week voorbereid." in response.get_data(as_text=True)  # what was typed stays


def test_two_first_saves_of_the_reports_own_words(client_for):
    data = {"version": "0", "asks": "Instemmen met de evaluatieaanpak."}
    first, second = client_for("beheerder"), client_for("beheerder")
    post = poster(first, "/rapportage/tekst")
    with race_at(
        "FROM report_draft", lambda: post_form(second, "/rapportage/tekst", data)
    ) as raced:
        response = post(data)
    assert raced[1].status_code == 302, raced
    assert response.status_code == 409
    assert "Instemmen met de evaluatieaanpak." in response.get_data(as_text=True)


def test_two_saves_of_one_draft(client_for):
    """Two beheerders save the next plan's texts at the same moment, each a different theme:
    the second is refused with its text kept, not saved over the first's."""
    first, second = client_for("beheerder"), client_for("beheerder")
    assert post_form(first, "/plannen/nieuw", NEW_PLAN).status_code == 302
    path = f"/plannen/{NEW_PLAN['slug']}/wijzigen"
    shown = _shown_form(first, path)
    mine = shown | {"themes-0-introduction": "Mijn nieuwe inleiding bij thema 1."}
    theirs = shown | {"themes-1-introduction": "Hun nieuwe inleiding bij thema 2."}
    post = poster(first, path)
    db.session.expunge_all()  # the request loads the plan itself, as a real one would
    with race_at("AND plan.slug = ", lambda: post_form(second, path, theirs)) as raced:
        response = post(mine)
    assert raced[1].status_code == 302, raced
    assert response.status_code == 409
    assert "Iemand anders heeft dit concept gewijzigd" in text_of(response)
    assert "Mijn nieuwe inleiding bij thema 1." in response.get_data(as_text=True)
    draft = db.session.scalar(select(Plan).where(Plan.slug == NEW_PLAN["slug"]))
    assert draft.themes[1].introduction == "Hun nieuwe inleiding bij thema 2."
    assert draft.themes[0].introduction != "Mijn nieuwe inleiding bij thema 1."


def test_two_saves_of_one_series(client_for):
    """Two beheerders save one overlegvorm at the same moment, each changing something else:
    the second is refused with its input kept, not saved over the first's."""
    from .test_meetings import series_form

    first, second = client_for("beheerder"), client_for("beheerder")
    rvo = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "rvo"))
    path = f"/vergaderingen/overlegvormen/{rvo.id}"
    shown = series_form(rvo)
    post = poster(first, path)
    db.session.expunge_all()  # the request loads the series itself, as a real one would
    theirs = shown | {"reminder_days": "7"}
    with race_at(
        "FROM meeting_series WHERE meeting_series.id = ", lambda: post_form(second, path, theirs)
    ) as raced:
        response = post(shown | {"reminder_intro": "Graag uw stukken vooraf."})
    assert raced[1].status_code == 302, raced
    assert response.status_code == 409
    assert "Graag uw stukken vooraf." in response.get_data(as_text=True)
    saved = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "rvo"))
    assert (saved.reminder_days, saved.reminder_intro) == ("7", "")


def test_two_saves_of_one_account(client_for, make_user):
    """Two beheerders save one account at the same moment, both from the form as it was:
    one changes the role, the other the party. The second is refused, not saved over the
    first (the version is claimed in the UPDATE itself, after both read the account)."""
    from .test_accounts import _account_form

    person = make_user("bijdrager", party="RIEC", name="Robin Tweemaal")
    path = f"/beheer/gebruikers/{person.id}"
    shown = _account_form(person)
    first, second = client_for("beheerder"), client_for("beheerder")
    post = poster(first, path)
    db.session.expunge_all()  # the request loads the account itself, as a real one would
    with race_at(
        "FROM party WHERE party.kind !=",
        lambda: post_form(second, path, shown | {"role": "lezer", "party": "RIEC"}),
    ) as raced:
        response = post(shown | {"party": "NLA"})
    assert raced[1].status_code == 302, raced
    assert response.status_code == 409
    saved = db.session.get(User, person.id)
    assert (saved.role, saved.party.code, saved.version) == ("lezer", "RIEC", 2)
