"""Planning parser: turns the plan's "Planning" column into a schedule.

The plan writes its planning as free text ("Doorlopend", "Jaarlijks, in het najaar",
"Minimaal 3x per jaar", "Q1 2024", "2024 - 2025", "2024/2025"...) and a secretary revising it
writes more ("2x per jaar", "Medio 2025", "Halfjaarlijks", "Vanaf Q3 2025"...): ``KNOWN_PHRASES``
lists every wording it reads. This module is pure logic: no Flask, no database, so it is tested
on every text of the plan directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum


class ScheduleKind(StrEnum):
    CONTINUOUS = "continuous"
    ANNUAL = "annual"
    PER_YEAR = "per_year"
    DEADLINE = "deadline"
    UNPARSED = "unparsed"


#: Dutch season words, as the plan uses them, mapped to stable identifiers.
SEASONS = {
    "voorjaar": "spring",
    "lente": "spring",
    "zomer": "summer",
    "najaar": "autumn",
    "herfst": "autumn",
    "winter": "winter",
}


@dataclass(frozen=True)
class Schedule:
    kind: ScheduleKind
    times_per_year: int | None = None
    season: str | None = None
    #: For deadlines: the first day of the period the planning names.
    starts_on: date | None = None
    #: For deadlines: the last day of the period, the date the action is due. For continuous
    #: work that begins later ("Vanaf Q3 2025"), ``starts_on`` is the day it begins.
    due_on: date | None = None
    #: A deadline for setting something up that is then kept going ("Opzetten en onderhouden"):
    #: once set up, it is ongoing work, not a passed deadline.
    then_ongoing: bool = False

    @property
    def has_yearly_commitment(self) -> bool:
        """Expected once every year ("Jaarlijks", "Jaarlijks, in het najaar"): such an action
        gets a status per year, so each year's delivery can be seen on its own."""
        return self.kind is ScheduleKind.ANNUAL

    def applies_to_year(self, year: int) -> bool:
        """Whether the action has work planned in ``year``."""
        if self.kind is ScheduleKind.DEADLINE:
            if self.then_ongoing:
                return self.starts_on.year <= year
            return self.starts_on.year <= year <= self.due_on.year
        if self.starts_on is not None:
            return self.starts_on.year <= year
        return self.kind is not ScheduleKind.UNPARSED


_YEAR = r"(20\d\d)"
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-"})
_QUARTER_RE = re.compile(rf"q([1-4]) {_YEAR}")
_YEAR_RE = re.compile(_YEAR)
_RANGE_RE = re.compile(rf"{_YEAR} ?[-/] ?{_YEAR}")
_PER_YEAR_RE = re.compile(
    r"(?:(?:minimaal|minstens|tenminste|ten minste) )?(\d{1,2}) ?(?:x|keer) per jaar"
)
#: Fixed frequencies written as one word: so many times a year.
_FREQUENCY_WORDS = {
    "halfjaarlijks": 2,
    "per half jaar": 2,
    "elk half jaar": 2,
    "per kwartaal": 4,
    "elk kwartaal": 4,
    "ieder kwartaal": 4,
    "driemaandelijks": 4,
    "maandelijks": 12,
    "per maand": 12,
    "elke maand": 12,
}
_ANNUAL_RE = re.compile(r"jaarlijks(?:, ?(?:in (?:het |de )?)?(\w+))?")
#: "Medio 2025", "Eind 2025", "Begin 2025": a year's part, due at its end.
_PART_OF_YEAR_RE = re.compile(rf"(begin|medio|half|eind|einde|uiterlijk eind) {_YEAR}")
_PART_OF_YEAR_END = {
    "begin": (3, 31),
    "medio": (6, 30),
    "half": (6, 30),
    "eind": (12, 31),
    "einde": (12, 31),
    "uiterlijk eind": (12, 31),
}
#: "Vanaf Q3 2025", "Vanaf 2025", "Vanaf medio 2025": continuous from then on.
_FROM_RE = re.compile(r"(?:vanaf|met ingang van) (.+)")
#: "Q1 2024, daarna doorlopend": a deadline for setting up, then ongoing.
_THEN_ONGOING_RE = re.compile(r"(.+?),? (?:en )?daarna doorlopend")
#: Action texts that set something up and then keep it going (2.10 "Opzetten en onderhouden
#: digitale community..."): their deadline is for the setting up.
MAINTENANCE_PREFIX = "opzetten en onderhouden"

#: Every wording the parser knows, one example each, with how it reads it (in Dutch, for the
#: help page and the revision form). Tests parse each of these.
KNOWN_PHRASES = (
    ("Doorlopend", "de hele planperiode, zonder einddatum"),
    (
        "Vanaf Q3 2025",
        "doorlopend vanaf het begin van dat kwartaal (ook: Vanaf 2025, Vanaf medio 2025)",
    ),
    ("Jaarlijks", "elk jaar één keer, met een status per jaar"),
    (
        "Jaarlijks, in het najaar",
        "elk jaar één keer in dat seizoen (voorjaar, zomer, najaar, winter)",
    ),
    (
        "Minimaal 3x per jaar",
        "terugkerend, ten minste zo vaak per jaar (ook: Minstens 2 keer per jaar)",
    ),
    ("2x per jaar", "terugkerend, zo vaak per jaar"),
    ("Halfjaarlijks", "twee keer per jaar (ook: Per half jaar)"),
    ("Per kwartaal", "vier keer per jaar (ook: Elk kwartaal, Driemaandelijks)"),
    ("Maandelijks", "twaalf keer per jaar (ook: Per maand)"),
    ("Q1 2024", "gereed aan het eind van dat kwartaal"),
    ("Begin 2025", "gereed op 31 maart van dat jaar"),
    ("Medio 2025", "gereed op 30 juni van dat jaar"),
    ("Eind 2025", "gereed op 31 december van dat jaar"),
    ("2025", "gereed aan het eind van dat jaar"),
    ("2024 - 2025", "gereed aan het eind van het laatste jaar (ook: 2024/2025, 2024 – 2025)"),
    (
        "Q1 2024, daarna doorlopend",
        "eerst opzetten, daarna doorlopend (zo ook een actie die begint met "
        "“Opzetten en onderhouden”)",
    ),
)


def _normalise(text: str) -> str:
    text = text.translate(_DASHES).strip().rstrip(".").strip().lower()
    return re.sub(r"\s+", " ", text)


def _quarter_bounds(quarter: int, year: int) -> tuple[date, date]:
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    last_day = 31 if last_month in (3, 12) else 30
    return date(year, first_month, 1), date(year, last_month, last_day)


def sets_up_and_maintains(action_text: str) -> bool:
    return _normalise(action_text or "").startswith(MAINTENANCE_PREFIX)


def parse_planning(text: str, action_text: str = "") -> Schedule:
    """Parse a planning text. Never raises: what it cannot read is ``UNPARSED``. The action's
    own text tells whether a deadline is for setting up what is then maintained."""
    schedule = _parse(_normalise(text or ""))
    if schedule.kind is ScheduleKind.DEADLINE and sets_up_and_maintains(action_text):
        return replace(schedule, then_ongoing=True)
    return schedule


def _parse(norm: str) -> Schedule:
    if norm == "doorlopend":
        return Schedule(ScheduleKind.CONTINUOUS)
    if match := _THEN_ONGOING_RE.fullmatch(norm):
        first = _parse(match.group(1))
        if first.kind is ScheduleKind.DEADLINE:
            return replace(first, then_ongoing=True)
        return Schedule(ScheduleKind.UNPARSED)
    if match := _FROM_RE.fullmatch(norm):
        start = _parse(match.group(1))
        if start.kind is ScheduleKind.DEADLINE:
            return Schedule(ScheduleKind.CONTINUOUS, starts_on=start.starts_on)
        return Schedule(ScheduleKind.UNPARSED)
    if norm in _FREQUENCY_WORDS:
        return Schedule(ScheduleKind.PER_YEAR, times_per_year=_FREQUENCY_WORDS[norm])
    if match := _PART_OF_YEAR_RE.fullmatch(norm):
        year = int(match.group(2))
        month, day = _PART_OF_YEAR_END[match.group(1)]
        return Schedule(
            ScheduleKind.DEADLINE, starts_on=date(year, 1, 1), due_on=date(year, month, day)
        )
    if match := _ANNUAL_RE.fullmatch(norm):
        season_word = match.group(1)
        if season_word is None:
            return Schedule(ScheduleKind.ANNUAL)
        if season_word in SEASONS:
            return Schedule(ScheduleKind.ANNUAL, season=SEASONS[season_word])
        return Schedule(ScheduleKind.UNPARSED)
    if match := _PER_YEAR_RE.fullmatch(norm):
        times = int(match.group(1))
        if times < 1:
            return Schedule(ScheduleKind.UNPARSED)
        return Schedule(ScheduleKind.PER_YEAR, times_per_year=times)
    if match := _QUARTER_RE.fullmatch(norm):
        starts_on, due_on = _quarter_bounds(int(match.group(1)), int(match.group(2)))
        return Schedule(ScheduleKind.DEADLINE, starts_on=starts_on, due_on=due_on)
    if match := _YEAR_RE.fullmatch(norm):
        year = int(match.group(1))
        return Schedule(
            ScheduleKind.DEADLINE, starts_on=date(year, 1, 1), due_on=date(year, 12, 31)
        )
    if match := _RANGE_RE.fullmatch(norm):
        first, last = int(match.group(1)), int(match.group(2))
        if first > last:
            return Schedule(ScheduleKind.UNPARSED)
        return Schedule(
            ScheduleKind.DEADLINE, starts_on=date(first, 1, 1), due_on=date(last, 12, 31)
        )
    return Schedule(ScheduleKind.UNPARSED)


SEASON_LABELS = {"spring": "voorjaar", "summer": "zomer", "autumn": "najaar", "winter": "winter"}


def describe_schedule(schedule: Schedule, format_date) -> str:
    """How the tracker reads the planning, in Dutch, for the action page."""
    match schedule.kind:
        case ScheduleKind.CONTINUOUS if schedule.starts_on:
            return f"Doorlopend vanaf {format_date(schedule.starts_on)}, zonder einddatum."
        case ScheduleKind.CONTINUOUS:
            return "Doorlopend: loopt de hele planperiode, zonder einddatum."
        case ScheduleKind.ANNUAL if schedule.season:
            return f"Jaarlijks: elk jaar één keer, in het {SEASON_LABELS[schedule.season]}."
        case ScheduleKind.ANNUAL:
            return "Jaarlijks: elk jaar één keer."
        case ScheduleKind.PER_YEAR:
            times = schedule.times_per_year
            return f"Terugkerend: minimaal {times} keer per jaar."
        case ScheduleKind.DEADLINE if schedule.then_ongoing:
            return (
                f"Opzetten uiterlijk {format_date(schedule.due_on)}; daarna doorlopend "
                "onderhouden, zonder einddatum."
            )
        case ScheduleKind.DEADLINE:
            return (
                f"Gereed uiterlijk {format_date(schedule.due_on)} "
                f"(periode {format_date(schedule.starts_on)} tot en met "
                f"{format_date(schedule.due_on)})."
            )
    return (
        "Niet herkend: de planning staat hieronder zoals geschreven; "
        "de beheerder moet deze controleren."
    )
