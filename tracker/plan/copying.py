"""A new plan based on another ("Nieuw plan op basis van…"), and publishing it.

The copy is a draft: themes, actions (text, planning, owners and their links) carry over, each
action pointing at the one it came from, so its history reads across plans. Status and signal
carry over with it (an action's state is its latest update, and that update is the
predecessor's). Publishing makes the draft the region's current plan, archives the one before,
and lets the packages take along what hangs on the old plan (``signals.plan_published``):
the meeting series of the carried-over actions (the Regionale Tafel stays one series with one
history), their standing, the public page. The caller commits.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager

from tracker.audit.services import record
from tracker.extensions import db
from tracker.plan.models import Action, ActionOwner, OwnerLink, Plan, PlanState, Status, Theme
from tracker.plan.signals import adoption_warnings_asked, plan_published, publishing_asked
from tracker.text import as_written

if TYPE_CHECKING:  # accounts builds on the plan (a person's party and municipality)
    from tracker.accounts.models import User


class PlanProblem(ValueError):
    """The plan cannot be made or published; ``problems`` maps a field to a Dutch message."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def copy_plan(
    base: Plan,
    *,
    slug: str,
    title: str,
    start_year: int,
    end_year: int,
    author: User,
    now: datetime,
    selection: dict[int, str] | None = None,
) -> Plan:
    """The draft. With ``selection`` (action id -> the text it takes) only those actions
    are copied, numbered again from 1 within each theme; the themes all carry over."""
    if db.session.scalar(select(Plan.id).where(Plan.slug == slug)) is not None:
        raise PlanProblem({"slug": f"Er is al een plan met de korte naam '{slug}'."})
    plan = Plan(
        slug=slug,
        title=title.strip(),
        subtitle=base.subtitle,
        region=base.region,
        region_id=base.region_id,
        start_year=start_year,
        end_year=end_year,
        introduction=base.introduction,
        is_current=False,
        state=PlanState.DRAFT.value,
        predecessor=base,
    )
    with db.session.no_autoflush:
        plan.themes = [
            Theme(
                number=theme.number,
                title=theme.title,
                introduction=theme.introduction,
                risk_table=theme.risk_table,
                actions=_copy_actions(theme.actions, selection),
            )
            for theme in base.themes
        ]
        db.session.add(plan)
    db.session.flush()
    record(
        "plan.copy",
        author,
        f"plan {plan.slug}",
        f"Concept op basis van {base.title} {base.period}",
        base=base.slug,
    )
    return plan


def _draft_texts(plan: Plan) -> list:
    texts = [plan.slug, plan.title, plan.subtitle, plan.start_year, plan.end_year]
    return texts + [(theme.number, theme.title, theme.introduction) for theme in plan.themes]


def edit_draft(
    plan: Plan,
    *,
    slug: str,
    title: str,
    subtitle: str,
    start_year: int,
    end_year: int,
    themes: dict[int, tuple[str, str]],
    author: User,
) -> None:
    """A draft's short name, title, subtitle, period and its themes' titles and introductions
    (theme number -> (title, introduction)); an adopted plan keeps the words it was adopted
    with. A short name left as it was follows a new period when it ends in the old one
    (``rotterdam-2027-2030`` becomes ``rotterdam-2027-2029``): it is in every address and
    file name of the plan. Every save is a new ``version`` of the draft, so a save based on
    an older one fails at the flush (``conflicts.saving``) even when only a theme
    changed."""
    if not plan.is_draft:
        raise ValueError(f"plan {plan.slug} is adopted; its texts are as adopted")
    old_period = f"-{plan.start_year}-{plan.end_year}"
    if slug == plan.slug and slug.endswith(old_period):
        slug = f"{slug.removesuffix(old_period)}-{start_year}-{end_year}"
    if slug != plan.slug and db.session.scalar(select(Plan.id).where(Plan.slug == slug)):
        raise PlanProblem({"slug": f"Er is al een plan met de korte naam '{slug}'."})
    before, old_slug = _draft_texts(plan), plan.slug
    plan.slug = slug
    plan.version += 1
    plan.title, plan.subtitle = as_written(title), as_written(subtitle)
    plan.start_year, plan.end_year = start_year, end_year
    for theme in plan.themes:
        if theme.number in themes:
            theme.title, theme.introduction = (as_written(text) for text in themes[theme.number])
    if _draft_texts(plan) != before:
        renamed = {"slug": [old_slug, plan.slug]} if plan.slug != old_slug else {}
        was = f" (korte naam was {old_slug})" if renamed else ""
        record(
            "plan.edit",
            author,
            f"plan {plan.slug}",
            f"Concept gewijzigd: {plan.title} {plan.period}{was}",
            themes=sorted(themes),
            **renamed,
        )


def _copy_actions(actions: list[Action], selection: dict[int, str] | None) -> list[Action]:
    if selection is None:
        return [_copy_action(action, action.number, action.text) for action in actions]
    chosen = [action for action in actions if action.id in selection]
    return [
        _copy_action(action, number, selection[action.id])
        for number, action in enumerate(chosen, start=1)
    ]


def _copy_action(action: Action, number: int, text: str) -> Action:
    copy = Action(
        number=number,
        text=text,
        owners_text=action.owners_text,
        is_per_municipality=action.is_per_municipality,
        status=action.status,
        signal=action.signal,
        last_update_at=action.last_update_at,
        predecessor_id=action.id,
        owners=[
            ActionOwner(
                position=owner.position,
                party_id=owner.party_id,
                label=owner.label,
                role=owner.role,
                is_lead=owner.is_lead,
                links=[
                    OwnerLink(party_id=link.party_id, user_id=link.user_id) for link in owner.links
                ],
            )
            for owner in action.owners
        ],
    )
    copy.set_planning(action.planning)
    return copy


def carried_on(plan: Plan) -> Select:
    """SELECT the ids of the actions ``plan`` carries on (its actions' predecessors): what
    the packages answering ``publishing_asked`` and ``plan_published`` take along."""
    return select(Action.predecessor_id).join(Action.theme).where(Theme.plan_id == plan.id)


def moving_on_publish(plan: Plan) -> list[str]:
    """The names of what publishing ``plan`` moves to its actions (meeting series), as the
    packages that own them answer ``signals.publishing_asked``."""
    return sorted(name for _, names in publishing_asked.send(plan) for name in names or [])


def adoption_warnings(plan: Plan) -> list[str]:
    """What the packages want the beheerder to read before adopting ``plan``."""
    return [w for _, warnings in adoption_warnings_asked.send(plan) for w in warnings or []]


def due_before_start(plan: Plan) -> list[Action]:
    """The draft's open actions whose planning ends before the plan begins: carried over
    with the old plan's dates ("Q1 2024"), they would stand as "termijn verstreken" from the
    first day. To revise before adopting."""
    return db.session.scalars(
        select(Action)
        .join(Action.theme)
        .options(contains_eager(Action.theme))
        .where(
            Theme.plan_id == plan.id,
            Action.due_on < date(plan.start_year, 1, 1),
            Action.status.not_in([Status.DONE.value, Status.DROPPED.value]),
        )
        .order_by(Theme.number, Action.number)
    ).all()


def publish_plan(plan: Plan, author: User, now: datetime, decision_id: int | None = None) -> None:
    if not plan.is_draft:
        raise PlanProblem({"plan": "Dit plan is al vastgesteld."})
    successors = {
        a.predecessor_id: a.id
        for a in db.session.scalars(
            select(Action).join(Action.theme).where(Theme.plan_id == plan.id)
        )
        if a.predecessor_id
    }
    moved = [
        name for _, names in plan_published.send(plan, successors=successors) for name in names
    ]
    for other in db.session.scalars(
        select(Plan).where(Plan.region_id == plan.region_id, Plan.is_current, Plan.id != plan.id)
    ):
        other.is_current = False
    plan.state = PlanState.PUBLISHED.value
    plan.is_current = True
    plan.published_at = now
    plan.decision_id = decision_id
    for action in db.session.scalars(
        select(Action).join(Action.theme).where(Theme.plan_id == plan.id)
    ):
        action.tracked_since = now  # the new plan is followed from today
    record(
        "plan.publish",
        author,
        f"plan {plan.slug}",
        f"{plan.title} {plan.period} is het huidige plan",
        moved=sorted(moved),
    )


def predecessors_of(action: Action) -> list[Action]:
    """The same action in earlier plans, newest first (bounded by the number of plans)."""
    chain, seen = [], {action.id}
    current = action
    while current.predecessor_id and current.predecessor_id not in seen:
        current = db.session.get(Action, current.predecessor_id)
        if current is None:
            break
        seen.add(current.id)
        chain.append(current)
    return chain
