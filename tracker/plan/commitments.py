"""Per-year commitments: how one year of a yearly action stands. Pure logic, no database.

An action planned "Jaarlijks" is delivered once each year; "Jaarlijks, in het najaar" once each
year inside that season. Each year gets its own status, and the day it was delivered is checked
against the season. A year that can no longer be met (its season or the year is over without a
delivery) is flagged as such, not left looking merely "open".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.plan.models import Status
from tracker.plan.schedule import SEASON_LABELS, Schedule

#: Meteorological seasons, by month, as the Dutch calendar reads "voorjaar", "najaar"...
SEASON_MONTHS = {
    "spring": (3, 4, 5),
    "summer": (6, 7, 8),
    "autumn": (9, 10, 11),
    "winter": (12, 1, 2),
}
#: The last day of a season within its year (winter: the December that closes the year).
_SEASON_END = {"spring": (5, 31), "summer": (8, 31), "autumn": (11, 30), "winter": (12, 31)}


def in_season(season: str | None, day: date) -> bool:
    return season is None or day.month in SEASON_MONTHS[season]


def season_end(season: str | None, year: int) -> date:
    month, day = _SEASON_END[season] if season else (12, 31)
    return date(year, month, day)


@dataclass(frozen=True)
class CommitmentStanding:
    year: int
    status: str
    delivered_on: date | None
    #: 'gehaald', 'buiten_seizoen', 'vervallen', 'open', 'niet_meer_haalbaar', 'niet_gehaald'
    #: or 'later' (a year still to come).
    flag: str
    label: str

    @property
    def needs_attention(self) -> bool:
        """In its own year only a seasonal action can need attention: without a season no
        delivery falls outside it, and the year is not over yet. The overview reads only those
        (``progress.services.commitments_needing_attention``)."""
        return self.flag in ("buiten_seizoen", "niet_meer_haalbaar", "niet_gehaald")


def commitment_standing(
    schedule: Schedule, year: int, status: str, delivered_on: date | None, today: date
) -> CommitmentStanding:
    """How ``year`` of a yearly action stands on ``today``."""
    season = schedule.season
    season_word = f"het {SEASON_LABELS[season]}" if season else None

    def standing(flag: str, label: str) -> CommitmentStanding:
        return CommitmentStanding(year, status, delivered_on, flag, label)

    if status == Status.DONE.value:
        if delivered_on and not in_season(season, delivered_on):
            return standing("buiten_seizoen", f"Uitgevoerd, maar buiten {season_word}")
        return standing("gehaald", "Uitgevoerd")
    if status == Status.DROPPED.value:
        return standing("vervallen", "Vervallen voor dit jaar")
    if today.year < year:
        return standing("later", "Nog niet aan de orde")
    end = season_end(season, year)
    if today > end:
        if today.year > year:
            return standing("niet_gehaald", f"Niet uitgevoerd in {year}")
        reason = f"{season_word} is voorbij" if season else "het jaar is voorbij"
        return standing("niet_meer_haalbaar", f"Dit jaar niet meer haalbaar: {reason}")
    if season and today.month not in SEASON_MONTHS[season] and today < end:
        return standing("open", f"Gepland in {season_word}")
    return standing("open", "Nog uit te voeren dit jaar")
