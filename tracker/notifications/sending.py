"""The scheduler's job: send what the outbox says is due, exactly once.

``send_due_notifications(now)`` is a plain function: the APScheduler tick, the CLI and the
tests all call it. Rows are claimed in small batches (a single conditional UPDATE; ``FOR
UPDATE SKIP LOCKED`` on PostgreSQL) under a claim token of this sender. The claim is a short
lease: the sender renews it, conditionally on still holding it, before a batch and while it
lasts, and marks the batch's rows done (in one transaction at its end) only while it still
holds them. A lease that ran out (its sender was killed) goes back to the queue; a sender
that lost its lease skips the row. So two live schedulers never send the same row twice, and
a kill -9 strands at most one small batch for one lease (sent again afterwards, with the
same Message-IDs, if it died after delivering).
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import Future
from contextlib import nullcontext
from datetime import datetime, timedelta

from flask import current_app
from flask_mail import Message
from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload

from tracker.data_version import note_change, own_bumps, read_data_version
from tracker.extensions import db
from tracker.mail import DeliveryError, SmtpConnection, deliver_soon
from tracker.meetings.models import Meeting, MeetingOutcome
from tracker.notifications.civil import SendWindow, send_window
from tracker.notifications.messages import build_message
from tracker.notifications.models import Notification, NotificationKind, NotificationState
from tracker.notifications.planning import plan_follow_ups, plan_upcoming, planning_mark
from tracker.notifications.signals import planning_asked, withholding_asked

PENDING = NotificationState.PENDING.value
SENDING = NotificationState.SENDING.value
#: Minutes to wait after the 1st, 2nd, … failed attempt; after the last the row is failed.
RETRY_MINUTES = [1, 5, 15, 60]
MAX_ATTEMPTS = len(RETRY_MINUTES) + 1
#: Rows claimed at once: what a killed sender can strand until its lease runs out. A batch
#: costs about ten milliseconds of database work besides its e-mails (claim, load, record):
#: with ten rows that was a third of the sending time.
BATCH = 25


def lease_length() -> timedelta:
    """How long a claim holds without renewal: longer than one SMTP delivery can take (it
    times out after ``MAIL_TIMEOUT``), so a lease never runs out while its message is on the
    wire; a row whose sender died is back in the queue after this (same Message-ID)."""
    return timedelta(seconds=2 * float(current_app.config["MAIL_TIMEOUT"]) + 60)


def _expire_and_recover(now: datetime) -> None:
    started = select(Meeting.id).where(Meeting.starts_at <= now)
    db.session.execute(
        update(Notification)
        .where(
            Notification.state == PENDING,
            Notification.meeting_id.in_(started),
            # An actiepunt's reminder is about its due date, not about its (past) meeting.
            Notification.kind != NotificationKind.FOLLOW_UP.value,
        )
        .values(state=NotificationState.EXPIRED.value, last_error="Vergadering al begonnen")
    )
    db.session.execute(
        update(Notification)
        .where(Notification.state == PENDING, Notification.due_at <= now, _replaced_by_later(now))
        .values(state=NotificationState.EXPIRED.value, last_error=SUPERSEDED)
    )
    db.session.execute(
        update(Notification)
        .where(Notification.state == SENDING, Notification.claimed_at < now - lease_length())
        .values(state=PENDING, claim_token=None)
    )
    db.session.commit()


SUPERSEDED = "Vervangen door een latere herinnering"


def _replaced_by_later(now: datetime):
    """A reminder whose later one (fewer days before, same meeting and recipient) is due too:
    only the later one goes out. Expired in one statement before claiming, so a round of
    reminders after a quiet spell does not claim and skip the older ones one batch at a time
    (``_superseded`` still checks each batch, for rows that became due meanwhile)."""
    later = aliased(Notification)
    return (Notification.kind == NotificationKind.REMINDER.value) & exists().where(
        later.meeting_id == Notification.meeting_id,
        later.recipient_id == Notification.recipient_id,
        later.kind == NotificationKind.REMINDER.value,
        later.offset_days < Notification.offset_days,
        later.due_at <= now,
        later.state.in_([PENDING, SENDING, NotificationState.SENT.value]),
    )


def _within(window: SendWindow):
    """The SQL condition for the rows that ``window`` lets go (see ``civil.send_window``)."""
    urgent = (Notification.kind != NotificationKind.FOLLOW_UP.value) & Notification.meeting_id.in_(
        select(Meeting.id).where(Meeting.starts_at < window.urgent_before)
    )
    if window.due_from is None:
        return urgent
    return or_(Notification.due_at >= window.due_from, urgent)


def claim_due(
    now: datetime,
    owner: str,
    limit: int = BATCH,
    window: SendWindow | None = None,
    claimed_at: datetime | None = None,
) -> list[int]:
    """Atomically move due rows from pending to sending under ``owner``'s claim; returns the
    ids claimed. What is due is judged at ``now`` (the tick's time); the lease starts at
    ``claimed_at``, the moment of the claim itself (a later batch of a long tick must not
    start with a lease that another sender already sees as run out). ``window`` (civil
    hours) narrows which due rows may go now."""
    candidates = (
        select(Notification.id)
        .where(
            Notification.state == PENDING,
            Notification.due_at <= now,
            or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
        )
        .order_by(Notification.due_at, Notification.id)
        .limit(limit)
    )
    if window is not None and not window.everything:
        candidates = candidates.where(_within(window))
    if db.engine.dialect.name == "postgresql":
        # A materialised CTE runs once: as a plain IN-subquery PostgreSQL may run it again
        # per row, and with SKIP LOCKED each run picks other rows (30 claimed for a limit of 10).
        chosen = candidates.with_for_update(skip_locked=True).cte("chosen")
        chosen = chosen.prefix_with("MATERIALIZED")
        candidate_ids = select(chosen.c.id).scalar_subquery()
    else:
        candidate_ids = candidates.scalar_subquery()
    result = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(candidate_ids), Notification.state == PENDING)
        .values(
            state=SENDING,
            claimed_at=claimed_at or now,
            claim_token=owner,
            attempts=Notification.attempts + 1,
        )
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    )
    ids = [row[0] for row in result]
    db.session.commit()
    return ids


def _superseded(ids: list[int], now: datetime) -> set[int]:
    """Of a batch, the reminders that a later one replaces (``_replaced_by_later``)."""
    return set(
        db.session.scalars(
            select(Notification.id).where(Notification.id.in_(ids), _replaced_by_later(now))
        )
    )


def _renew(row_ids: list[int], owner: str, at: datetime) -> set[int]:
    """Extend the lease on the rows ``owner`` still holds (committed, so others see it);
    returns those rows."""
    result = db.session.execute(
        update(Notification)
        .where(
            Notification.id.in_(row_ids),
            Notification.claim_token == owner,
            Notification.state == SENDING,
        )
        .values(claimed_at=at)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    )
    held = {row[0] for row in result}
    db.session.commit()
    return held


def _finish(outcomes: list[tuple[int, dict]], owner: str) -> None:
    """Record the outcomes of a batch in one transaction, each only while ``owner`` still
    holds its row; releases the claims. Rows with the same columns to set go in one
    executemany."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for row_id, values in outcomes:
        groups.setdefault(tuple(sorted(values)), []).append({"row_id": row_id, **values})
    table = Notification.__table__
    connection = db.session.connection()
    for columns, params in groups.items():
        statement = (
            table.update()
            .where(
                table.c.id == bindparam("row_id"),
                table.c.claim_token == owner,
                table.c.state == SENDING,
            )
            .values(claim_token=None, **{column: bindparam(column) for column in columns})
        )
        result = connection.execute(statement, params)
        if result.rowcount != 0:
            note_change(db.session)
        if result.rowcount not in (-1, len(params)):  # only if a delivery outlived its lease
            current_app.logger.warning(
                "%d outbox rows finished after their claim was lost", len(params) - result.rowcount
            )
    db.session.commit()


def _failure(row_id: int, attempts: int, error: Exception, now: datetime) -> dict:
    """After a failed attempt: back in the queue after a pause, or failed for good."""
    if attempts >= MAX_ATTEMPTS:
        current_app.logger.error("Notification %s failed for good: %s", row_id, error)
        return {"state": NotificationState.FAILED.value, "last_error": str(error)[:2000]}
    return {
        "state": PENDING,
        "last_error": str(error)[:2000],
        "next_attempt_at": now + timedelta(minutes=RETRY_MINUTES[attempts - 1]),
    }


def _withheld(row: Notification, superseded: set[int], now: datetime) -> dict | None:
    """The row's new values when its e-mail is not to go out after all."""
    user = row.recipient
    if not user.is_enabled or not user.wants(row.kind):
        return {
            "state": NotificationState.WITHDRAWN.value,
            "last_error": "Ontvanger uitgeschakeld of wil dit soort bericht niet",
        }
    if row.id in superseded:
        return {"state": NotificationState.EXPIRED.value, "last_error": SUPERSEDED}
    for _receiver, values in withholding_asked.send(row.kind_enum, row=row, now=now):
        return values
    return None


class _InFlight:
    """One row's e-mail handed to the connection, and what to record once it has gone."""

    def __init__(self, row: Notification, message: Message, delivery: Future):
        self.row_id, self.attempts = row.id, row.attempts
        self.kept = {"subject": message.subject, "body_text": message.body}
        self.message_id = message.msgId
        self.delivery = delivery

    def outcome(self, now: datetime) -> tuple[dict, bool]:
        """Waits for the server; the row's new values and whether the e-mail went out."""
        try:
            self.delivery.result()
        except DeliveryError as exc:
            return {**self.kept, **_failure(self.row_id, self.attempts, exc, now)}, False
        return {
            **self.kept,
            "state": NotificationState.SENT.value,
            "sent_at": now,
            "message_id": self.message_id,
            "last_error": None,
        }, True


def _load(ids: list[int], owner: str) -> dict[int, Notification]:
    """The batch's rows that ``owner`` holds, with what their e-mails show, in two queries."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.id.in_(ids), Notification.claim_token == owner)
        .options(
            joinedload(Notification.meeting).joinedload(Meeting.series),
            selectinload(Notification.outcome).selectinload(MeetingOutcome.actions),
        )
    ).unique()
    return {row.id: row for row in rows}


#: A lease is renewed when this much of it has passed: what is left then (the lease is longer
#: by twice the SMTP timeout) always covers the delivery that follows.
RENEW_AFTER = timedelta(seconds=60)


def send_claimed(
    ids: list[int],
    owner: str,
    now: datetime,
    tick_cache: dict,
    connection: SmtpConnection | None = None,
    claimed_at: datetime | None = None,
) -> int:
    """Send the rows ``owner`` claimed; returns how many went out. The leases are renewed
    for the whole batch first (a sender that stalled after claiming finds the rows it lost;
    not when the claim was made a moment ago, at ``claimed_at``), then again whenever
    ``RENEW_AFTER`` has passed, against the claim's time plus the time this batch has taken.
    The outcomes are recorded together at the end of the batch (and before a renewal): a
    sender killed in between sends at most this batch again, with the same Message-IDs,
    once its lease has run out. One e-mail is on the wire while the next is built and
    written out, then handed over behind it (``SmtpConnection.send_soon``: one connection,
    in order), so the server's answers never wait for the builder; only then is the first
    one's outcome taken."""
    sent, outcomes = 0, []
    in_flight: _InFlight | None = None

    def settle() -> None:  # record the e-mail on the wire once the server has answered
        nonlocal sent, in_flight
        if in_flight is not None:
            values, went = in_flight.outcome(now)
            outcomes.append((in_flight.row_id, values))
            sent, in_flight = sent + went, None

    base, started = claimed_at or now, time.monotonic()

    def clock() -> datetime:  # the claim's time plus what this batch has taken since
        return base + timedelta(seconds=time.monotonic() - started)

    renewed_at = base
    held = set(ids) if claimed_at else _renew(ids, owner, renewed_at)
    rows = _load([row_id for row_id in ids if row_id in held], owner)
    superseded = _superseded(list(rows), now)
    with nullcontext(connection) if connection else SmtpConnection() as connection:
        for position, row_id in enumerate(ids):
            if clock() - renewed_at >= RENEW_AFTER:
                settle()
                _finish(outcomes, owner)
                outcomes = []
                renewed_at = clock()
                held = _renew(ids[position:], owner, renewed_at)
            if row_id not in held or row_id not in rows:
                continue  # our lease ran out and another sender took the row
            row = rows[row_id]
            withheld = _withheld(row, superseded, now)
            if withheld is not None:
                outcomes.append((row_id, withheld))
                continue
            # Built, written out and queued behind the e-mail on the wire, whose outcome
            # is then taken: the wire never waits for the builder.
            message = build_message(row, now, tick_cache)
            delivery = deliver_soon(message, name=f"{row.id}-{row.kind}", connection=connection)
            settle()
            in_flight = _InFlight(row, message, delivery)
        settle()
    _finish(outcomes, owner)
    return sent


def send_due_notifications(now: datetime) -> int:
    """One scheduler tick: plan, expire what is too late, claim what is due, send it.
    Returns the number of e-mails sent."""
    seen = planning_mark(now)
    version, bumps = read_data_version(), own_bumps()
    if not seen(version):
        plan_upcoming(now)
        plan_follow_ups(now)
        planning_asked.send(None, now=now)
        db.session.commit()
    _expire_and_recover(now)
    owner = uuid.uuid4().hex
    sent, tick_cache = 0, {}
    config = current_app.config
    window = send_window(now, config["TIMEZONE"]) if config["CIVIL_HOURS"] else None
    started = time.monotonic()
    with SmtpConnection() as connection:  # opened at the first message, if any
        while True:
            # The lease starts now, not at the tick's start: the batches before took time.
            claimed_at = now + timedelta(seconds=time.monotonic() - started)
            ids = claim_due(now, owner, window=window, claimed_at=claimed_at)
            if not ids:
                break
            sent += send_claimed(ids, owner, now, tick_cache, connection, claimed_at=claimed_at)
            if len(ids) < BATCH:
                break
    # Nothing but this tick wrote since the counter was read: the next tick need not re-plan.
    after = read_data_version()
    seen.remember(after if after - version == own_bumps() - bumps else None)
    return sent


def retry(row: Notification, now: datetime) -> None:
    """A beheerder's retry of a failed row: back in the queue for a full round of attempts."""
    row.state = PENDING
    row.attempts = 0
    row.next_attempt_at = None
    row.due_at = min(row.due_at, now)
