"""Civil hours: meeting e-mail goes out on working days between 08:00 and 18:00 local time.

What falls due outside them waits for the next 09:00 on a working day, unless the meeting
would have begun by then: the meeting wins, and the mail goes at once (a reminder after the
meeting is worth nothing). Login links and password resets are not meeting mail: someone is
waiting for them, so they go at any hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from tracker.dates import local_to_utc, to_local

OPENS, CLOSES, RESUMES = time(8, 0), time(18, 0), time(9, 0)
#: Monday to Friday (``date.weekday()`` 0-4).
WORKING_DAYS = range(5)


def is_civil(moment: datetime, timezone: str) -> bool:
    """Whether ``moment`` (naive UTC) falls on a working day between 08:00 and 18:00 local."""
    local = to_local(moment, timezone)
    return local.weekday() in WORKING_DAYS and OPENS <= local.time() < CLOSES


def next_resume(moment: datetime, timezone: str) -> datetime:
    """The first 09:00 on a working day after ``moment`` (naive UTC in, naive UTC out)."""
    local = to_local(moment, timezone)
    day = local.date() if local.time() < RESUMES else local.date() + timedelta(days=1)
    while day.weekday() not in WORKING_DAYS:
        day += timedelta(days=1)
    return local_to_utc(day, RESUMES, timezone)


def goes_out_at(due: datetime, meeting_starts_at: datetime | None, timezone: str) -> datetime:
    """When mail that falls due at ``due`` leaves (naive UTC in and out): at once within
    civil hours, else at the next 09:00 on a working day, unless the meeting it is about
    (``meeting_starts_at``; None for mail that can wait) would have begun by then."""
    if is_civil(due, timezone):
        return due
    resume = next_resume(due, timezone)
    return due if meeting_starts_at is not None and meeting_starts_at < resume else resume


@dataclass(frozen=True)
class SendWindow:
    """Which due mails may go at a moment. ``everything``: all of them. Otherwise those that
    fell due at or after ``due_from`` (None: none of them) and those whose meeting starts
    before ``urgent_before`` (they cannot wait)."""

    everything: bool
    due_from: datetime | None = None
    urgent_before: datetime | None = None


def send_window(now: datetime, timezone: str) -> SendWindow:
    """From 09:00 to 18:00 on working days everything due goes. Between 08:00 and 09:00 only
    what fell due since 08:00 (what waited overnight goes at 09:00). Outside civil hours only
    mail for a meeting that starts before the next 09:00."""
    local = to_local(now, timezone)
    if is_civil(now, timezone) and local.time() >= RESUMES:
        return SendWindow(everything=True)
    urgent_before = next_resume(now, timezone)
    if is_civil(now, timezone):
        opened = local_to_utc(local.date(), OPENS, timezone)
        return SendWindow(False, opened, urgent_before)
    return SendWindow(False, None, urgent_before)
