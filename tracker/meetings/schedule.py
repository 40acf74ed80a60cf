"""Pure date logic for meetings: how a series' year stands against its minimum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: At most one meeting of a series every this many weeks: what is still possible this year.
WEEKS_BETWEEN_MEETINGS = 2


@dataclass(frozen=True)
class YearStanding:
    """How a series stands against its minimum in one year."""

    year: int
    held: int
    planned: int
    required: int
    flag: str | None
    flag_label: str | None


def year_standing(year: int, held: int, planned: int, required: int, today: date) -> YearStanding:
    """Flags: 'niet_gehaald' (year over, too few held), 'niet_meer_haalbaar' (the missing
    meetings no longer fit in the weeks left this year, one per ``WEEKS_BETWEEN_MEETINGS``),
    'onhaalbaar' (even with every planned meeting the minimum is not reached), 'achter'
    (fewer held than the share of the year gone by asks for). Planned means still to come and
    not cancelled."""
    flag, label = None, None
    if today.year > year:
        if held < required:
            flag, label = "niet_gehaald", f"Minimum niet gehaald ({held} van {required})"
    elif today.year == year or today.year < year:
        elapsed = 0.0 if today.year < year else (today.timetuple().tm_yday / 365)
        expected_by_now = int(required * elapsed)
        if held + planned < required:
            missing = required - held - planned
            flag = "onhaalbaar"
            label = f"Nog {missing} te plannen om het minimum van {required} te halen"
            if today.year == year:
                weeks_left = (date(year, 12, 31) - today).days // 7
                room = weeks_left // WEEKS_BETWEEN_MEETINGS
                if missing > room:
                    flag = "niet_meer_haalbaar"
                    label += (
                        f"; dit jaar niet meer haalbaar (nog {weeks_left} weken, ruimte voor "
                        f"hooguit {room})"
                    )
        elif held < expected_by_now:
            flag, label = "achter", f"Achter op schema: {held} gehouden, {expected_by_now} verwacht"
    return YearStanding(year, held, planned, required, flag, label)
