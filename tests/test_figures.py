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
    assert years == {2020, 2021, 2022}
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
        ({"actions": ["9.9"]}, "onbekende actie(s): 9.9"),
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

from .helpers import csrf_token, post_form, text_of  # noqa: E402


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
    assert 'href="/acties/4.4"' in html


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
    assert aangiftes["values"][1]["change"] == 7 and aangiftes["actions"] == ["1.1", "4.4"]


def test_the_page_filters_on_a_theme(client_for):
    client = client_for("lezer")
    page = text_of(client.get("/kerncijfers?thema=5"))
    assert "Slachtoffers in de hulpverlening van het ESSM" in page
    assert "Aangiftes mensenhandel" not in page  # theme 4
    assert client.get("/kerncijfers?thema=9").status_code == 404
