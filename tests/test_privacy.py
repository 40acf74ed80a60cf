"""The privacy guard: detection (corpus with precision and recall), every form and import
refusing personal data, redaction erasing every copy, masking before anything leaves, the
scan, and the audit of every export."""

import email
import io
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.meetings import services as meeting_services
from tracker.meetings.models import Meeting, MeetingSeries
from tracker.notifications.models import Notification
from tracker.privacy.detect import find_personal_data
from tracker.privacy.guard import Reading, check, domain_allowlist, text_digest
from tracker.privacy.models import PrivacyConfirmation
from tracker.progress import services as progress_services
from tracker.progress.models import MunicipalityProgress, ProgressUpdate
from tracker.redaction.models import PrivacyScan, Redaction
from tracker.reports.models import ReportSnapshot

from .conftest import SEEDS_DIR
from .helpers import action, fill_export, owner_fields, post_form, text_of
from .privacy_corpus import CLEAN, CORPUS, HARD, classify, corpus_figures

LEAK = (
    "Gesprek met slachtoffer Fatima de Vries (BSN 123456782, tel. 06-12345678), wonend "
    "Dorpsstraat 12, 3111 AB Schiedam."
)


def future_day() -> str:
    """A day to plan meetings on: always ahead of the clock the tests run with."""
    return (utcnow().date() + timedelta(days=60)).isoformat()


CONFIRM = "Ik heb gecontroleerd: dit gaat niet over een slachtoffer of een zaak"


# Detection ------------------------------------------------------------------------------------


def test_corpus_every_hard_text_refused_and_ordinary_text_rarely_questioned(seeded_app, request):
    """At least 150 texts; every hard one refused; at most 2 in 100 ordinary ones prompt a
    question; the figures per class are printed (and kept in BENCHMARKS.md)."""
    assert len(CORPUS) >= 150
    missed = [text for expected, text in CORPUS if expected == HARD and classify(text) != HARD]
    questioned = [
        text for expected, text in CORPUS if expected == CLEAN and classify(text) != CLEAN
    ]
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    for cls, row in corpus_figures().items():
        if reporter is None:  # a pytest-xdist worker: the figures are in BENCHMARKS.md
            break
        reporter.write_line(
            f"privacy corpus {cls}: {row['texts']} texts, precision {row['precision']:.2f}, "
            f"recall {row['recall']:.2f}"
        )
    assert missed == []
    clean = sum(1 for expected, _ in CORPUS if expected == CLEAN)
    assert len(questioned) <= clean * 0.02, questioned


def _plan_texts() -> list[str]:
    plan = yaml.safe_load((SEEDS_DIR / "plan.yaml").read_text(encoding="utf-8"))
    texts = []
    for theme in plan["themes"]:
        texts.append(theme.get("introduction", ""))
        for item in theme["actions"]:
            texts += [item["text"], item["planning"], str(item.get("wie", ""))]
    return [t for t in texts if t]


def test_the_plans_own_language_has_no_findings(seeded_app):
    texts = _plan_texts()
    assert len(texts) > 100
    hard = [(f.text, t[:50]) for t in texts for f in find_personal_data(t) if f.is_hard]
    assert hard == []
    allowlist = domain_allowlist()
    soft = [(f.text, t[:50]) for t in texts for f in find_personal_data(t, allowlist)]
    assert soft == []


def test_municipality_and_party_names_are_not_names(seeded_app):
    allowlist = domain_allowlist()
    for text in (
        "De Gemeente Capelle en Krimpen aan den IJssel organiseerden de training.",
        "Overleg tussen Fier, CoMensha en Humanitas in Rotterdam.",
    ):
        assert find_personal_data(text, allowlist) == []


# Forms refuse, keep the text, highlight; names need a confirmation ------------------------------


def test_progress_update_with_personal_data_is_refused_and_kept(client_for):
    client = client_for("bijdrager_eigen")
    target = action("4.1")
    data = {"status": "lopend", "signal": "", "text": LEAK, "version": target.version}
    response = post_form(client, "/acties/4.1/voortgang", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Deze tekst bevat persoonsgegevens die hier niet thuishoren" in html
    assert "BSN “123456782”" in html and "telefoonnummer “06-12345678”" in html
    assert '<mark title="BSN">123456782</mark>' in html
    assert "Dorpsstraat 12" in html  # the text stays in the form
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0


def test_a_name_needs_an_explicit_confirmation(client_for):
    client = client_for("bijdrager_eigen")
    target = action("4.1")
    text = "Pieter Bakker van de politie heeft het overleg voorgezeten."
    data = {"status": "lopend", "signal": "", "text": text, "version": target.version}
    first = post_form(client, "/acties/4.1/voortgang", data)
    assert first.status_code == 400
    page = first.get_data(as_text=True)
    assert "lijkt een naam of leeftijd te bevatten: naam “Pieter Bakker”" in page
    assert CONFIRM in page
    ticked_only = post_form(client, "/acties/4.1/voortgang", {**data, "privacy_confirmed": "y"})
    assert ticked_only.status_code == 400
    assert "Kies ook wie of wat het is." in ticked_only.get_data(as_text=True)
    confirmed = post_form(
        client,
        "/acties/4.1/voortgang",
        {**data, "privacy_confirmed": "y", "privacy_who": "collega"},
    )
    assert confirmed.status_code == 302
    assert db.session.scalar(select(ProgressUpdate.text)) == text
    # The confirmation is accountable: who, as what, and which text (by its digest only).
    (kept,) = db.session.scalars(select(PrivacyConfirmation)).all()
    assert (kept.who, kept.confirmed_by.party.code) == ("collega", "RIEC")
    assert kept.text_digest == text_digest(text) and text not in repr(vars(kept))


def _meeting(past: bool = True) -> Meeting:
    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.code == "rvo"))
    start = utcnow() + (timedelta(days=-2) if past else timedelta(days=30))
    meeting = meeting_services.create_meeting(
        series,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        location="Stadhuis",
        agenda="1. Voortgang",
        author=None,
        now=start - timedelta(days=60),
    )
    db.session.commit()
    return meeting


@pytest.mark.parametrize(
    ("role", "path", "data"),
    [
        (
            "af_schiedam",
            "/acties/2.4/gemeenten/schiedam/2025",
            {"status": "lopend", "note": LEAK, "version": "0"},
        ),
        ("beheerder", "/acties/4.1/vervallen", {"reason": LEAK, "version": "{version}"}),
        ("beheerder", "/vergaderingen/{meeting_id}/annuleren", {"reason": LEAK}),
        ("beheerder", "/rapportage/tekst", {"version": "0", "theme_3": LEAK}),
        ("beheerder", "/rapportage/tekst", {"version": "0", "asks": LEAK}),
        (
            "beheerder",
            "/vergaderingen/nieuw",
            {
                "series": "{series_id}",
                "day": "{future_day}",
                "start": "10:00",
                "end": "11:00",
                "agenda": LEAK,
            },
        ),
        (
            "beheerder",
            "/vergaderingen/overlegvormen/{series_id}",
            {
                "name": "RVO",
                "min_per_year": "1",
                "reminder_days": "14",
                "update_request_days": "21",
                "reminder_intro": LEAK,
            },
        ),
    ],
)
def test_every_text_field_is_guarded(client_for, role, path, data):
    meeting = _meeting()
    target = action("4.1")
    fill = {
        "meeting_id": meeting.id,
        "series_id": meeting.series_id,
        "version": target.version,
        "future_day": future_day(),
    }
    path = path.format(**fill)
    data = {k: v.format(**fill) if isinstance(v, str) else v for k, v in data.items()}
    response = post_form(client_for(role), path, data)
    assert response.status_code == 400, path
    assert "Deze tekst bevat persoonsgegevens" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(MunicipalityProgress.id))) == 0
    assert db.session.get(Meeting, meeting.id).state == "gepland"


def test_plan_revision_texts_are_guarded(client_for):
    target = action("4.1")
    data = {
        "text": target.text,
        "planning": target.planning,
        "owners_text": target.owners_text,
        **owner_fields("RIEC", ("", "Werkgroep van j.devries@voorbeeld.test")),
        "reason": "Op verzoek van j.devries@voorbeeld.test aangepast.",
        "version": target.version,
    }
    response = post_form(client_for("beheerder"), "/acties/4.1/herzien", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "e-mailadres “j.devries@voorbeeld.test”" in html
    # The owner rows are checked too, and the error names the row.
    assert "Rij 2, Of: omschrijving: Deze tekst bevat persoonsgegevens" in html


# Imports: each finding is a row error and nothing is written ------------------------------------


def test_excel_import_with_personal_data_is_refused_whole(client_for):
    client = client_for("beheerder")
    filled = fill_export(
        client.get("/export.xlsx").data,
        {
            "1.1": {"Nieuwe voortgangstekst": "Training gegeven aan 40 medewerkers."},
            "1.2": {"Nieuwe voortgangstekst": "Terugbellen op 06-12345678."},
        },
    )
    from .test_security import _upload

    response = _upload(client, "/export/upload", "voortgang.xlsx", filled)
    assert response.status_code == 400
    assert "bevat persoonsgegevens (telefoonnummer “06-12345678”)" in text_of(response)
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0


def test_ics_import_with_personal_data_imports_nothing(client_for):
    from .test_security import _upload

    series_id = db.session.scalar(select(MeetingSeries.id).where(MeetingSeries.code == "rvo"))
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//NL\r\n"
        b"BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250601T100000Z\r\nSUMMARY:RVO\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20250901T100000Z\r\nSUMMARY:RVO\r\n"
        b"DESCRIPTION:Casus van Fatima de Vries\\, tel. 06-12345678\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    response = _upload(
        client_for("beheerder"),
        "/vergaderingen/importeren",
        "a.ics",
        data,
        {"series": str(series_id)},
    )
    page = text_of(response)
    assert "Niets geïmporteerd" in page
    assert "Afspraak 2 (beschrijving): bevat persoonsgegevens" in page
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


# What slipped in: masked on the way out, found by the scan, erased by redaction ------------------


def _leaked_update(roles) -> ProgressUpdate:
    """A text that got past the guard (typed before it existed, say)."""
    target = action("4.1")
    update = progress_services.record_update(
        target,
        roles["bijdrager_eigen"],
        status="lopend",
        signal="aandacht",
        text=LEAK,
        link=None,
        expected_version=target.version,
        now=utcnow(),
    )
    db.session.commit()
    return update


def test_reports_and_exports_mask_hard_findings(client_for, roles):
    _leaked_update(roles)
    client = client_for("beheerder")
    page = client.get("/rapportage").get_data(as_text=True)
    assert "123456782" not in page and "[BSN afgeschermd]" in page
    assert "Fatima" not in page  # beside a BSN, the name is the victim's: masked too
    assert "1 tekst bevat persoonsgegevens" in page
    pdf_text = _pdf_text(client.get("/rapportage.pdf").data)
    assert "123456782" not in pdf_text and "06-12345678" not in pdf_text
    annex_text = _pdf_text(client.get("/rapportage/bijlage-4.pdf").data)  # 4.1's theme
    assert "[BSN afgeschermd]" in annex_text and "123456782" not in annex_text
    assert "123456782" not in client.get("/export.csv").get_data(as_text=True)
    workbook = load_workbook(io.BytesIO(client.get("/export.xlsx").data))
    cells = " ".join(str(c.value) for row in workbook["Acties"].iter_rows() for c in row)
    assert "123456782" not in cells and "[BSN afgeschermd]" in cells
    post_form(client, "/rapportages", {"peildatum": utcnow().date().isoformat()})
    snapshot = db.session.scalar(select(ReportSnapshot))
    assert "123456782" not in str(snapshot.data)


def test_every_view_and_export_is_audited(client_for, roles):
    client = client_for("lezer")
    paths = ("/rapportage", "/rapportage.pdf", "/rapportage/bijlage-2.pdf", "/export.xlsx")
    for path in (*paths, "/export.csv"):
        assert client.get(path).status_code == 200
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == roles["lezer"].id)
    ).all()
    kinds = {"report.view", "report.pdf", "report.annex", "export.xlsx", "export.csv"}
    assert {e.kind for e in events} >= kinds


def test_scan_cli_lists_masked_findings_and_fails_on_a_hard_one(runner, roles):
    result = runner.invoke(args=["privacy", "scan"])
    assert result.exit_code == 0, result.output
    assert "0 teksten met bevindingen" in result.output
    _leaked_update(roles)
    result = runner.invoke(args=["privacy", "scan"])
    assert result.exit_code == 1
    assert "Voortgang actie 4.1" in result.output and "BSN" in result.output
    assert "123456782" not in result.output and "Fatima" not in result.output
    assert db.session.scalar(select(func.count(PrivacyScan.id))) == 2


def test_nightly_scan_feeds_the_beheerders_overview(seeded_app, client_for, roles):
    from tracker.scheduler import nightly_privacy_scan

    _leaked_update(roles)
    nightly_privacy_scan(seeded_app)
    page = text_of(client_for("beheerder").get("/"))
    assert "1 tekst met persoonsgegevens" in page
    assert "persoonsgegevens" not in text_of(client_for("lezer").get("/"))


def test_redaction_erases_the_text_everywhere_it_was_copied(seeded_app, client_for, roles):
    update = _leaked_update(roles)
    # Copies: a snapshot (data and PDF) made before masking existed, an audit event, a sent
    # e-mail in the outbox table and its .eml file.
    from tracker.reports.pdf import report_pdf

    with seeded_app.test_request_context():
        data = _minimal_report(seeded_app, LEAK)
        snapshot_pdf = report_pdf(data, "oud")
    snapshot = ReportSnapshot(
        plan_id=update.action.theme.plan_id,
        title="Oud",
        reference_date=utcnow().date(),
        params={},
        data=data,
        pdf=snapshot_pdf,
    )
    db.session.add(snapshot)
    db.session.add(AuditEvent(kind="municipality.update", summary="x", details={"note": LEAK}))
    meeting = _meeting(past=False)
    mail = Notification(
        kind="herinnering",
        recipient_id=roles["lezer"].id,
        meeting_id=meeting.id,
        dedupe_key="x",
        due_at=utcnow(),
        state="verstuurd",
        subject="Herinnering",
        body_text=f"Agenda:\n{LEAK}\n",
    )
    db.session.add(mail)
    db.session.commit()
    from tracker.mail import keep_as_eml, new_message

    with seeded_app.test_request_context():
        eml = keep_as_eml(
            new_message("Herinnering", "a@example.test", LEAK, f"<p>{LEAK}</p>"), "m1"
        )
    assert "123456782" in _eml_text(eml)

    client = client_for("beheerder")
    path = f"/beheer/afschermen/voortgang/{update.id}"
    assert "<mark" in client.get(path).get_data(as_text=True)
    refused = post_form(client, path, {"reason": "Bevatte het BSN 111222333."})
    assert refused.status_code == 400  # the reason is guarded too
    response = post_form(client, path, {"reason": "Bevatte gegevens over een slachtoffer."})
    assert response.status_code == 302
    db.session.expire_all()

    text = db.session.get(ProgressUpdate, update.id).text
    assert text.startswith("[Afgeschermd op ") and "Bevatte gegevens over een slachtoffer" in text
    assert "123456782" not in str(db.session.get(ReportSnapshot, snapshot.id).data)
    pdf = db.session.get(ReportSnapshot, snapshot.id).pdf
    assert "123456782" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    annex = client.get(f"/rapportages/{snapshot.id}/bijlage-4.pdf").data  # made from the data
    assert "4.1" in _pdf_text(annex) and "123456782" not in _pdf_text(annex)
    for event in db.session.scalars(select(AuditEvent)):
        assert "123456782" not in f"{event.summary} {event.details}"
    assert "123456782" not in db.session.get(Notification, mail.id).body_text
    assert "123456782" not in _eml_text(eml)
    redaction = db.session.scalar(select(Redaction))
    assert redaction.copies_erased >= 4
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "redaction.redact"))
    assert "Fatima" not in f"{event.summary} {event.details}"
    page = client.get("/acties/4.1").get_data(as_text=True)
    assert "Fatima" not in page and "Afgeschermd op" in page


def _minimal_report(app, text: str) -> dict:
    """A real report's data with one update text, for a PDF that holds it."""
    from tracker.plan.queries import current_plan
    from tracker.reports.services import ReportParams, build_report

    data = build_report(
        current_plan(),
        ReportParams(reference_date=utcnow().date()),
        timezone="Europe/Amsterdam",
        stale_days=90,
        made_by="Test",
        made_at=utcnow(),
        meeting_figures=[],
    )
    for theme in data["themes"]:
        for row in theme["rows"]:
            row["latest_update_text"] = text
    return data


def _pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _eml_text(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    return " ".join(
        part.get_content() for part in message.walk() if part.get_content_type().startswith("text/")
    )


def test_redacting_twice_or_an_unknown_text_is_refused(client_for, roles):
    update = _leaked_update(roles)
    client = client_for("beheerder")
    assert client.get("/beheer/afschermen/voortgang/999999").status_code == 404
    path = f"/beheer/afschermen/voortgang/{update.id}"
    post_form(client, path, {"reason": "Bevatte gegevens over een slachtoffer."})
    again = client.get(path)
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(Redaction.id))) == 1


def test_privacy_page_lists_findings_with_redaction_links(client_for, roles):
    update = _leaked_update(roles)
    page = client_for("beheerder").get("/beheer/privacy").get_data(as_text=True)
    assert "Voortgang actie 4.1" in page
    assert f"/beheer/afschermen/voortgang/{update.id}" in page
    assert "123456782" not in page and "[BSN afgeschermd]" in page


def test_deduce_lookup_lists_are_ready_at_install_time():
    """./dev and .ci/run build them (flask privacy warm); a check never builds them."""
    import deduce

    cache = Path(deduce.__file__).parent / "data" / "lookup" / "cache"
    assert cache.is_dir() and any(cache.iterdir())


def test_deduce_lists_are_frozen_out_of_the_garbage_collector_once_loaded():
    """Millions of objects that live as long as the process: a full collection must not walk
    them (2.7 s with the GIL held; the scheduler benchmark sent 402 reminders a second
    instead of 506 in a process that had loaded them)."""
    import gc

    from tracker.privacy.names import _load_deduce, load

    load()
    lists = _load_deduce().lookup_structs
    assert gc.isenabled() and gc.get_freeze_count() > 1_000_000
    assert not any(obj is lists for obj in gc.get_objects())  # frozen objects are not listed


def test_a_meeting_place_may_be_an_address_but_not_a_phone_number(client_for):
    series_id = db.session.scalar(select(MeetingSeries.id).where(MeetingSeries.code == "rvo"))
    client = client_for("beheerder")
    data = {"series": series_id, "day": future_day(), "start": "10:00", "end": "11:00"}
    refused = post_form(
        client, "/vergaderingen/nieuw", {**data, "location": "Stadhuis, bel 06-12345678"}
    )
    assert refused.status_code == 400
    place = "Zaal 3, Gemeentehuis Barendrecht, Raadhuisplein 1, 2991 AB"
    saved = post_form(client, "/vergaderingen/nieuw", {**data, "location": place})
    assert saved.status_code == 302
    assert db.session.scalar(select(Meeting.location)) == place


def test_a_meeting_room_or_town_hall_is_no_name(seeded_app):
    # Deduce reads "Zaal" as a surname, and a word before a town its lists hold as a surname
    # ("Barendrecht") as a first name: every meeting there was questioned.
    for place in (
        "Zaal 3, Stadhuis Vlaardingen",
        "Gemeentehuis Barendrecht, Raadhuisplein 1",
        "Politiebureau Barendrecht, vergaderruimte 2",
        "Zaal Erasmus, Stadhuis Rotterdam",  # a room named after someone names the room
        "Veiligheidshuis Rotterdam, zaal De Maas",
    ):
        assert check(place, reading=Reading.VENUE) == [], place
    assert check("Training gegeven in Zaal 2 van het Gemeentehuis Barendrecht.") == []
    # A person beside the same words is still one, in a place and in free text.
    assert [f.text for f in check("Bij Jan Barendrecht thuis", reading=Reading.VENUE)] == [
        "Jan Barendrecht"
    ]
    assert [f.text for f in check("Gemeentehuis, kamer van Pieter Bakker")] == ["Pieter Bakker"]
    assert [f.text for f in check("De Doelen, zaal 4", reading=Reading.VENUE)] == ["De Doelen"]


def test_a_name_that_is_no_person_is_confirmed_as_such(client_for, roles):
    # The question names organisations; the answers did not, so a concert hall had to be
    # confirmed as "someone else in a business role".
    client = client_for("bijdrager_eigen")
    text = "Netwerkbijeenkomst gehouden in De Doelen."
    data = {"status": "lopend", "signal": "", "text": text, "version": action("4.1").version}
    asked = post_form(client, "/acties/4.1/voortgang", data)
    assert "Geen persoon: een organisatie, zaal of plek" in asked.get_data(as_text=True)
    confirmed = {**data, "privacy_confirmed": "y", "privacy_who": "geen_persoon"}
    assert post_form(client, "/acties/4.1/voortgang", confirmed).status_code == 302
    assert db.session.scalar(select(PrivacyConfirmation.who)) == "geen_persoon"
    page = text_of(client_for("beheerder").get("/beheer/privacy"))
    assert f"Door {roles['bijdrager_eigen'].name}" in page
    assert "geen persoon: een organisatie, zaal of plek" in page


def test_decisions_and_follow_ups_are_guarded(client_for):
    from tracker.meetings.models import MeetingOutcome

    meeting = _meeting()
    meeting.state = "gehouden"
    db.session.commit()
    response = post_form(
        client_for("beheerder"),
        f"/vergaderingen/{meeting.id}/uitkomsten",
        {"kind": "besluit", "text": LEAK},
    )
    assert response.status_code == 400
    assert "Deze tekst bevat persoonsgegevens" in response.get_data(as_text=True)
    assert db.session.scalar(select(MeetingOutcome)) is None


# The guard's own cost: linear in the text, bounded whatever it holds ---------------------------

#: Texts built to make a naive check slow, at a field's maximum (a meeting agenda: 10,000).
ADVERSARIAL = {
    "one long word": "a" * 10_000,
    "digits": "1" * 10_000,
    "at signs": "a@" * 5_000,
    "dotted": "a." * 5_000,
    "repeated names": "Jan " * 2_500,
    "double-barrelled names": "Jan-Piet " * 1_111,
    "tussenvoegsels": "de Vries " * 1_111,
    "names apart": "Jan en Piet " * 833,
    "phone-like": "06 " * 3_333,
    "streets": "Hoogstraat 12 " * 714,
    "name per line": "Jan\n" * 2_500,
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_the_guard_reads_any_text_in_bounded_time(name):
    """Deduce ran "Jan " x 500 for 16 s (x 1,250: a RecursionError) and the e-mail pattern
    was quadratic (200,000 letters: past a worker's timeout). A generous bound, fifty times
    what the guard takes here: it only catches a return of the blow-up."""
    import time

    started = time.process_time()
    find_personal_data(ADVERSARIAL[name])
    assert time.process_time() - started < 1.5


def test_deduce_sees_short_pieces_and_no_long_run_of_names(monkeypatch):
    from tracker.privacy import names as detect

    seen = []
    deduce = detect._deduce()
    original = deduce.deidentify
    monkeypatch.setattr(
        deduce, "deidentify", lambda text, **kw: seen.append(text) or original(text, **kw)
    )
    findings = find_personal_data("Overleg gehad. " + "Jan Piet de Vries " * 50 + "en tot ziens.")
    assert seen and all(len(piece) <= detect.CHUNK_CHARS for piece in seen)
    assert not any("Jan" in piece for piece in seen)  # the run was a finding of its own
    assert [f.kind.value for f in findings] == ["naam"]
    assert findings[0].text.startswith("Jan Piet") and findings[0].text.endswith("Vries")


def test_what_deduce_had_no_time_for_needs_a_look_and_is_never_clean(monkeypatch):
    from tracker.privacy import names as detect

    monkeypatch.setattr(detect, "DEDUCE_BUDGET", -1.0)
    findings = find_personal_data("Een gewone zin over de werkgroep.")
    assert [(f.kind.value, f.is_hard) for f in findings] == [("niet_gecontroleerd", False)]


def test_a_garbage_collection_during_a_check_does_not_use_up_its_budget(monkeypatch):
    """A full collection runs in whichever thread allocates, and in a test worker or a web
    worker with a large heap it can take longer than the budget: a 5,000-character update
    came back "niet te controleren" now and then in the full test suite."""
    import gc
    import time

    from tracker.privacy import names as detect

    monkeypatch.setattr(detect, "DEDUCE_BUDGET", 0.01)  # the text alone takes about 1 ms
    heap = []  # objects a full collection has to walk, until it takes twice the budget

    def collection_time() -> float:
        started = time.thread_time()
        gc.collect()
        return time.thread_time() - started

    while collection_time() < 2 * detect.DEDUCE_BUDGET:
        assert len(heap) < 10_000_000
        heap.extend({} for _ in range(500_000))
    deduce = detect._deduce()

    class CollectingFirst:
        def deidentify(self, *args, **kwargs):
            gc.collect()
            return deduce.deidentify(*args, **kwargs)

    monkeypatch.setattr(detect, "_deduce", CollectingFirst)
    text = "Werkgroep bijeen geweest; de volgende stap is gepland. " * 20
    assert find_personal_data(text) == []
    del heap


def test_waiting_for_another_check_does_not_use_up_a_texts_budget():
    """The budget counts this thread's work, not the wait: on a busy server (another request
    inside deduce, other processes on the cores) a text is still read to its end. With a
    wall-clock budget this text came back "niet gecontroleerd" (seen in CI on PostgreSQL)."""
    import threading

    from tracker.privacy import names as detect

    text = "Werkgroep bijeen geweest; de volgende stap is gepland. " * 40
    held, release = threading.Event(), threading.Event()

    def hold_the_lock():
        with detect._lock:
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    held.wait(5)
    timer = threading.Timer(3 * detect.DEDUCE_BUDGET, release.set)  # longer than the budget
    timer.start()
    try:
        findings = find_personal_data(text)
    finally:
        release.set()
        holder.join()
        timer.cancel()
    assert findings == []


def test_a_text_over_the_fields_maximum_is_refused_before_its_content_is_read(
    client_for, monkeypatch
):
    """Length and rights first, then content: 200,000 characters get the length message and
    never reach the detector (it used to take one worker down per post)."""
    from tracker.privacy import guard

    monkeypatch.setattr(guard, "find_personal_data", lambda *a: pytest.fail("content read"))
    client = client_for("bijdrager_eigen")
    target = action("4.1")
    data = {"status": "lopend", "signal": "", "text": "a" * 200_000, "version": target.version}
    response = post_form(client, "/acties/4.1/voortgang", data)
    assert response.status_code == 400
    assert "Hoogstens 5000 tekens; deze tekst heeft er 200000" in text_of(response)


def test_an_upload_checks_length_and_rights_before_content(client_for, monkeypatch):
    from tracker.privacy import guard

    client = client_for("bijdrager_eigen")
    filled = fill_export(
        client.get("/export.xlsx").data,
        {
            "4.1": {"Nieuwe status": "Lopend", "Nieuwe voortgangstekst": "a" * 6_000},
            "1.2": {"Nieuwe status": "Lopend", "Nieuwe voortgangstekst": "Jan " * 1_000},
        },
    )
    monkeypatch.setattr(guard, "find_personal_data", lambda *a: pytest.fail("content read"))
    from .test_security import _upload

    response = _upload(client, "/export/upload", "voortgang.xlsx", filled)
    assert response.status_code == 400
    page = text_of(response)
    assert "Actie 4.1: hoogstens 5000 tekens; deze tekst heeft er 6000" in page
    assert "Actie 1.2" in page and "persoonsgegevens" not in page  # not hers: not read


# Every text field is read, as its form declares ------------------------------------------------


def _tracker_forms():
    from wtforms import Form

    import tracker

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    # Import every module, so that every form class exists.
    import importlib
    import pkgutil

    for module in pkgutil.walk_packages(tracker.__path__, "tracker."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    return {cls for cls in below(Form) if cls.__module__.startswith("tracker.")}


def test_every_text_field_of_every_form_is_read_by_the_guard_or_declared_structured(seeded_app):
    """A new StringField or TextAreaField must say how the privacy guard reads it
    (privacy_fields, venue_fields, person_fields, link_fields) or that it holds a validated
    syntax (structured_fields); a form that reads any must be a PrivacyCheckedForm, or a
    row of one (its rows are read by their own ``privacy_fields``)."""
    from wtforms import FieldList, FormField, StringField, TextAreaField

    from tracker.privacy.guard import PrivacyCheckedForm

    def rows_of(form):
        """The row forms of ``form``'s repeated rows (FieldList of FormField)."""
        for name in dir(form):
            field = getattr(form, name, None)
            if getattr(field, "field_class", None) is FieldList:
                inner = field.args[0]
                if getattr(inner, "field_class", None) is FormField:
                    yield inner.args[0]

    read_as_rows = {
        row
        for form in _tracker_forms()
        if issubclass(form, PrivacyCheckedForm)
        for row in rows_of(form)
    }
    undeclared = []
    for form in _tracker_forms():
        declared = set()
        for kind in ("privacy_fields", "venue_fields", "person_fields", "link_fields"):
            declared |= set(getattr(form, kind, ()))
        texts = {
            name
            for name in dir(form)
            if getattr(getattr(form, name, None), "field_class", None)
            in (StringField, TextAreaField)
        }
        undeclared += [
            f"{form.__name__}.{name}"
            for name in texts - declared - set(getattr(form, "structured_fields", ()))
        ]
        if declared and not issubclass(form, PrivacyCheckedForm):
            assert form in read_as_rows, f"{form.__name__} is read by nobody"
    assert undeclared == []
    assert len(_tracker_forms()) > 20


def test_a_link_with_identifiers_in_it_is_refused(client_for):
    client = client_for("bijdrager_eigen")
    target = action("4.1")
    data = {
        "status": "lopend",
        "signal": "",
        "text": "Verslag staat online.",
        "link": "https://voorbeeld.test/dossier?bsn=111222333&tel=0612345678",
        "version": target.version,
    }
    response = post_form(client, "/acties/4.1/voortgang", data)
    assert response.status_code == 400
    assert "BSN “111222333”" in response.get_data(as_text=True)
    ordinary = {**data, "link": "https://www.example.test/nieuws/kick-off-werkgroep-2025"}
    assert post_form(client, "/acties/4.1/voortgang", ordinary).status_code == 302


def test_an_account_name_is_a_name_but_may_hold_no_identifier(client_for):
    admin = client_for("beheerder")
    data = {
        "name": "Alex Aandacht 06-12345678",
        "email": "alex@schiedam.test",
        "role": "bijdrager",
        "party": "AF",
        "municipality": "schiedam",
    }
    refused = post_form(admin, "/beheer/gebruikers/nieuw", data)
    assert refused.status_code == 400
    assert "telefoonnummer “06-12345678”" in refused.get_data(as_text=True)
    assert (
        post_form(admin, "/beheer/gebruikers/nieuw", {**data, "name": "Alex Aandacht"}).status_code
        == 302
    )


def test_a_token_name_is_read_like_any_text(client_for):
    client = client_for("lezer")
    response = post_form(client, "/profiel/tokens", {"token-name": "Excel 111222333"})
    assert response.status_code == 400
    assert "BSN" in response.get_data(as_text=True)


# A confirmed name is accountable; redaction reaches every copy ---------------------------------


def _confirmed_update(client, text="Pieter Bakker van de politie zat het overleg voor."):
    target = action("4.1")
    data = {"status": "lopend", "signal": "", "text": text, "version": target.version}
    data |= {"privacy_confirmed": "y", "privacy_who": "spreker"}
    assert post_form(client, "/acties/4.1/voortgang", data).status_code == 302
    return db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.text == text))


def test_a_confirmed_name_is_shown_to_beheerders_reviewed_and_listed_when_left(client_for, roles):

    _confirmed_update(client_for("bijdrager_eigen"))
    admin = client_for("beheerder")
    page = text_of(admin.get("/beheer/privacy"))
    assert "Naam: Pieter Bakker" in page
    assert f"Door {roles['bijdrager_eigen'].name}" in page and "een spreker, trainer" in page
    assert "bevestigde naam wacht" not in text_of(admin.get("/"))
    (confirmation,) = db.session.scalars(select(PrivacyConfirmation)).all()
    confirmation.confirmed_at -= timedelta(days=15)  # left for more than two weeks
    db.session.commit()
    assert "1 bevestigde naam wacht al langer dan 14 dagen" in text_of(admin.get("/"))
    path = f"/beheer/privacy/bevestigingen/{confirmation.id}/gezien"
    assert post_form(admin, path, {}).status_code == 302
    assert "bevestigde naam wacht" not in text_of(admin.get("/"))
    db.session.refresh(confirmation)
    assert confirmation.reviewed_by_id == roles["beheerder"].id
    assert "Gezien door" in text_of(admin.get("/beheer/privacy"))
    kinds = db.session.scalars(select(AuditEvent.kind)).all()
    assert {"privacy.confirmed", "privacy.reviewed"} <= set(kinds)


def test_a_confirmed_name_is_redacted_with_one_click(client_for):
    update = _confirmed_update(client_for("bijdrager_eigen"))
    admin = client_for("beheerder")
    page = admin.get("/beheer/privacy").get_data(as_text=True)
    path = f"/beheer/afschermen/voortgang/{update.id}"
    assert f'action="{path}"' in page  # a button, not only a link to a form
    response = admin.post(
        path,
        data={
            "reason": "Naam na controle door de beheerder afgeschermd.",
            "csrf_token": csrf_of(page),
        },
    )
    assert response.status_code == 302
    db.session.refresh(update)
    assert update.text.startswith("[Afgeschermd") and "Bakker" not in update.text


def csrf_of(html: str) -> str:
    import re

    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_redaction_reaches_a_pending_upload_preview(client_for, roles):
    from tracker.previews import UploadPreview

    text = "Overleg over de aanpak in de oude fabriekshal aan de rivier gevoerd."
    admin = client_for("beheerder")
    filled = fill_export(admin.get("/export.xlsx").data, {"1.1": {"Nieuwe voortgangstekst": text}})
    from .test_security import _upload

    assert _upload(admin, "/export/upload", "voortgang.xlsx", filled).status_code == 200
    target = action("4.1")
    update = progress_services.record_update(
        target,
        roles["beheerder"],
        status="lopend",
        signal=None,
        text=text,
        link=None,
        expected_version=target.version,
        now=utcnow(),
    )
    db.session.commit()
    assert (
        post_form(
            admin, f"/beheer/afschermen/voortgang/{update.id}", {"reason": "Test"}
        ).status_code
        == 302
    )
    (preview,) = db.session.scalars(select(UploadPreview)).all()
    assert text not in str(preview.changes) and "[Afgeschermd" in str(preview.changes)


def test_the_scan_reads_commitment_notes_links_and_account_names(client_for, roles):
    """Texts that got past the guard (typed before it read them) are on the privacy page."""
    from tracker.progress.models import YearlyCommitment

    target = action("2.1")
    db.session.add(
        YearlyCommitment(action_id=target.id, year=2025, status="lopend", note="Bel 06-12345678.")
    )
    update = _leaked_update(roles)
    update.link = "https://voorbeeld.test/?bsn=111222333"
    roles["lezer"].name = "Lezer 0612345678"
    db.session.commit()
    page = text_of(client_for("beheerder").get("/beheer/privacy"))
    assert "Actie 2.1, 2025" in page
    assert "Link bij voortgang actie 4.1" in page
    assert f"Account {roles['lezer'].email}" in page


# The texts, through every kind of form that writes ------------------------------------

#: What people actually typed (issue #33): each must be refused, whatever form it comes by.
REFUSED_TEXTS = [
    "BSN 111 222 333",
    "bsn: 111-222-333",
    "iban nl91abna0417164300",
    "NL91-ABNA-0417-1643-00",
    "NL91.ABNA.0417.1643.00",
    "jan.jansen[at]gmail[dot]com",
    "jan.jansen @ gmail.com",
    "geb. 12-3-'98",
    "geboortedatum 1998-03-12",
    "geboren 12 mrt 1998",
    "woont hoogstraat 12",
    "Slachtoffer Fatima Yilmaz is doorverwezen naar de opvang.",
    "Meisje van 15 uit Maassluis, B8-status, via loverboy uitgebuit",
]
ORDINARY = "Kick-off gehouden met partners; werkgroep gestart"


def _through(form: str, client, text: str, confirm: bool = True):
    """Post ``text`` through one kind of form, ticking the confirmation as someone in a
    hurry would: a hard finding must be refused all the same."""
    tick = {"privacy_confirmed": "y", "privacy_who": "collega"} if confirm else {}
    if form == "single":
        version = action("4.1").version
        data = {"status": "lopend", "signal": "", "text": text, "version": version, **tick}
        return post_form(client, "/acties/4.1/voortgang", data)
    if form == "bulk":
        from .test_everyday import as_form, bulk_rows

        data = as_form(bulk_rows(client), **{"4_1": {"text": text}})
        data |= {f"rows-0-{k}": v for k, v in tick.items()}
        return post_form(client, "/voortgang?thema=4", data)
    if form == "municipal":
        data = {"status": "lopend", "note": text, "version": "0", **tick}
        return post_form(client, "/acties/2.4/gemeenten/schiedam/2025", data)
    if form == "yearly":
        data = {"status": "lopend", "note": text, "version": "0", **tick}
        return post_form(client, "/acties/3.15/jaren/2025", data)
    if form == "meeting":
        series_id = db.session.scalar(select(MeetingSeries.id).where(MeetingSeries.code == "rvo"))
        data = {"series": series_id, "day": future_day(), "start": "10:00", "end": "11:00"}
        return post_form(client, "/vergaderingen/nieuw", {**data, "agenda": text, **tick})
    if form == "upload":
        from .test_security import _upload

        filled = fill_export(
            client.get("/export.xlsx").data, {"4.1": {"Nieuwe voortgangstekst": text}}
        )
        return _upload(client, "/export/upload", "voortgang.xlsx", filled)
    raise AssertionError(form)


FORMS = ["single", "bulk", "municipal", "yearly", "meeting", "upload"]


@pytest.mark.parametrize("form", FORMS)
def test_the_texts_people_typed_are_refused_by_every_form(client_for, form):
    client = client_for("beheerder")
    for text in REFUSED_TEXTS:
        response = _through(form, client, text)
        assert response.status_code == 400, (form, text)
        assert "persoonsgegevens" in response.get_data(as_text=True), (form, text)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0
    assert db.session.scalar(select(func.count(MunicipalityProgress.id))) == 0
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


@pytest.mark.parametrize("form", FORMS)
def test_ordinary_project_language_passes_every_form_without_a_question(client_for, form):
    response = _through(form, client_for("beheerder"), ORDINARY, confirm=False)
    assert response.status_code in (200, 302), (form, text_of(response)[:300])
    assert "lijkt een naam" not in response.get_data(as_text=True)


def test_a_made_up_answer_to_who_it_is_counts_as_no_answer(client_for):
    client = client_for("bijdrager_eigen")
    target = action("4.1")
    data = {"status": "lopend", "signal": "", "version": target.version}
    data |= {"text": "Pieter Bakker zat het overleg voor.", "privacy_confirmed": "y"}
    response = post_form(client, "/acties/4.1/voortgang", {**data, "privacy_who": "x" * 300})
    assert response.status_code == 400 and "Kies ook wie of wat het is." in text_of(response)
    assert db.session.scalar(select(func.count(PrivacyConfirmation.id))) == 0
