"""The evaluation round of a plan: opening it (with its e-mails to the owners), moving its
deadline, and how far it has come per action and per owner. The caller commits.

Opening sends every owner one e-mail listing their actions (``NotificationKind.EVALUATION``,
due at once; the outbox holds it until civil hours) and plans one reminder
``REMINDER_DAYS`` before the deadline at the reminder time, which goes only to those who
still have actions to evaluate then. Moving the deadline plans that reminder again, naming
the new one and the first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import bindparam, case, select, update

from tracker.accounts.auth import can_report_on, may_report_in
from tracker.accounts.membership import owned_action_ids, party_ids_of
from tracker.accounts.models import User
from tracker.audit.services import record
from tracker.dates import dutch_date, local_day, local_to_utc
from tracker.evaluation.models import ActionEvaluation, EvaluationRound
from tracker.extensions import db
from tracker.notifications.asking import users_with_open_actions
from tracker.notifications.models import (
    Notification,
    NotificationKind,
    NotificationState,
    add_once,
)
from tracker.plan.models import Action, Party, Plan, Theme
from tracker.plan.queries import ROW_COLUMNS
from tracker.plan.rows import ActionRow, read_rows

#: Days before the deadline the reminder goes to those with actions still to evaluate.
REMINDER_DAYS = 7


class RoundProblem(ValueError):
    """The round cannot be opened or changed; ``message`` says why in Dutch."""


def round_of(plan: Plan) -> EvaluationRound | None:
    return db.session.scalar(_ROUND_OF_PLAN, {"plan_id": plan.id})


#: Built once per process (the action page and Mijn acties ask; ``plan.queries`` says why).
_ROUND_OF_PLAN = select(EvaluationRound).where(EvaluationRound.plan_id == bindparam("plan_id"))


def _check_deadline(deadline: date, today: date) -> None:
    if deadline <= today:
        raise RoundProblem(
            f"De termijn moet na vandaag ({dutch_date(today)}) liggen: de eigenaren hebben "
            "tijd nodig om te evalueren."
        )


def reminder_due(deadline: date) -> datetime:
    """The reminder's moment: ``REMINDER_DAYS`` before the deadline at the reminder time."""
    hour, minute = (int(part) for part in current_app.config["REMINDER_TIME"].split(":"))
    return local_to_utc(
        deadline - timedelta(days=REMINDER_DAYS),
        time(hour, minute),
        current_app.config["TIMEZONE"],
    )


def _key(kind: NotificationKind, round_id: int, user_id: int) -> str:
    return f"{kind.value}:{round_id}:{user_id}"


def open_round(plan: Plan, deadline: date, author: User, now: datetime, today: date):
    """Open ``plan``'s evaluation and put its e-mails in the outbox."""
    if round_of(plan) is not None:
        raise RoundProblem("De evaluatie van dit plan is al geopend.")
    if plan.is_draft:
        raise RoundProblem("Een concept wordt niet geëvalueerd: stel het eerst vast.")
    _check_deadline(deadline, today)
    evaluation_round = EvaluationRound(
        plan=plan, deadline=deadline, opened_at=now, opened_by_id=author.id
    )
    db.session.add(evaluation_round)
    db.session.flush()
    owners = users_with_open_actions(plan.id, open_only=False)
    _invite(evaluation_round, owners, now)
    record(
        "evaluation.open",
        author,
        f"evaluatie {plan.slug}",
        f"Evaluatie geopend, termijn {dutch_date(deadline)}; {len(owners)} eigenaren gemaild",
    )
    return evaluation_round


def _invite(evaluation_round: EvaluationRound, user_ids, now: datetime) -> None:
    """The round's e-mail to each of ``user_ids`` at once, and its reminder before the
    deadline (unless that moment has passed)."""
    reminder_at = reminder_due(evaluation_round.deadline)
    for user_id in user_ids:
        mails = [(NotificationKind.EVALUATION, now, 0)]
        if reminder_at > now:
            mails.append((NotificationKind.EVALUATION_REMINDER, reminder_at, REMINDER_DAYS))
        for kind, due_at, offset in mails:
            add_once(
                kind,
                user_id,
                due_at,
                _key(kind, evaluation_round.id, user_id),
                evaluation_round_id=evaluation_round.id,
                offset_days=offset,
            )


def invite_late_owners(now: datetime) -> None:
    """Owners who came after a round was opened (a new account, a new contact person of an
    owning party) get the e-mail the others got, while the round runs: the current plan's
    round, until its deadline. Run on a scheduler tick after the data changed."""
    running = db.session.scalars(
        select(EvaluationRound)
        .join(Plan, Plan.id == EvaluationRound.plan_id)
        .where(
            Plan.is_current.is_(True),
            EvaluationRound.deadline >= local_day(now),
        )
    ).all()
    for evaluation_round in running:
        invited = set(
            db.session.scalars(
                select(Notification.recipient_id).where(
                    Notification.evaluation_round_id == evaluation_round.id,
                    Notification.kind == NotificationKind.EVALUATION.value,
                )
            )
        )
        owners = users_with_open_actions(evaluation_round.plan_id, open_only=False)
        _invite(evaluation_round, [u for u in owners if u not in invited], now)


def change_deadline(
    evaluation_round: EvaluationRound, deadline: date, author: User, now: datetime, today: date
) -> None:
    """A new deadline, and every owner invited has one reminder to come that names it: the
    reminders not yet sent move, whoever had theirs already (or was invited too late for
    one) gets another, and what expired while the outbox was held up goes out after all.
    The reminder is withdrawn for someone with nothing left to evaluate (``mail.withheld``)."""
    _check_deadline(deadline, today)
    old = evaluation_round.deadline
    evaluation_round.first_deadline = evaluation_round.first_deadline or old
    evaluation_round.deadline = deadline
    reminder_at = max(reminder_due(deadline), now)
    of_round = Notification.evaluation_round_id == evaluation_round.id
    reminder = NotificationKind.EVALUATION_REMINDER
    is_reminder = Notification.kind == reminder.value
    waiting = [NotificationState.PENDING.value, NotificationState.EXPIRED.value]
    db.session.execute(
        update(Notification)
        .where(of_round, Notification.state.in_(waiting))
        .values(
            due_at=case((is_reminder, reminder_at), else_=Notification.due_at),
            state=NotificationState.PENDING.value,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )
    invited = db.session.scalars(
        select(Notification.recipient_id)
        .where(of_round, Notification.kind == NotificationKind.EVALUATION.value)
        .except_(
            select(Notification.recipient_id).where(
                of_round, is_reminder, Notification.state == NotificationState.PENDING.value
            )
        )
    ).all()
    for user_id in invited:
        add_once(
            reminder,
            user_id,
            reminder_at,
            f"{_key(reminder, evaluation_round.id, user_id)}:{deadline.isoformat()}",
            evaluation_round_id=evaluation_round.id,
            offset_days=REMINDER_DAYS,
        )
    record(
        "evaluation.deadline",
        author,
        f"evaluatie {evaluation_round.plan.slug}",
        f"Termijn van {dutch_date(old)} naar {dutch_date(deadline)}",
    )


def evaluations_by_action(evaluation_round: EvaluationRound) -> dict[int, ActionEvaluation]:
    rows = db.session.scalars(
        select(ActionEvaluation).where(ActionEvaluation.round_id == evaluation_round.id)
    )
    return {row.action_id: row for row in rows}


def may_evaluate(user: User, action: Action, party_ids: set[int] | None = None) -> bool:
    """Whoever reports on an action evaluates it: its owners' people and the beheerder; once
    the plan is archived, only the beheerder completes or corrects."""
    if user.is_authenticated and user.is_admin:
        return True
    return can_report_on(user, action, party_ids)


def still_to_evaluate(
    user: User, evaluation_round: EvaluationRound | None, party_ids: set[int] | None = None
) -> list[ActionRow]:
    """The actions ``user`` owns in the round's plan that it has no evaluation of yet
    (Mijn acties, the reminder), as rows; none without a round. ``may_evaluate`` for all of
    them at once: ``owned_action_ids`` are the actions ``can_report_on`` accepts where the
    user ``may_report_in`` the plan."""
    if evaluation_round is None:
        return []
    plan = evaluation_round.plan
    if not (user.is_authenticated and user.is_admin) and not may_report_in(user, plan):
        return []
    party_ids = party_ids_of(user) if party_ids is None else party_ids
    done = select(ActionEvaluation.action_id).where(
        ActionEvaluation.round_id == evaluation_round.id
    )
    return read_rows(
        select(*ROW_COLUMNS)
        .join(Action.theme)
        .where(
            Theme.plan_id == plan.id,
            Action.id.in_(owned_action_ids(user, party_ids)),
            Action.id.not_in(done),
        )
        .order_by(Theme.number, Action.number),
        with_owners=False,
    )


@dataclass
class OwnerProgress:
    party: Party
    evaluated: int
    total: int

    @property
    def is_complete(self) -> bool:
        return self.evaluated == self.total


def progress_per_owner(
    actions: list[Action], evaluations: dict[int, ActionEvaluation]
) -> list[OwnerProgress]:
    """Per owning party: how many of its actions have an evaluation (the least complete
    first, so the secretary sees whom to call)."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    parties: dict[int, Party] = {}
    for action in actions:
        for owner in action.owners:
            if owner.party is None:
                continue
            parties[owner.party.id] = owner.party
            counts[owner.party.id][1] += 1
            counts[owner.party.id][0] += action.id in evaluations
    rows = [OwnerProgress(parties[pid], done, total) for pid, (done, total) in counts.items()]
    return sorted(rows, key=lambda r: (r.evaluated / r.total, r.party.short_name.lower()))
