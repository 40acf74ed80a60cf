"""A draft's own texts: its title, subtitle, period and what each theme says before its
actions. The next plan starts as a copy of the current one, so until these could be edited
it kept the old plan's words (and a typo in its title) for good."""

import re

import pytest
from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.plan.models import Plan, Theme

from .helpers import post_form, text_of
from .test_evaluation import open_round  # noqa: F401 (a fixture)
from .test_plans_and_owners import _new_plan

DRAFT = "rotterdam-2027-2030"
EDIT = f"/plannen/{DRAFT}/wijzigen"


def _draft(slug: str = DRAFT) -> Plan:
    db.session.expire_all()
    return db.session.scalar(select(Plan).where(Plan.slug == slug))


def _shown_form(client, edit: str = EDIT) -> dict:
    """The edit form as the page fills it: what a browser would send unchanged."""
    html = client.get(edit).get_data(as_text=True)
    data = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)
        if name != "csrf_token"
    }
    for name, text in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>(?:\r?\n)?(.*?)</textarea>', html, re.S
    ):
        data[name] = text.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
    return data


def test_a_draft_gets_its_own_title_period_and_theme_texts(client_for):
    admin = client_for("beheerder")
    assert _new_plan(admin).status_code == 302
    assert f'href="{EDIT}"' in admin.get("/plannen").get_data(as_text=True)
    data = _shown_form(admin)
    assert data["title"] == "Regionaal Actieplan Mensenhandel Regio Rotterdam"
    assert data["themes-1-title"] == "Bevorderen regionale/lokale samenwerking"
    data |= {
        "title": "Regionaal Actieplan Mensenhandel Rijnmond",
        "subtitle": "Samen verder tegen mensenhandel",
        "end_year": "2029",
        "themes-1-introduction": "In dit plan werken de gemeenten samen met de netwerkpartners.",
    }
    response = post_form(admin, EDIT, data)
    assert response.status_code == 302, text_of(response)[:600]
    draft = _draft("rotterdam-2027-2029")  # the short name followed the period
    assert (draft.title, draft.subtitle, draft.period) == (
        "Regionaal Actieplan Mensenhandel Rijnmond",
        "Samen verder tegen mensenhandel",
        "2027-2029",
    )
    themes = {theme.number: theme for theme in draft.themes}
    assert themes[2].introduction.startswith("In dit plan werken de gemeenten")
    current = db.session.scalar(select(Plan).where(Plan.slug == "rotterdam-2024-2026"))
    assert themes[1].introduction == current.themes[0].introduction  # left as it was
    assert current.themes[1].introduction != themes[2].introduction  # the adopted plan kept its
    assert "Concept Regionaal Actieplan Mensenhandel Rijnmond 2027-2029 opgeslagen" in text_of(
        admin.get("/plannen")
    )
    theme_page = text_of(admin.get("/themas/2?plan=rotterdam-2027-2029"))
    assert "In dit plan werken de gemeenten samen met de netwerkpartners." in theme_page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "plan.edit"))
    assert event.details == {"themes": [2], "slug": [DRAFT, "rotterdam-2027-2029"]}
    assert event.summary.endswith("2027-2029 (korte naam was rotterdam-2027-2030)")


def test_a_short_name_the_beheerder_chose_stays_as_chosen(client_for):
    """The short name follows the period only when it was left as it was and ends in the
    old period; one typed on the form, or one without the years, is kept."""
    admin = client_for("beheerder")
    _new_plan(admin)
    data = _shown_form(admin) | {"slug": "rijnmond-2027-2030", "end_year": "2029"}
    assert post_form(admin, EDIT, data).status_code == 302
    assert _draft("rijnmond-2027-2030").period == "2027-2029"
    renamed = "/plannen/rijnmond-2027-2030/wijzigen"
    data = _shown_form(admin, renamed) | {"slug": "rijnmond-nieuw"}
    assert post_form(admin, renamed, data).status_code == 302
    data = _shown_form(admin, "/plannen/rijnmond-nieuw/wijzigen") | {"start_year": "2028"}
    assert post_form(admin, "/plannen/rijnmond-nieuw/wijzigen", data).status_code == 302
    assert _draft("rijnmond-nieuw").period == "2028-2029"
    assert admin.get(EDIT).status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"slug": "rotterdam-2024-2026"},
            "Er is al een plan met de korte naam &#39;rotterdam-2024",
        ),
        ({"slug": "Rotterdam 2027"}, "Alleen kleine letters, cijfers en streepjes"),
        ({"slug": ""}, "Dit veld is verplicht."),
    ],
)
def test_a_short_name_that_cannot_be_is_refused_with_the_input_kept(client_for, change, message):
    admin = client_for("beheerder")
    _new_plan(admin)
    data = _shown_form(admin) | {"subtitle": "Samen verder"} | change
    response = post_form(admin, EDIT, data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert 'value="Samen verder"' in response.get_data(as_text=True)
    assert _draft().subtitle == "Samen sterk tegen mensenhandel"


def test_an_adopted_plan_keeps_its_words(client_for):
    admin = client_for("beheerder")
    assert admin.get("/plannen/rotterdam-2024-2026/wijzigen").status_code == 404
    assert "thema-inleidingen wijzigen" not in text_of(admin.get("/plannen"))


def test_refused_input_is_kept_and_nothing_is_saved(client_for):
    admin = client_for("beheerder")
    _new_plan(admin)
    data = _shown_form(admin) | {
        "title": "Regionaal Actieplan Mensenhandel 2027-2030",
        "start_year": "2030",
        "end_year": "2027",
        "themes-0-title": "",
        "themes-4-introduction": "Bel voor vragen 06-12345678 of mail naam@voorbeeld.test.",
    }
    response = post_form(admin, EDIT, data)
    assert response.status_code == 400
    page = text_of(response)
    assert "Laat de jaartallen weg" in page
    assert "Het laatste jaar ligt vóór het eerste." in page
    assert "Thema 1, Titel van het thema: Dit veld is verplicht." in page
    assert "Gevonden persoonsgegevens" in page
    assert "06-12345678" in page and 'value="Regionaal Actieplan Mensenhandel 2027-2030"' in (
        response.get_data(as_text=True)
    )
    draft = _draft()
    assert (draft.title, draft.period) == (
        "Regionaal Actieplan Mensenhandel Regio Rotterdam",
        "2027-2030",
    )
    assert draft.themes[0].title == "Aard en omvang"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "plan.edit")) is None


def test_a_theme_left_as_shown_is_not_read_again(client_for):
    """Only the rows someone changed are read by the privacy guard and saved: a stored text
    the guard would now question does not block saving the title."""
    admin = client_for("beheerder")
    _new_plan(admin)
    draft = _draft()
    draft.themes[3].introduction = "Contact: 010-1234567."
    db.session.commit()
    data = _shown_form(admin) | {"title": "Actieplan Mensenhandel Regio Rotterdam"}
    assert data["themes-3-introduction"] == "Contact: 010-1234567."
    response = post_form(admin, EDIT, data)
    assert response.status_code == 302, text_of(response)[:600]
    assert _draft().title == "Actieplan Mensenhandel Regio Rotterdam"


def test_a_colleagues_newer_save_is_not_undone(client_for):
    first, second = client_for("beheerder"), client_for("beheerder")
    _new_plan(first)
    opened_first, opened_second = _shown_form(first), _shown_form(second)
    changed = opened_first | {"themes-0-introduction": "Eerste versie van de inleiding."}
    assert post_form(first, EDIT, changed).status_code == 302
    late = opened_second | {"subtitle": "Een andere ondertitel"}
    response = post_form(second, EDIT, late)
    assert response.status_code == 409
    page = text_of(response)
    assert "Iemand anders heeft dit concept gewijzigd nadat u de pagina opende" in page
    assert "open het concept opnieuw en breng uw wijziging daar aan" in page
    assert f'href="{EDIT}">Het concept zoals het nu is' in response.get_data(as_text=True)
    assert 'value="Een andere ondertitel"' in response.get_data(as_text=True)
    # The same form again is still refused: its theme 1 holds the text from before.
    assert post_form(second, EDIT, late).status_code == 409
    draft = _draft()
    assert draft.themes[0].introduction == "Eerste versie van de inleiding."
    assert draft.subtitle == "Samen sterk tegen mensenhandel"


def test_a_save_after_a_colleague_renamed_the_draft_is_refused_not_lost(client_for):
    """The form was opened at the draft's old address; the colleague's new short name moved
    it. The late save finds the draft all the same, and is refused with the input kept."""
    first, second = client_for("beheerder"), client_for("beheerder")
    _new_plan(first)
    opened_first, opened_second = _shown_form(first), _shown_form(second)
    renamed = opened_first | {"slug": "rotterdam-2027-2029", "end_year": "2029"}
    assert post_form(first, EDIT, renamed).status_code == 302
    late = opened_second | {"subtitle": "Een andere ondertitel"}
    response = post_form(second, EDIT, late)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Iemand anders heeft dit concept gewijzigd nadat u de pagina opende" in text_of(response)
    assert 'href="/plannen/rotterdam-2027-2029/wijzigen">Het concept zoals het nu is' in html
    assert 'value="Een andere ondertitel"' in html
    assert _draft("rotterdam-2027-2029").subtitle == "Samen sterk tegen mensenhandel"
    # Only a draft the asker may see is found so: an adopted plan's id is not a way in.
    adopted = db.session.scalar(select(Plan.id).where(Plan.slug == "rotterdam-2024-2026"))
    assert post_form(second, EDIT, late | {"draft": str(adopted)}).status_code == 404


def test_rows_that_are_not_the_drafts_themes_are_refused(client_for):
    admin = client_for("beheerder")
    _new_plan(admin)
    data = _shown_form(admin) | {"themes-2-number": "9"}
    assert post_form(admin, EDIT, data).status_code == 400
    assert db.session.scalar(select(Theme.id).where(Theme.number == 9)) is None


@pytest.mark.usefixtures("open_round")
def test_the_next_plan_is_proposed_without_the_old_title_years(client_for):
    """A draft made before titles were refused with years in them is a base like any other:
    "Nieuw plan op basis van…" proposes its title without them, or the form would refuse
    its own proposal."""
    admin = client_for("beheerder")
    current = db.session.scalar(select(Plan).where(Plan.is_current))
    current.title = "Regionaal Actieplan Mensenhandel Regio Rotterdam 2024-2026"
    db.session.commit()
    for page in ("/plannen/nieuw", "/evaluatie/rotterdam-2024-2026"):
        html = admin.get(page).get_data(as_text=True)
        title_input = re.search(r'<input[^>]*name="title"[^>]*>', html).group()
        assert 'value="Regionaal Actieplan Mensenhandel Regio Rotterdam"' in title_input, page
        # Both pages propose the same next period and a short name that names it.
        proposed = {
            name: re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html).group(1)
            for name in ("slug", "start_year", "end_year")
        }
        assert proposed == {
            "slug": "rotterdam-2027-2029",
            "start_year": "2027",
            "end_year": "2029",
        }, page


def test_a_new_plan_ending_before_it_starts_is_refused(client_for):
    admin = client_for("beheerder")
    response = post_form(
        admin,
        "/plannen/nieuw",
        {
            "base": "rotterdam-2024-2026",
            "title": "Actieplan Mensenhandel",
            "slug": "rotterdam-2030-2027",
            "start_year": "2030",
            "end_year": "2027",
        },
    )
    assert response.status_code == 400
    assert "Laatste jaar: Het laatste jaar ligt vóór het eerste." in text_of(response)
    assert db.session.scalar(select(Plan).where(Plan.slug == "rotterdam-2030-2027")) is None


def test_the_adopted_plan_is_presented_with_its_own_subtitle(client_for):
    """The subtitle was written into the public page and the reports' title pages ("Samen
    sterk tegen mensenhandel"); a next plan with its own kept showing the old one."""
    import io

    from docx import Document
    from pypdf import PdfReader

    admin = client_for("beheerder")
    _new_plan(admin)
    data = _shown_form(admin) | {"subtitle": "Samen verder tegen mensenhandel"}
    assert post_form(admin, EDIT, data).status_code == 302
    assert post_form(admin, f"/plannen/{DRAFT}/vaststellen", {}).status_code == 302
    public = text_of(admin.get("/beheer/openbaar/voorbeeld"))
    assert "Samen verder tegen mensenhandel. De gemeenten van de" in public
    word = Document(io.BytesIO(admin.get("/rapportage.docx").data))
    title = "Regionaal Actieplan Mensenhandel Regio Rotterdam 2027-2030: “Samen verder tegen"
    assert any(p.text.startswith(title) for p in word.paragraphs)
    pdf = PdfReader(io.BytesIO(admin.get("/rapportage.pdf").data))
    first = " ".join(pdf.pages[0].extract_text().split())
    assert "Samen verder tegen mensenhandel" in first and "Samen sterk" not in first


def test_after_adoption_the_invitation_and_the_meeting_years_follow_the_new_plan(
    seeded_app, smtp_server, client_for
):
    """The invitation e-mail named "Regio Rotterdam 2024-2026" and the meetings page offered
    the years 2024 to 2026, both written in."""
    seeded_app.config.update(smtp_server.config)
    admin = client_for("beheerder")
    _new_plan(admin)
    assert post_form(admin, f"/plannen/{DRAFT}/vaststellen", {}).status_code == 302
    person = {"name": "Alex Aandacht", "email": "alex@schiedam.test", "role": "bijdrager"}
    person |= {"party": "AF", "municipality": "schiedam", "is_enabled": "y"}
    assert post_form(admin, "/beheer/gebruikers/nieuw", person).status_code == 302
    invitation = smtp_server.messages[0][1].get_body(("plain",)).get_content()
    assert "Regionaal Actieplan Mensenhandel Regio Rotterdam 2027-2030." in invitation
    assert "2024-2026" not in invitation
    years = admin.get("/vergaderingen").get_data(as_text=True)
    assert all(f"/vergaderingen?jaar={y}" in years for y in range(2027, 2031))
