"""Planning parser: turns the plan's "Planning" column into a schedule.

The plan writes its planning as free text ("Doorlopend", "Jaarlijks, in het najaar",
"Minimaal 3x per jaar", "Q1 2024", "2024 - 2025", "2024/2025"...). This module is pure logic:
no Flask, no database, so it is tested on every text of the plan directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
    #: For deadlines: the last day of the period, the date the action is due.
    due_on: date | None = None

    @property
    def is_recurring(self) -> bool:
        return self.kind in (ScheduleKind.ANNUAL, ScheduleKind.PER_YEAR)

    def applies_to_year(self, year: int) -> bool:
        """Whether the action has work planned in ``year``."""
        if self.kind is ScheduleKind.DEADLINE:
            return self.starts_on.year <= year <= self.due_on.year
        return self.kind is not ScheduleKind.UNPARSED


_YEAR = r"(20\d\d)"
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-"})
_QUARTER_RE = re.compile(rf"q([1-4]) {_YEAR}")
_YEAR_RE = re.compile(_YEAR)
_RANGE_RE = re.compile(rf"{_YEAR} ?[-/] ?{_YEAR}")
_PER_YEAR_RE = re.compile(
    r"(?:minimaal|minstens|tenminste|ten minste) (\d{1,2}) ?(?:x|keer) per jaar"
)
_ANNUAL_RE = re.compile(r"jaarlijks(?:, ?(?:in (?:het |de )?)?(\w+))?")


def _normalise(text: str) -> str:
    text = text.translate(_DASHES).strip().rstrip(".").strip().lower()
    return re.sub(r"\s+", " ", text)


def _quarter_bounds(quarter: int, year: int) -> tuple[date, date]:
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    last_day = 31 if last_month in (3, 12) else 30
    return date(year, first_month, 1), date(year, last_month, last_day)


def parse_planning(text: str) -> Schedule:
    """Parse a planning text. Never raises: what it cannot read is ``UNPARSED``."""
    norm = _normalise(text or "")
    if norm == "doorlopend":
        return Schedule(ScheduleKind.CONTINUOUS)
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
        case ScheduleKind.CONTINUOUS:
            return "Doorlopend: loopt de hele planperiode, zonder einddatum."
        case ScheduleKind.ANNUAL if schedule.season:
            return f"Jaarlijks: elk jaar één keer, in het {SEASON_LABELS[schedule.season]}."
        case ScheduleKind.ANNUAL:
            return "Jaarlijks: elk jaar één keer."
        case ScheduleKind.PER_YEAR:
            times = schedule.times_per_year
            return f"Terugkerend: minimaal {times} keer per jaar."
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
