"""Progress updates with their history, stale-save protection, per-municipality cells,
plan revisions, Mijn acties, orphaned actions and the audit log."""

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select, update

from tracker.audit.models import AuditEvent
from tracker.conflicts import StaleEdit
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.plan.models import Action
from tracker.progress import services
from tracker.progress.models import ActionRevision, MunicipalityProgress, ProgressUpdate
from tracker.seeding import apply_seeds

from .helpers import action, owner_fields, post_form, text_of


def form_version(client, path: str, form_action: str) -> str:
    html = client.get(path).get_data(as_text=True)
    form = html.split(f'action="{form_action}"')[1]
    return re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)


UPDATE = {
    "status": "lopend",
    "signal": "op_koers",
    "text": "Voorstel besproken in de stuurgroep.",
    "link": "https://riec.example.test/notitie",
}


def test_contributor_records_an_update_that_becomes_the_current_state(client_for, roles):
    client = client_for("bijdrager_eigen")
    version = form_version(client, "/acties/4.1", "/acties/4.1/voortgang")
    response = post_form(client, "/acties/4.1/voortgang", {**UPDATE, "version": version})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/acties/4.1#voortgang")
    current = action("4.1")
    assert (current.status, current.signal) == ("lopend", "op_koers")
    assert current.last_update_at is not None

    page = text_of(client.get("/acties/4.1"))
    assert "Voorstel besproken in de stuurgroep." in page
    assert roles["bijdrager_eigen"].name in page
    assert "Status: Niet gestart → Lopend" in page
    assert "Signaal: Geen signaal → Op koers" in page
    assert "Lopend" in text_of(client.get("/acties?thema=4"))
    assert re.search(r"Totaal 46 1 0 0 47", text_of(client.get("/")))
    update_row = db.session.scalar(select(ProgressUpdate))
    assert update_row.author_id == roles["bijdrager_eigen"].id
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "progress.update")).subject
        == "actie 4.1"
    )


def test_update_form_errors_are_dutch_tied_to_fields_and_keep_input(client_for):
    client = client_for("bijdrager_eigen")
    response = post_form(
        client,
        "/acties/4.1/voortgang",
        {
            "status": "afgerond",
            "signal": "aandacht",
            "text": "",
            "link": "geen link",
            "version": "1",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="text-fout">Dit veld is verplicht.' in html
    assert 'aria-describedby="text-fout"' in html
    assert "Vul een volledige link in" in html
    assert '<option selected value="afgerond">' in html
    assert 'value="geen link"' in html
    assert db.session.scalar(select(ProgressUpdate)) is None


def test_stale_save_is_refused_shows_the_newer_update_and_loses_nothing(client_for):
    alice, bob = client_for("bijdrager_eigen"), client_for("beheerder")
    seen_by_bob = form_version(bob, "/acties/4.1", "/acties/4.1/voortgang")
    seen_by_alice = form_version(alice, "/acties/4.1", "/acties/4.1/voortgang")
    assert (
        post_form(alice, "/acties/4.1/voortgang", {**UPDATE, "version": seen_by_alice}).status_code
        == 302
    )

    late = {
        "status": "afgerond",
        "signal": "",
        "text": "Het eigen verslag van de tweede bijdrager.",
        "link": "",
        "version": seen_by_bob,
    }
    response = post_form(bob, "/acties/4.1/voortgang", late)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Iemand anders heeft deze actie bijgewerkt" in html
    assert "Het eigen verslag van de tweede bijdrager." in html  # still in the form
    assert "Voorstel besproken in de stuurgroep." in html  # the newer update is shown
    assert [u.text for u in db.session.scalars(select(ProgressUpdate))] == [UPDATE["text"]]
    assert action("4.1").status == "lopend"

    # Bob read it; the form now carries the new version, so saving again is a conscious choice.
    new_version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    assert (
        post_form(bob, "/acties/4.1/voortgang", {**late, "version": new_version}).status_code == 302
    )
    assert action("4.1").status == "afgerond"


def test_a_concurrent_write_between_check_and_commit_is_caught_by_the_database(seeded_app, roles):
    target = action("4.2")
    seen = target.version
    # Another process saves in between: the row's version moves on under our loaded object.
    with db.engine.begin() as conn:
        conn.execute(
            update(Action).where(Action.id == target.id).values(version=seen + 1, status="lopend")
        )
    with pytest.raises(StaleEdit):
        services.record_update(
            target,
            roles["beheerder"],
            status="afgerond",
            signal=None,
            text="x",
            link=None,
            expected_version=seen,
            now=utcnow(),
        )
    assert db.session.scalar(select(ProgressUpdate)) is None


def test_action_page_queries_do_not_grow_with_updates(client_for, roles, count_queries):
    client = client_for("beheerder")
    client.get("/acties/4.1")
    with count_queries as few:
        client.get("/acties/4.1")
    target = action("4.1")
    for n in range(30):
        db.session.add(
            ProgressUpdate(
                action=target,
                author_id=roles["bijdrager_eigen"].id,
                status_before="lopend",
                status_after="lopend",
                text=f"Update {n}",
            )
        )
    db.session.commit()
    with count_queries as many:
        response = client.get("/acties/4.1")
    assert "Update 29" in response.get_data(as_text=True)
    assert many.count == few.count


# Per municipality ----------------------------------------------------------------------------


def test_aandachtsfunctionaris_fills_in_their_own_municipality(client_for, roles):
    client = client_for("af_schiedam")
    path = "/acties/2.4/gemeenten/schiedam/2025"
    assert (
        post_form(
            client, path, {"status": "lopend", "note": "Gesprek op 3 maart.", "version": "0"}
        ).status_code
        == 302
    )
    grid = client.get("/acties/2.4/gemeenten?jaar=2025")
    row = re.search(
        r"<th scope=\"row\"><a href=\"/gemeenten/schiedam\?jaar=2025\">Schiedam</a></th>(.*?)</tr>",
        grid.get_data(as_text=True),
        re.S,
    ).group(1)
    assert "Lopend" in row and "Gesprek op 3 maart." in row
    assert 'href="/acties/2.4/gemeenten/schiedam/2025"' in grid.get_data(as_text=True)
    assert 'href="/acties/2.4/gemeenten/vlaardingen/2025"' not in grid.get_data(as_text=True)
    other_year = client.get("/acties/2.4/gemeenten?jaar=2024").get_data(as_text=True)
    assert "Gesprek op 3 maart." not in other_year
    cell = db.session.scalar(select(MunicipalityProgress))
    assert (cell.year, cell.updated_by_id) == (2025, roles["af_schiedam"].id)

    stale = post_form(client, path, {"status": "afgerond", "note": "Oude versie", "version": "0"})
    assert stale.status_code == 409
    assert "Oude versie" in stale.get_data(as_text=True)
    assert "Gesprek op 3 maart." in stale.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "municipality.update"))


def test_municipality_pages_404_for_other_actions_and_years(client_for):
    client = client_for("beheerder")
    assert client.get("/acties/4.1/gemeenten").status_code == 404
    assert client.get("/acties/2.4/gemeenten/schiedam/2031").status_code == 404
    assert client.get("/acties/2.4/gemeenten/atlantis/2025").status_code == 404


# Plan revisions ------------------------------------------------------------------------------


REVISION = {
    "text": "Uitwerken voorstel uitbreiden handhavingsknelpunt naar mensenhandel.",
    "planning": "2025",
    "owners_text": "RIEC/ VAR",
    **owner_fields("RIEC", ("VAR", "", "ondersteuning")),
    "reason": "Besluit Regionale Tafel van 12 maart 2025: doorgeschoven naar 2025.",
}


def test_beheerder_revises_an_action_with_a_reason_and_history(client_for, seed_data):
    client = client_for("beheerder")
    html = client.get("/acties/4.1/herzien").get_data(as_text=True)
    assert "RIEC" in html and "Uitwerken voorstel uitbreiden handhavingsknpunt" in html
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    response = post_form(client, "/acties/4.1/herzien", {**REVISION, "version": version})
    assert response.status_code == 302
    revised = action("4.1")
    assert revised.planning == "2025" and revised.due_on.isoformat() == "2025-12-31"
    assert [(o.display_name, o.role) for o in revised.owners] == [
        ("RIEC", None),
        ("VAR", "ondersteuning"),
    ]
    page = text_of(client.get("/acties/4.1"))
    assert "Besluit Regionale Tafel van 12 maart 2025" in page
    assert "Planning 2024 → 2025" in page
    revision = db.session.scalar(select(ActionRevision))
    assert revision.changes["planning"] == ["2024", "2025"]

    # The seed loader keeps the revision and says so.
    report = apply_seeds(db.session, seed_data)
    db.session.commit()
    assert report.kept_revised == ["4.1"]
    assert action("4.1").planning == "2025"


def test_revision_form_validates_owners_and_unknown_planning(client_for):
    client = client_for("beheerder")
    bad = {**REVISION, **owner_fields("RIEC", "ONBEKEND"), "planning": "ooit", "version": "1"}
    response = post_form(client, "/acties/4.1/herzien", bad)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Deze planning wordt niet herkend" in html
    assert "Planning toch opslaan zoals geschreven" in html
    assert db.session.scalar(select(ActionRevision)) is None

    owners_only = post_form(
        client,
        "/acties/4.1/herzien",
        {**REVISION, **owner_fields("RIEC", "ONBEKEND"), "version": "1"},
    )
    assert "Rij 2: deze partij bestaat niet (meer); kies er een." in text_of(owners_only)

    accepted = post_form(
        client,
        "/acties/4.1/herzien",
        {**REVISION, "planning": "ooit", "accept_unparsed": "y", "version": "1"},
    )
    assert accepted.status_code == 302
    assert action("4.1").schedule_kind == "unparsed"


def test_beheerder_adds_and_drops_actions(client_for):
    client = client_for("beheerder")
    new = {**REVISION, "theme": "4", "number": "9", "text": "Nieuwe actie na de evaluatie."}
    assert post_form(client, "/acties/nieuw", new).headers["Location"] == "/acties/4.9"
    assert "Nieuwe actie na de evaluatie." in text_of(client.get("/acties?thema=4"))
    duplicate = post_form(client, "/acties/nieuw", new)
    assert "Actie 4.9 bestaat al" in duplicate.get_data(as_text=True)

    version = str(action("4.2").version)
    assert (
        post_form(
            client, "/acties/4.2/vervallen", {"reason": "Opgegaan in 4.1.", "version": version}
        ).status_code
        == 302
    )
    dropped = action("4.2")
    assert dropped.status == "vervallen"
    assert "Actie vervallen: Opgegaan in 4.1." in text_of(client.get("/acties/4.2"))
    assert (
        post_form(client, "/acties/4.3/vervallen", {"reason": "", "version": "1"}).status_code
        == 400
    )


# Mijn acties ---------------------------------------------------------------------------------


def test_my_actions_lists_own_party_actions_and_whether_an_update_is_due(client_for, seeded_app):
    client = client_for("bijdrager_eigen")
    page = text_of(client.get("/mijn-acties"))
    riec = ["1.1", "1.4", "3.4", "4.1", "4.2", "4.3", "4.4", "4.6", "4.7"]
    for code in riec:
        assert f" {code} " in page, code
    assert " 2.10 " not in page
    # Not started: nothing to report yet, so no update is asked for.
    assert "Ja" not in re.search(r"4\.3 (.*?) 4\.4 ", page).group(1)
    running = action("4.3")
    running.status = "lopend"
    db.session.commit()
    row = re.search(r"4\.3 (.*?) 4\.4 ", text_of(client.get("/mijn-acties"))).group(1)
    assert "Ja, nog nooit bijgewerkt" in row.replace(" ,", ",")

    version = form_version(client, "/acties/4.1", "/acties/4.1/voortgang")
    post_form(client, "/acties/4.1/voortgang", {**UPDATE, "version": version})
    row = re.search(r"4\.1 (.*?) 4\.2 ", text_of(client.get("/mijn-acties"))).group(1)
    assert "Nee" in row and "Ja," not in row.replace(" ,", ",")
    with time_machine.travel(utcnow() + timedelta(days=91)):
        later = re.search(
            r"4\.1 (.*?) 4\.2 ", text_of(client_for("bijdrager_eigen").get("/mijn-acties"))
        ).group(1)
    assert "langer dan 90 dagen niet bijgewerkt" in later


def test_a_reader_is_not_told_that_updates_are_due(client_for, seeded_app):
    running = action("2.1")
    running.status = "lopend"
    db.session.commit()
    page = text_of(client_for("lezer").get("/mijn-acties"))
    assert "Update nodig" not in page and "Voortgang van meerdere acties" not in page


def test_aandachtsfunctionaris_sees_the_municipal_rows_of_their_municipality(client_for):
    page = text_of(client_for("af_schiedam").get("/mijn-acties"))
    assert "Gemeente Schiedam" in page
    for code in ("2.4", "3.3", "3.6", "3.7"):
        assert f" {code} " in page
    html = client_for("af_schiedam").get("/mijn-acties").get_data(as_text=True)
    # One form for all of them (and the municipality's borging), saved on its page.
    assert 'action="/gemeenten/schiedam?jaar=' in html and 'name="cells-3-code"' in html
    assert 'name="items-0-item"' in html


def test_orphaned_actions_are_flagged_for_the_beheerder(client_for, roles, make_user):
    page = text_of(client_for("beheerder").get("/mijn-acties"))
    orphans = page.split("Acties zonder rapporteur")[1]
    assert " 4.5 " not in orphans  # VAR/ RCTM: the beheerder's party VAR has an account
    assert " 5.3 " in orphans and "ZVH Rotterdam Rijnmond" in orphans
    riec = roles["bijdrager_eigen"]
    assert " 4.1 " not in orphans  # RIEC has an active contributor
    overview = text_of(client_for("beheerder").get("/"))
    # Each listed action names its parties without an account or its unlinked free text.
    count = (
        len(orphans.split("(geen account voor:")) - 1 + len(orphans.split("(niet gekoppeld:")) - 1
    )
    assert " 5.1 " in orphans and "niet gekoppeld: (Centrum)gemeenten" in orphans
    assert f"{count} acties zonder rapporteur" in overview
    assert "zonder rapporteur" not in text_of(client_for("lezer").get("/"))
    riec.is_enabled = False
    db.session.commit()
    orphans = text_of(client_for("beheerder").get("/mijn-acties")).split(
        "Acties zonder rapporteur"
    )[1]
    assert " 4.1 " in orphans and "RIEC" in orphans


# Audit ---------------------------------------------------------------------------------------


def test_audit_log_shows_each_kind_of_change(client_for, roles):
    admin = client_for("beheerder")
    version = form_version(admin, "/acties/2.1", "/acties/2.1/voortgang")
    post_form(admin, "/acties/2.1/voortgang", {**UPDATE, "version": version})
    post_form(
        admin,
        "/acties/2.4/gemeenten/schiedam/2025",
        {"status": "lopend", "note": "", "version": "0"},
    )
    post_form(admin, "/acties/4.1/herzien", {**REVISION, "version": "1"})
    post_form(
        admin,
        "/beheer/gebruikers/nieuw",
        {
            "name": "Nieuw",
            "email": "nieuw@example.test",
            "role": "lezer",
            "party": "",
            "municipality": "",
            "is_enabled": "y",
        },
    )
    page = admin.get("/beheer/audit").get_data(as_text=True)
    for label in (
        "Voortgang bijgewerkt",
        "Voortgang gemeente bijgewerkt",
        "Actie herzien",
        "Account aangemaakt",
    ):
        assert f'<td data-label="Soort">{label}</td>' in page, label
    assert roles["beheerder"].name in page
    filtered = admin.get("/beheer/audit?soort=plan.revise").get_data(as_text=True)
    assert "<code>user.create</code>" not in filtered and "Besluit Regionale Tafel" in filtered


# Regional status is the region's -----------------------------------------------------------

REGIONAL_NOTE = "de status en het signaal zet VAR (trekker) of de beheerder"


def _update(code: str, **fields) -> dict:
    current = action(code)
    return {
        "status": current.status,
        "signal": current.signal or "",
        "text": "Netwerkbijeenkomst voorbereid met de collega's.",
        "version": current.version,
        **fields,
    }


def test_one_aandachtsfunctionaris_does_not_set_the_regions_status(client_for):
    """2.3 is carried by all aandachtsfunctionarissen: she adds her text, the status and
    signal stay the lead party's (VAR) and the beheerder's, whatever form she posts."""
    af = client_for("af_schiedam")
    page = af.get("/acties/2.3").get_data(as_text=True)
    assert REGIONAL_NOTE in page
    assert (
        'name="status" value="niet_gestart"' in page
        and "<select" not in page.split("update-form")[1].split("</form>")[0]
    )
    refused = post_form(af, "/acties/2.3/voortgang", _update("2.3", status="afgerond"))
    assert refused.status_code == 403
    assert "Actie 2.3 voert de regio samen uit" in text_of(refused)
    assert "Netwerkbijeenkomst voorbereid" in refused.get_data(as_text=True)  # kept
    signal = post_form(af, "/acties/2.3/voortgang", _update("2.3", signal="achterstand"))
    assert signal.status_code == 403
    assert action("2.3").status == "niet_gestart" and action("2.3").signal is None
    assert db.session.scalar(select(ProgressUpdate)) is None
    text_only = post_form(af, "/acties/2.3/voortgang", _update("2.3"))
    assert text_only.status_code == 302
    update = db.session.scalar(select(ProgressUpdate))
    assert update.text.startswith("Netwerkbijeenkomst") and update.status_after == "niet_gestart"


@pytest.mark.parametrize(
    ("party", "allowed"),
    [("VAR", True), ("ESSM", False)],  # the lead party; a co-owner that does not lead
)
def test_the_lead_party_sets_a_regional_status(client_for, make_user, party, allowed):
    from .conftest import login_as

    person = login_as(client_for(None), make_user("bijdrager", party=party))
    response = post_form(person, "/acties/2.3/voortgang", _update("2.3", status="lopend"))
    assert response.status_code == (302 if allowed else 403)
    assert (action("2.3").status == "lopend") is allowed


def test_the_beheerder_sets_a_regional_status_and_an_own_action_stays_the_owners(client_for):
    admin = post_form(
        client_for("beheerder"), "/acties/2.3/voortgang", _update("2.3", status="lopend")
    )
    assert admin.status_code == 302 and action("2.3").status == "lopend"
    riec = client_for("bijdrager_eigen")  # 4.1 is RIEC's: no aandachtsfunctionarissen on it
    assert REGIONAL_NOTE not in riec.get("/acties/4.1").get_data(as_text=True)
    own = post_form(riec, "/acties/4.1/voortgang", _update("4.1", status="lopend"))
    assert own.status_code == 302 and action("4.1").status == "lopend"


def test_the_rule_holds_below_the_forms(seeded_app, roles):
    """The service refuses too, so no form, batch or import can move the region's status."""
    with pytest.raises(services.StatusRefused):
        services.apply_batch(
            [(action("2.3"), {**_update("2.3", status="afgerond"), "signal": None})],
            roles["af_schiedam"],
            utcnow(),
        )
    db.session.rollback()
    assert action("2.3").status == "niet_gestart"


def test_the_bulk_page_takes_her_text_not_the_regions_status(client_for):
    from .test_everyday import as_form, bulk_rows

    af = client_for("af_schiedam")
    page = af.get("/voortgang").get_data(as_text=True)
    assert "De status en het signaal zet VAR (trekker) of de beheerder" in page
    rows = bulk_rows(af, "/voortgang")
    assert "2.3" in rows
    changed = {"2_3": {"status": "afgerond", "text": "Alles gedaan."}}
    refused = post_form(af, "/voortgang", as_form(rows, **changed))
    assert refused.status_code == 400
    assert "Actie 2.3 voert de regio samen uit" in text_of(refused)
    assert action("2.3").status == "niet_gestart"
    text_only = {"2_3": {"text": "Bijeenkomst in Schiedam voorbereid."}}
    saved = post_form(af, "/voortgang", as_form(rows, **text_only))
    assert saved.status_code == 302
    assert db.session.scalar(select(ProgressUpdate)).status_after == "niet_gestart"
