"""The evaluation package listens to the meetings and the plan: the knelpunten proposed for
the Regionale Tafel go on its proposed agenda (``signals.proposals_asked``), and when a new
plan is published the knelpunten not yet solved move to the copies of the actions they
block (the plan's ``publishing_asked`` and ``plan_published``), and before adopting the
beheerder reads that the previous plan's round still runs (``adoption_warnings_asked``);
when the outbox plans (``planning_asked``), owners who came after the round was opened are
invited; and the outbox asks this package to write its e-mails (``message_asked``) and
whether one is still to go out (``withholding_asked``).
``create_app`` connects this once."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker.dates import dutch_date, local_today
from tracker.evaluation import mail, rounds
from tracker.evaluation.models import Knelpunt, KnelpuntStatus, knelpunt_action
from tracker.extensions import db
from tracker.meetings import signals
from tracker.meetings.agenda import Proposal
from tracker.meetings.models import Meeting
from tracker.notifications import signals as outbox_signals
from tracker.notifications.models import NotificationKind
from tracker.plan import copying
from tracker.plan import signals as plan_signals
from tracker.plan.models import Action, Plan, Theme
from tracker.text import short

#: The series whose agenda the knelpunten are proposed for (as the seeds name it).
TABLE_SERIES = "regionale-tafel"


def _knelpunten_for_table(meeting: Meeting) -> list[Proposal]:
    series = meeting.series
    if series.code != TABLE_SERIES or series.action is None:
        return []
    found = db.session.scalars(
        select(Knelpunt)
        .where(
            Knelpunt.plan_id == series.action.theme.plan_id,
            Knelpunt.for_table.is_(True),
            Knelpunt.status != KnelpuntStatus.SOLVED.value,
        )
        .order_by(Knelpunt.since, Knelpunt.id)
    )
    proposals = []
    for knelpunt in found:
        what = short(knelpunt.what, 90)
        proposals.append(
            Proposal(f"Knelpunt: {what}", list(knelpunt.actions), knelpunt.solver_party)
        )
    return proposals


def _unsolved_carried_on(plan: Plan) -> list[Knelpunt]:
    """Knelpunten not yet solved that block an action ``plan`` carries on."""
    return list(
        db.session.scalars(
            select(Knelpunt)
            .join(knelpunt_action, knelpunt_action.c.knelpunt_id == Knelpunt.id)
            .where(
                knelpunt_action.c.action_id.in_(copying.carried_on(plan)),
                Knelpunt.status != KnelpuntStatus.SOLVED.value,
            )
            .order_by(Knelpunt.id)
        ).unique()
    )


def _names(knelpunten: list[Knelpunt]) -> list[str]:
    """Named in a sentence that lists them ("…; knelpunt: Capaciteit bij de partners."):
    without a closing full stop of their own."""
    return [f"knelpunt: {k.what[:60].rstrip('.')}" for k in knelpunten]


def _knelpunten_to_move(plan: Plan) -> list[str]:
    return _names(_unsolved_carried_on(plan))


def _move_knelpunten(plan: Plan, successors: dict[int, int]) -> list[str]:
    moved = _unsolved_carried_on(plan)
    copies = {
        a.id: a
        for a in db.session.scalars(select(Action).where(Action.id.in_(successors.values())))
    }
    for knelpunt in moved:
        knelpunt.plan_id = plan.id
        knelpunt.actions = [
            copies[successors[a.id]] for a in knelpunt.actions if a.id in successors
        ]
    return _names(moved)


def _round_still_running(plan: Plan) -> list[str]:
    """Adopting a draft archives the plan before it, after which only a beheerder evaluates
    (``rounds.may_evaluate``): said before adopting, while that plan's round runs."""
    previous = db.session.get(Plan, plan.predecessor_id) if plan.predecessor_id else None
    running = rounds.round_of(previous) if previous is not None else None
    if running is None or running.deadline_passed(local_today()):
        return []
    done = len(rounds.evaluations_by_action(running))
    total = db.session.scalar(
        select(func.count(Action.id)).join(Action.theme).where(Theme.plan_id == previous.id)
    )
    if done >= total:
        return []
    return [
        f"De evaluatie van {previous.period} loopt nog tot {dutch_date(running.deadline)} "
        f"({done} van {total} acties geëvalueerd). Na vaststellen evalueren de eigenaren "
        "niet meer; alleen een beheerder vult dan nog aan."
    ]


def _invite_late_owners(_sender, now) -> None:
    rounds.invite_late_owners(now)


def _message(_kind, row, message_id):
    return mail.build(row, message_id)


def _withheld(_kind, row, now):
    return mail.withheld(row, now)


def connect_receivers() -> None:
    signals.proposals_asked.connect(_knelpunten_for_table)
    plan_signals.publishing_asked.connect(_knelpunten_to_move)
    plan_signals.plan_published.connect(_move_knelpunten)
    plan_signals.adoption_warnings_asked.connect(_round_still_running)
    outbox_signals.planning_asked.connect(_invite_late_owners)
    for kind in (NotificationKind.EVALUATION, NotificationKind.EVALUATION_REMINDER):
        outbox_signals.message_asked.connect(_message, sender=kind)
        outbox_signals.withholding_asked.connect(_withheld, sender=kind)
