"""The seeds hold the plan word for word, load idempotently and are rejected whole when bad."""

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.plan.models import Action, Municipality, Party, Plan, Status, Theme
from tracker.seeding import SeedError, SeedReport, apply_seeds, read_seeds

from .conftest import SEEDS_DIR

PLAN_TEXT = Path(__file__).parent / "data" / "actieplan-2024-2026.txt"
ACTIONS_PER_THEME = [5, 12, 15, 8, 7]


def source_rows() -> dict[str, tuple[str, str, str]]:
    """Action rows (text, planning, wie) straight from the plan's text, keyed by code."""
    rows = []
    for line in PLAN_TEXT.read_text(encoding="utf-8").splitlines():
        if "\t" not in line or not re.match(r"^\s*\d", line):
            continue
        cells = line.strip().split("\t")
        if len(cells) == 3:  # theme 2's first table puts number and text in one cell
            number, text = cells[0].split(" ", 1)
            cells = [number, text, cells[1], cells[2]]
        rows.append((int(cells[0].rstrip(".")), *cells[1:]))
    result, index = {}, 0
    for theme, count in enumerate(ACTIONS_PER_THEME, start=1):
        for number in range(1, count + 1):
            assert rows[index][0] == number
            result[f"{theme}.{number}"] = rows[index][1:]
            index += 1
    return result


def test_seeded_plan_matches_the_source_word_for_word(seeded_app):
    source = source_rows()
    actions = db.session.scalars(select(Action)).all()
    assert len(actions) == 47
    seeded = {a.code: (a.text, a.planning, a.owners_text) for a in actions}
    assert seeded == source


def test_actions_per_theme(seeded_app):
    counts = db.session.execute(
        select(Theme.number, func.count(Action.id)).join(Theme.actions).group_by(Theme.number)
    ).all()
    assert sorted(counts) == list(enumerate(ACTIONS_PER_THEME, start=1))


def test_themes_and_plan(seeded_app):
    plan = db.session.scalar(select(Plan))
    assert plan.title == "Regionaal Actieplan Mensenhandel Regio Rotterdam"
    assert plan.period == "2024-2026"
    assert plan.is_current
    titles = [t.title for t in plan.themes]
    assert titles[1] == "Bevorderen regionale/lokale samenwerking"
    source = re.sub(r"\[([^\]]+)\]\(#\)", r"\1", PLAN_TEXT.read_text(encoding="utf-8"))
    for theme in plan.themes:
        first_paragraph = theme.introduction.split("\n\n")[0]
        assert first_paragraph in source, theme.number
    assert [row["vorm"] for row in plan.themes[2].risk_table] == [
        "Arbeidsuitbuiting",
        "Criminele uitbuiting",
        "Seksuele uitbuiting",
    ]


def test_every_action_starts_not_started(seeded_app):
    statuses = set(db.session.scalars(select(Action.status)))
    assert statuses == {Status.NOT_STARTED.value}


def test_owners_in_plan_order_with_roles_and_free_text(seeded_app):
    action = _action("2.1")
    assert [(o.display_name, o.role, o.is_lead) for o in action.owners[:2]] == [
        ("Portefeuillehouder mensenhandel", "voorzitter", True),
        ("VAR", "secretaris", False),
    ]
    assert [o.party.code for o in action.owners[-2:]] == [
        "gemeente-rotterdam",
        "gemeente-dordrecht",
    ]
    scan = _action("1.4")
    assert [o.display_name for o in scan.owners] == [
        "VAR",
        "RIEC",
        "nader te bepalen netwerkpartners",
    ]
    assert scan.owners[2].party is None
    assert _action("4.7").owners[0].party.code == "gemeente-capelle-aan-den-ijssel"


def test_municipalities_and_per_municipality_actions(seeded_app):
    assert db.session.scalar(select(func.count(Municipality.id))) == 23
    assert db.session.scalar(select(func.count(Party.id)).where(Party.kind == "gemeente")) == 23
    flagged = {a.code for a in db.session.scalars(select(Action).where(Action.is_per_municipality))}
    assert {"2.4", "3.3", "3.6", "3.7"} <= flagged


def test_second_load_changes_nothing(seeded_app):
    report = apply_seeds(db.session, read_seeds(SEEDS_DIR))
    assert not report.changed
    assert not db.session.dirty and not db.session.new


def test_edited_seed_updates_text_and_keeps_the_row_and_its_state(seeded_app, seed_copy):
    action = _action("3.14")
    action_id = action.id
    action.status = Status.IN_PROGRESS.value  # stands in for progress recorded in the app
    db.session.commit()

    plan_file = seed_copy / "plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    start = text.index("text: Onderzoeken en daadwerkelijk toevoegen van VR-Experience")
    edited = text[:start] + text[start:].replace("planning: '2024'", "planning: Q2 2025", 1)
    plan_file.write_text(edited, encoding="utf-8")
    report = apply_seeds(db.session, read_seeds(seed_copy))
    db.session.commit()
    assert report.updated == {"acties": 1}
    changed = db.session.get(Action, action_id)
    assert changed.code == "3.14" and changed.planning == "Q2 2025"
    assert changed.due_on.isoformat() == "2025-06-30"
    assert changed.status == Status.IN_PROGRESS.value


@pytest.mark.parametrize(
    ("filename", "edit", "message"),
    [
        (
            "plan.yaml",
            lambda t: t.replace("themes:\n", "themes:\n  - [unclosed\n", 1),
            "plan.yaml: geen geldige YAML",
        ),
        (
            "plan.yaml",
            lambda t: t.replace("- AVIM\n", "- XYZ\n", 1),
            "plan.yaml: actie 1.1: onbekende partij 'XYZ'",
        ),
        (
            "plan.yaml",
            lambda t: t.replace(
                "  - number: 2\n    text: Delen", "  - number: 1\n    text: Delen", 1
            ),
            "plan.yaml: actie 1.1: actie 1.1 komt dubbel voor",
        ),
        (
            "plan.yaml",
            lambda t: t.replace("    planning: Doorlopend\n", "", 1),
            "plan.yaml: actie 1.2: veld 'planning' ontbreekt",
        ),
        (
            "parties.yaml",
            lambda t: t + "- code: VAR\n  short_name: X\n  name: X\n",
            "parties.yaml: partij VAR: code 'VAR' komt dubbel voor",
        ),
        (
            "municipalities.yaml",
            lambda t: t.replace("name: Schiedam", "naam: Schiedam"),
            "municipalities.yaml: gemeente #19: veld 'name' ontbreekt",
        ),
    ],
)
def test_bad_seed_is_rejected_whole_naming_file_and_entry(app, seed_copy, filename, edit, message):
    path = seed_copy / filename
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(SeedError) as info:
        read_seeds(seed_copy)
    assert any(p.startswith(message) for p in info.value.problems), info.value.problems


def test_seed_command_loads_migrates_and_is_idempotent(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'cli.db'}")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "47 acties nieuw" in first.output
    assert "1 plan nieuw, 5 thema's nieuw" in first.output  # not "1 plannen"
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0
    assert "niets gewijzigd" in second.output


def test_seed_command_rejects_bad_files_and_writes_nothing(make_app, tmp_path, seed_copy):
    app = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'cli.db'}", SEEDS_DIR=str(seed_copy)
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed"]).exit_code == 0
    plan_file = seed_copy / "plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    # A good edit and a bad one in the same load: neither may land.
    text = text.replace("Publiceren regionale mensenhandelmonitor.", "Gewijzigd.", 1)
    text = text.replace("- RCTM\n", "- ONBEKEND\n", 1)
    plan_file.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 1
    assert "plan.yaml: actie 4.5: onbekende partij 'ONBEKEND'" in result.output
    assert "niets is opgeslagen" in result.output or "er is niets opgeslagen" in result.output
    with app.app_context():
        assert _action("1.1").text == "Publiceren regionale mensenhandelmonitor."


def test_missing_seed_file_is_named(app, seed_copy):
    (seed_copy / "parties.yaml").unlink()
    with pytest.raises(SeedError) as info:
        read_seeds(seed_copy)
    assert "parties.yaml: bestand ontbreekt" in info.value.problems


def _action(code: str) -> Action:
    theme, number = (int(x) for x in code.split("."))
    return db.session.scalars(
        select(Action).join(Action.theme).where(Theme.number == theme, Action.number == number)
    ).one()


def test_the_seed_summary_names_one_of_a_kind_in_the_singular():
    report = SeedReport()
    report.count(report.created, "plannen")
    for kind in ("acties", "acties", "kerncijfers per jaar"):
        report.count(report.updated, kind)
    assert report.summary() == (
        "1 plan nieuw, 2 acties bijgewerkt, 1 kerncijfer per jaar bijgewerkt"
    )
