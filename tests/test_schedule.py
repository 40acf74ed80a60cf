"""The planning parser reads every planning text of the plan as the plan means it."""

from datetime import date

import pytest

from tracker.plan.schedule import Schedule, ScheduleKind, describe_schedule, parse_planning

K = ScheduleKind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Doorlopend", Schedule(K.CONTINUOUS)),
        ("Jaarlijks", Schedule(K.ANNUAL)),
        ("Jaarlijks, in het najaar", Schedule(K.ANNUAL, season="autumn")),
        ("Minimaal 3x per jaar", Schedule(K.PER_YEAR, times_per_year=3)),
        ("Minimaal 4x per jaar", Schedule(K.PER_YEAR, times_per_year=4)),
        ("Minimaal 1x per jaar", Schedule(K.PER_YEAR, times_per_year=1)),
        ("Q1 2024", Schedule(K.DEADLINE, starts_on=date(2024, 1, 1), due_on=date(2024, 3, 31))),
        ("2024", Schedule(K.DEADLINE, starts_on=date(2024, 1, 1), due_on=date(2024, 12, 31))),
        ("2025", Schedule(K.DEADLINE, starts_on=date(2025, 1, 1), due_on=date(2025, 12, 31))),
        (
            "2024 - 2025",
            Schedule(K.DEADLINE, starts_on=date(2024, 1, 1), due_on=date(2025, 12, 31)),
        ),
        ("2024/2025", Schedule(K.DEADLINE, starts_on=date(2024, 1, 1), due_on=date(2025, 12, 31))),
        (
            "2024 \u2013 2025",  # en dash, as in action 5.7
            Schedule(K.DEADLINE, starts_on=date(2024, 1, 1), due_on=date(2025, 12, 31)),
        ),
    ],
)
def test_every_planning_text_of_the_plan(text, expected):
    assert parse_planning(text) == expected


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Q2 2025", date(2025, 6, 30)),
        ("Q3 2025", date(2025, 9, 30)),
        ("Q4 2026", date(2026, 12, 31)),
        ("  q1   2024. ", date(2024, 3, 31)),
        ("2025-2026", date(2026, 12, 31)),
    ],
)
def test_quarters_and_ranges_end_on_the_last_day(text, due):
    assert parse_planning(text).due_on == due


def test_variants_in_spelling():
    assert parse_planning("minimaal 3 x per jaar").times_per_year == 3
    assert parse_planning("Minstens 2 keer per jaar").times_per_year == 2
    assert parse_planning("JAARLIJKS").kind is K.ANNUAL
    assert parse_planning("Jaarlijks, in het voorjaar").season == "spring"
    assert parse_planning("doorlopend.").kind is K.CONTINUOUS


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Zo snel mogelijk",
        "Q5 2024",
        "2026 - 2024",
        "Minimaal 0x per jaar",
        "Jaarlijks, in de kerstvakantie",
        "1999",
        "2024 tot 2025",
        "Q1",
        "None",
    ],
)
def test_unknown_texts_are_unparsed_and_never_raise(text):
    schedule = parse_planning(text)
    assert schedule.kind is K.UNPARSED
    assert schedule.due_on is None


def test_none_is_unparsed():
    assert parse_planning(None).kind is K.UNPARSED


def test_years_with_work():
    deadline = parse_planning("2024 - 2025")
    assert [deadline.applies_to_year(y) for y in (2023, 2024, 2025, 2026)] == [
        False,
        True,
        True,
        False,
    ]
    assert parse_planning("Doorlopend").applies_to_year(2026)
    assert not parse_planning("onbekend").applies_to_year(2025)


def test_description_in_dutch():
    fmt = lambda d: d.isoformat()  # noqa: E731
    assert "uiterlijk 2024-03-31" in describe_schedule(parse_planning("Q1 2024"), fmt)
    assert "najaar" in describe_schedule(parse_planning("Jaarlijks, in het najaar"), fmt)
    assert "minimaal 3 keer" in describe_schedule(parse_planning("Minimaal 3x per jaar"), fmt)
    assert "Niet herkend" in describe_schedule(parse_planning("ooit"), fmt)
