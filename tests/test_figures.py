"""Kerncijfers: the seeded figures against the monitors' own text, and the seed loader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.dates import utcnow
from tracker.extensions import db
from tracker.figures.models import Indicator, IndicatorValue
from tracker.seeding import apply_seeds

MONITORS = Path(__file__).parent / "data" / "monitors"
MONITOR_FILES = {
    "Mensenhandelmonitor 2020": MONITORS / "mensenhandelmonitor-2020.txt",
    "Mensenhandelmonitor 2022": MONITORS / "mensenhandelmonitor-2022.txt",
}
#: Numbers the monitors write out in words.
DUTCH_NUMBERS = {1: "één", 2: "twee", 5: "vijf", 8: "acht", 12: "twaalf", 20: "twintig"}


def folded(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def seeded_values(seed_data):
    return [(indicator, value) for indicator in seed_data.figures for value in indicator["values"]]


def test_the_seeds_hold_figures_of_both_monitors(seed_data):
    monitors = {value["monitor"] for _, value in seeded_values(seed_data)}
    assert monitors == set(MONITOR_FILES)
    years = {value["year"] for _, value in seeded_values(seed_data)}
    assert years == {2019, 2020, 2021, 2022}  # 2019: the estimate's research year
    assert len(seed_data.figures) >= 20


def test_every_seeded_value_is_quoted_word_for_word_from_its_monitor(seed_data):
    texts = {name: folded(path.read_text(encoding="utf-8")) for name, path in MONITOR_FILES.items()}
    problems = []
    for indicator, value in seeded_values(seed_data):
        where = f"{indicator['code']} {value['year']}"
        quote = folded(value["quote"])
        if quote not in texts[value["monitor"]]:
            problems.append(f"{where}: quote not in {value['monitor']}: {quote!r}")
        number = value["value"]
        written = {f"{number:,}".replace(",", "."), str(number), DUTCH_NUMBERS.get(number, "-")}
        if not any(re.search(rf"(?<![\d.]){re.escape(w)}(?![\d])", quote) for w in written):
            problems.append(f"{where}: {number} is not in its quote {quote!r}")
        if value["caveat"] and folded(value["caveat"]) not in texts[value["monitor"]]:
            problems.append(f"{where}: caveat not in {value['monitor']}")
    assert problems == []


def test_the_caveats_the_monitor_gives_make_a_year_not_comparable(seed_data):
    by_code = {i["code"]: {v["year"]: v for v in i["values"]} for i in seed_data.figures}
    contacts = by_code["meld-en-adviespunt-contacten"][2022]
    assert not contacts["comparable"] and "sinds juni 2022" in contacts["caveat"]
    assert not by_code["politie-informatieve-gesprekken"][2022]["comparable"]
    assert by_code["politie-aangiftes"][2022]["comparable"]


def test_figures_are_loaded_once_and_a_value_changed_in_the_app_is_kept(seeded_app, seed_data):
    count = db.session.scalar(select(func.count(IndicatorValue.id)))
    assert count == len(seeded_values(seed_data))
    report = apply_seeds(db.session, seed_data)
    db.session.commit()
    assert "kerncijfers" not in report.created and "kerncijfers per jaar" not in report.updated
    value = db.session.scalar(
        select(IndicatorValue).join(Indicator).where(Indicator.code == "riec-casussen")
    )
    value.value, value.edited_at = 3, utcnow()
    db.session.commit()
    apply_seeds(db.session, seed_data)
    db.session.commit()
    db.session.refresh(value)
    assert value.value == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"actions": {"9.9": "Een reden."}}, "onbekende actie(s): 9.9"),
        # Every link says why the figure informs the action.
        ({"actions": {"1.1": ""}}, "actie(s) zonder reden: 1.1"),
        ({"actions": ["1.1"]}, "'actions' geeft per actie een reden"),
        (
            {"breakdown_of": "onbekend", "breakdown": "Geslacht", "part": "Vrouw"},
            "onbekend kerncijfer",
        ),
        ({"breakdown_of": "politie-aangiftes"}, "een onderverdeling heeft 'breakdown' en 'part'"),
        # The first indicator is the estimate: a range, so without its top it is refused.
        (
            {"values": [{"year": 2019, "value": 500, "monitor": "Mensenhandelmonitor 2022"}]},
            "een schatting heeft 'value_high'",
        ),
        ({"values": [{"year": 2022, "value": -1, "monitor": "x", "quote": "q"}]}, "veld 'value'"),
    ],
)
def test_a_bad_figure_is_refused_with_file_and_entry(tmp_path, change, message):
    import shutil

    import yaml

    from tracker.seeding import SeedError, read_seeds

    for source in (Path(__file__).parents[1] / "seeds").glob("*.yaml"):
        shutil.copy(source, tmp_path / source.name)
    data = yaml.safe_load((tmp_path / "kerncijfers.yaml").read_text(encoding="utf-8"))
    data["indicators"][0] |= change
    (tmp_path / "kerncijfers.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(SeedError) as error:
        read_seeds(tmp_path)
    assert any(
        p.startswith("kerncijfers.yaml: kerncijfer") and message in p for p in error.value.problems
    )


# The page, the form, the Excel template, the report and the API --------------------------------

import io  # noqa: E402

from openpyxl import load_workbook  # noqa: E402

from tracker.audit.models import AuditEvent  # noqa: E402
from tracker.figures import workbook  # noqa: E402

from .helpers import csrf_token, draft_next_plan, post_form, text_of  # noqa: E402


def _value(code: str, year: int) -> IndicatorValue | None:
    return db.session.scalar(
        select(IndicatorValue)
        .join(Indicator)
        .where(Indicator.code == code, IndicatorValue.year == year)
    )


def test_the_page_shows_values_changes_caveats_and_actions(client_for):
    page = text_of(client_for("lezer").get("/kerncijfers"))
    assert "Aangiftes mensenhandel · Regio" in page
    assert "2022 23 aangiftes +7 ▲" in page  # 16 -> 23
    start = page.index("Contacten met het Meld- en adviespunt mensenhandel · Regio")
    contacts = page[start : start + 1200]
    assert "niet vergelijkbaar" in contacts and "sinds juni 2022" in contacts
    html = client_for("lezer").get("/kerncijfers").get_data(as_text=True)
    assert 'aria-label="Trend van Aangiftes mensenhandel (Regio): 2021: 16, 2022: 23"' in html
    assert 'href="/acties/3.8"' in html  # aangiftes: 3.8 raises the willingness to report
    assert "3.8 wil de aangiftebereidheid verhogen" in page


def test_the_action_page_shows_its_figures(client_for):
    page = text_of(client_for("lezer").get("/acties/4.1"))
    assert "Kerncijfers bij deze actie" in page and "RIEC-casussen mensenhandel" in page
    assert "Kerncijfers bij deze actie" not in text_of(client_for("lezer").get("/acties/2.2"))


def test_a_beheerder_adds_a_new_year_by_form(client_for):
    client = client_for("beheerder")
    data = {
        "indicator": "politie-aangiftes",
        "year": "2023",
        "value": "31",
        "monitor": "Mensenhandelmonitor 2023",
        "section": "Politiecijfers",
        "caveat": "",
        "comparable": "y",
    }
    response = post_form(client, "/kerncijfers/nieuw", data)
    assert response.status_code == 302
    assert _value("politie-aangiftes", 2023).value == 31
    assert "2023 31 aangiftes +8 ▲" in text_of(client.get("/kerncijfers"))
    assert "figure.save" in db.session.scalars(select(AuditEvent.kind)).all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"value": "veel"}, "Ongeldig getal"),
        ({"value": "-3"}, "Vul een aantal in"),
        ({"year": "23"}, "Vul een jaartal in"),
        ({"monitor": ""}, "Bron (monitor of rapport): Dit veld is verplicht."),
        # Nothing is filed under the list's first figure because nobody chose one.
        ({"indicator": ""}, "Kerncijfer: Kies het kerncijfer."),
        ({"caveat": "Melding van Jan de Vries, BSN 111222333."}, "persoonsgegevens"),
    ],
)
def test_the_form_explains_what_is_wrong_and_keeps_the_input(client_for, change, message):
    data = {
        "indicator": "politie-aangiftes",
        "year": "2023",
        "value": "31",
        "monitor": "Mensenhandelmonitor 2023",
        "comparable": "y",
    } | change
    response = post_form(client_for("beheerder"), "/kerncijfers/nieuw", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _value("politie-aangiftes", 2023) is None


def test_a_figure_is_chosen_not_defaulted(client_for):
    """The list starts with the estimated number of victims: a value typed without choosing
    would have been filed (and replaced a year) there."""
    client = client_for("beheerder")
    html = client.get("/kerncijfers/nieuw").get_data(as_text=True)
    select_html = html.split('<select id="indicator"')[1].split("</select>")[0]
    assert select_html.split("<option ")[1].startswith('value="">Kies het kerncijfer<')
    assert "selected" not in select_html
    chosen = client.get("/kerncijfers/nieuw?kerncijfer=politie-aangiftes").get_data(as_text=True)
    assert '<option selected value="politie-aangiftes">' in chosen


def _filled_template(client, fill) -> bytes:
    response = client.get("/kerncijfers/sjabloon.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book[workbook.SHEET]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        code = row[header.index("Code")].value
        for column, value in fill.get(code, {}).items():
            row[header.index(column)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, data: bytes):
    return client.post(
        "/kerncijfers/upload",
        data={
            "file": (io.BytesIO(data), "kerncijfers.xlsx"),
            "csrf_token": csrf_token(client, "/kerncijfers/upload"),
        },
        content_type="multipart/form-data",
    )


def test_a_new_year_by_excel_is_previewed_then_saved_all_at_once(client_for):
    client = client_for("beheerder")
    data = _filled_template(
        client,
        {
            "politie-aangiftes": {
                "Jaar": 2023,
                "Waarde": 31,
                "Monitor": "Mensenhandelmonitor 2023",
            },
            "riec-casussen": {
                "Jaar": 2023,
                "Waarde": 7,
                "Monitor": "Mensenhandelmonitor 2023",
                "Kanttekening": "Nieuwe telling.",
                "Vergelijkbaar met vorig jaar": "nee",
            },
        },
    )
    preview = _upload(client, data)
    assert preview.status_code == 200
    page = text_of(preview)
    assert "Aangiftes mensenhandel (Regio)" in page and "31 (nieuw)" in page
    assert _value("politie-aangiftes", 2023) is None  # not before "Alles opslaan"
    token = re.search(r'/kerncijfers/upload/([\w-]+)"', preview.get_data(as_text=True)).group(1)
    saved = post_form(client, f"/kerncijfers/upload/{token}", {})
    assert saved.status_code == 302
    assert _value("politie-aangiftes", 2023).value == 31
    riec = _value("riec-casussen", 2023)
    assert riec.value == 7 and not riec.comparable and riec.caveat == "Nieuwe telling."
    assert post_form(client, f"/kerncijfers/upload/{token}", {}).status_code == 404  # used


def test_an_excel_with_one_bad_row_saves_nothing_and_names_each_row(client_for):
    client = client_for("beheerder")
    data = _filled_template(
        client,
        {
            "politie-aangiftes": {
                "Jaar": 2023,
                "Waarde": 31,
                "Monitor": "Mensenhandelmonitor 2023",
            },
            "riec-casussen": {"Jaar": "vorig jaar", "Waarde": 7, "Monitor": ""},
            "essm-clienten": {
                "Jaar": 2023,
                "Waarde": 150,
                "Monitor": "Monitor",
                "Kanttekening": "Zie dossier van Jan de Vries (BSN 111222333).",
            },
        },
    )
    response = _upload(client, data)
    assert response.status_code == 400
    page = text_of(response)
    assert "vul bij Jaar een jaartal in" in page and "vul bij Monitor de bron in" in page
    assert "bevat persoonsgegevens" in page
    assert _value("politie-aangiftes", 2023) is None


def test_the_report_shows_the_chosen_figures_and_snapshots_compare_them(client_for):
    client = client_for("beheerder")
    assert "Kerncijfers voor het RVO" not in text_of(client.get("/rapportage"))
    chosen = post_form(client, "/kerncijfers/rapportage", {"in_report": ["politie-aangiftes"]})
    assert chosen.status_code == 302
    page = text_of(client.get("/rapportage"))
    assert "Kerncijfers voor het RVO" in page and "Aangiftes mensenhandel" in page
    assert "RIEC-casussen" not in page.split("Kerncijfers voor het RVO")[1][:2000]
    post_form(client, "/rapportages", {"peildatum": "2025-06-30"})
    post_form(
        client,
        "/kerncijfers/nieuw",
        {
            "indicator": "politie-aangiftes",
            "year": "2023",
            "value": "31",
            "monitor": "M 2023",
            "comparable": "y",
        },
    )
    post_form(client, "/rapportages", {"peildatum": "2025-07-31"})
    from tracker.reports.models import ReportSnapshot

    first, second = db.session.scalars(select(ReportSnapshot).order_by(ReportSnapshot.id)).all()
    assert second.data["figures"][0]["values"][-1]["value"] == 31
    compare = text_of(client.get(f"/rapportages/vergelijk?a={first.id}&b={second.id}"))
    assert "Aangiftes mensenhandel (Regio) 2023 nieuw 31" in compare


def test_the_api_lists_indicators_with_their_values(client_for):
    body = client_for("lezer").get("/api/v1/indicators").get_json()
    assert body["count"] == len(body["indicators"]) >= 20
    contacts = next(i for i in body["indicators"] if i["code"] == "meld-en-adviespunt-contacten")
    assert [v["year"] for v in contacts["values"]] == [2021, 2022]
    assert contacts["values"][1]["comparable"] is False and contacts["values"][1]["change"] is None
    aangiftes = next(i for i in body["indicators"] if i["code"] == "politie-aangiftes")
    assert aangiftes["values"][1]["change"] == 7 and aangiftes["actions"] == ["1.1", "3.8"]
    assert aangiftes["action_reasons"]["3.8"].startswith("3.8 wil de aangiftebereidheid")
    estimate = next(i for i in body["indicators"] if i["kind"] == "schatting")
    assert (estimate["values"][0]["value"], estimate["values"][0]["value_high"]) == (500, 600)


def test_the_page_filters_on_a_theme(client_for):
    client = client_for("lezer")
    page = text_of(client.get("/kerncijfers?thema=5"))
    assert "Slachtoffers in de hulpverlening van het ESSM" in page
    assert "Aangiftes mensenhandel" not in page  # theme 4
    assert client.get("/kerncijfers?thema=9").status_code == 404


# Figures that are right (issue 36) ---------------------------------------------------------------


def test_every_link_to_an_action_says_why_and_the_wrong_ones_are_gone(seed_data):
    links = {i["code"]: i["actions"] for i in seed_data.figures}
    assert all(reason.strip() for reasons in links.values() for reason in reasons.values())
    # 3.14 (a VR experience on labour exploitation) and 4.4 (formats for administrative
    # measures) say nothing about police conversations, reports or the Dordrecht training.
    informing = {code for reasons in links.values() for code in reasons}
    assert "3.14" not in informing and "4.4" not in informing
    # 5.2 (making the Meld- en adviespunt known) is read in its contacts.
    assert "5.2" in links["meld-en-adviespunt-contacten"]


def test_comparability_and_area_as_the_monitor_says(seed_data):
    by_code = {i["code"]: {v["year"]: v for v in i["values"]} for i in seed_data.figures}
    essm = by_code["essm-clienten"][2022]
    assert not essm["comparable"]
    assert "aangemeld" in essm["caveat"] and "geholpen" in essm["caveat"]
    contacts_2021 = by_code["meld-en-adviespunt-contacten"][2021]
    assert contacts_2021["area"] == "Niet alle gemeenten van de regio"
    estimate = by_code["schatting-slachtoffers"][2019]
    assert (estimate["value"], estimate["value_high"]) == (500, 600)
    assert "500 – 600 slachtoffers van mensenhandel per jaar" in estimate["quote"]


def test_the_page_shows_the_estimate_areas_and_reasons(client_for):
    page = text_of(client_for("lezer").get("/kerncijfers"))
    assert "500 – 600 slachtoffers per jaar" in page and "een schatting, geen telling" in page
    assert "Geteld in: Niet alle gemeenten van de regio" in page
    essm = page[page.index("Slachtoffers in de hulpverlening van het ESSM · Regio") :][:1500]
    assert "2022 143 cliënten niet vergelijkbaar" in essm
    action = text_of(client_for("lezer").get("/acties/5.2"))
    assert "Contacten met het Meld- en adviespunt mensenhandel" in action
    assert "Of het meld- en adviespunt bekender wordt (5.2)" in action
    assert "Informatieve gesprekken" not in text_of(client_for("lezer").get("/acties/3.14"))


def test_the_report_sets_the_registered_counts_beside_the_estimate(client_for):
    page = text_of(client_for("lezer").get("/rapportage"))
    panel = page.split("Geschat en geregistreerd")[1].split("Bij thema")[0]
    assert "Naar schatting 500 – 600 slachtoffers per jaar in de regio" in panel
    for name in ("Slachtoffers in de hulpverlening van het ESSM", "Aangiftes mensenhandel"):
        assert name in panel
    assert "Een daling is daarom niet vanzelf goed nieuws" in panel
    assert "geen of lage cijfers juist reden om flink te investeren" in panel
    chapter = page.split("Bij thema 5: Preventie en zorg voor het slachtoffer")[1]
    assert "2022: 143 2021: 162 niet vergelijkbaar" in chapter
    assert "Uit Mensenhandelmonitor 2020 en Mensenhandelmonitor 2022" in page
    # A theme's report holds that theme's figures; a municipality's no other municipality's.
    theme4 = text_of(client_for("lezer").get("/rapportage?thema=4"))
    assert "Bij thema 4" in theme4 and "Bij thema 5" not in theme4
    schiedam = text_of(client_for("lezer").get("/rapportage?gemeente=schiedam"))
    assert "Panden gesloten" not in schiedam and "Aangiftes mensenhandel" in schiedam


def test_the_beheerder_sets_a_direction_and_a_target(client_for):
    client = client_for("beheerder")
    path = "/kerncijfers/meld-en-adviespunt-contacten/doel"
    assert "Welke kant is beter?" in client.get(path).get_data(as_text=True)
    bad = post_form(client, path, {"direction": "meer", "target": "-5"})
    assert bad.status_code == 400 and "Vul een aantal in: 0 of meer." in bad.get_data(as_text=True)
    assert post_form(client, path, {"direction": "sneller", "target": ""}).status_code == 400
    response = post_form(client, path, {"direction": "meer", "target": "200"})
    assert response.status_code == 302
    page = text_of(client.get("/kerncijfers"))
    assert "Meer is beter · doel: 200 meldingen" in page
    report = text_of(client.get("/rapportage"))
    assert "meer is beter; doel 200" in report
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "figure.target"))
    assert client.get("/kerncijfers/onbekend/doel").status_code == 404
    assert client_for("lezer").get(path).status_code == 403


def test_the_breakdowns_the_2022_monitor_gives_add_up_to_their_totals(seed_data):
    by_code = {i["code"]: i for i in seed_data.figures}
    parts: dict[tuple[str, str], int] = {}
    for indicator in seed_data.figures:
        if indicator["breakdown_of"]:
            assert indicator["breakdown_of"] in by_code and indicator["part"]
            for value in indicator["values"]:
                if value["year"] == 2022:
                    key = (indicator["breakdown_of"], indicator["breakdown"])
                    parts[key] = parts.get(key, 0) + value["value"]
    # ESSM: 143 victims helped in 2022, by kind of help, by gender and by age.
    for dimension in ("Soort hulpverlening", "Geslacht", "Leeftijd"):
        assert parts[("essm-clienten", dimension)] == 143, dimension
    # Police: 25 conversations and 23 reports in 2022, by form of exploitation.
    assert parts[("politie-informatieve-gesprekken", "Vorm van uitbuiting")] == 25
    assert parts[("politie-aangiftes", "Vorm van uitbuiting")] == 23


def test_a_breakdown_shows_under_its_figure_not_on_its_own(client_for):
    client = client_for("lezer")
    html = client.get("/kerncijfers").get_data(as_text=True)
    page = text_of(client.get("/kerncijfers"))
    essm = page[page.index("Slachtoffers in de hulpverlening van het ESSM · Regio") :][:3000]
    assert "Naar geslacht Geslacht 2022 Vrouw 115 Man 12 Overig/onbekend 16" in essm
    assert "Naar leeftijd" in essm and "18 tot 23 jaar 36" in essm
    assert 'id="kc-essm-clienten-vrouw"' not in html  # not a figure block of its own
    gesprekken = page[page.index("Informatieve gesprekken mensenhandel · Regio") :][:3000]
    assert "Naar vorm van uitbuiting Vorm van uitbuiting 2021 2022" in gesprekken
    assert "Seksuele uitbuiting 47 24" in gesprekken and "Criminele uitbuiting 1 –" in gesprekken
    assert "Slachtoffers in de hulpverlening van het ESSM: vrouw" not in text_of(
        client.get("/acties/1.1")
    )
    report = text_of(client.get("/rapportage"))
    assert "Naar geslacht (2022): vrouw 115; man 12; overig of onbekend 16." in report


def test_a_figure_stays_with_its_action_in_the_next_plan(client_for, roles, seed_data):
    """Links were by action code: once the next plan numbered its actions again (the
    evaluation's draft leaves out 1.1, so 1.2 becomes 1.1 and 1.3 becomes 1.2), its 1.1
    showed every figure of the monitor and its 1.2 none of 1.3's. A link is to an action
    now: adopting copies it to the action's successor, and the archive keeps its own."""
    from tracker.plan.queries import current_plan
    from tracker.seeding import apply_seeds

    from .test_plans_and_owners import _plan_action

    old = current_plan()
    kept = {a.id: a.text for t in old.themes for a in t.actions if a.code != "1.1"}
    draft = draft_next_plan(roles["beheerder"], selection=kept)
    admin = client_for("beheerder")
    assert "de koppeling van 10 kerncijfers aan hun acties" in text_of(admin.get("/plannen"))
    assert post_form(admin, f"/plannen/{draft.slug}/vaststellen", {}).status_code == 302
    assert _plan_action(draft.slug, "1.1").predecessor_id == _plan_action(old.slug, "1.2").id
    new_first = text_of(admin.get("/acties/1.1"))
    assert "Informatieve gesprekken mensenhandel" not in new_first
    assert "die actie 1.1 publiceert" not in new_first
    new_second = text_of(admin.get("/acties/1.2"))  # the old 1.3
    assert "Informatieve gesprekken mensenhandel" in new_second
    archived = text_of(admin.get(f"/acties/1.1?plan={old.slug}"))
    assert "Informatieve gesprekken mensenhandel" in archived
    assert "die actie 1.1 publiceert" in archived

    def linked():
        found = admin.get("/api/v1/indicators").get_json()["indicators"]
        return {i["code"]: i["actions"] for i in found if i["actions"]}

    assert linked()["politie-informatieve-gesprekken"] == ["1.2"]
    assert "schatting-slachtoffers" in linked()  # 3.8 carried on
    # The seeds describe 2024-2026: loading them again leaves the new plan's links alone.
    apply_seeds(db.session, seed_data)
    db.session.commit()
    assert linked()["politie-informatieve-gesprekken"] == ["1.2"]
    assert "die actie 1.1 publiceert" in text_of(admin.get(f"/acties/1.1?plan={old.slug}"))
