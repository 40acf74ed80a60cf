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
