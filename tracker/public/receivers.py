"""The public page listens to the plan: adopting the next plan keeps the page as the region
left it. Without this the page closed (404 for every visitor) on the day the next plan was
adopted, since a plan's publication is its own. The new plan takes the current one's
publication (open or closed, the kerncijfers and borging items shown), and each carried-over
action with its text unchanged takes its predecessor's approved public line; an action with
a new text waits for a new line. ``create_app`` connects these once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from tracker.extensions import db
from tracker.plan import signals as plan_signals
from tracker.plan.models import Action, Plan, Theme
from tracker.public.models import Publication, PublicLine


def _carried(plan: Plan) -> tuple[Publication | None, list[tuple[int, PublicLine]]]:
    """The publication of the plan ``plan`` replaces (unless ``plan`` has its own), and per
    carried action with an unchanged text its id and its predecessor's approved line."""
    replaced = db.session.scalar(
        select(Publication)
        .join(Plan, Plan.id == Publication.plan_id)
        .where(Plan.region_id == plan.region_id, Plan.is_current, Plan.id != plan.id)
    )
    own = db.session.scalar(select(Publication.id).where(Publication.plan_id == plan.id))
    if replaced is None or own is not None:
        return None, []
    before = aliased(Action)
    lines = db.session.execute(
        select(Action.id, PublicLine)
        .join(Action.theme)
        .join(before, before.id == Action.predecessor_id)
        .join(PublicLine, PublicLine.action_id == before.id)
        .where(Theme.plan_id == plan.id, Action.text == before.text, PublicLine.text != "")
        .order_by(Action.id)
    ).all()
    return replaced, [(action_id, line) for action_id, line in lines]


def _names(publication: Publication, lines: list) -> list[str]:
    state = "open" if publication.is_open else "gesloten"
    names = [f"de openbare pagina ({state}, met de gekozen kerncijfers en borging)"]
    if lines:
        names.append(
            f"de openbare regel{'s' if len(lines) != 1 else ''} van {len(lines)} "
            f"{'acties' if len(lines) != 1 else 'actie'} met dezelfde tekst"
        )
    return names


def _to_move(plan: Plan) -> list[str]:
    publication, lines = _carried(plan)
    return _names(publication, lines) if publication is not None else []


def _carry_publication(plan: Plan, successors: dict[int, int]) -> list[str]:
    publication, lines = _carried(plan)
    if publication is None:
        return []
    db.session.add(
        Publication(
            plan_id=plan.id,
            is_open=publication.is_open,
            figures=list(publication.figures),
            borging_items=list(publication.borging_items),
            updated_by_id=publication.updated_by_id,
        )
    )
    for action_id, line in lines:
        db.session.add(
            PublicLine(
                action_id=action_id,
                text=line.text,
                approved_at=line.approved_at,
                approved_by_id=line.approved_by_id,
            )
        )
    return _names(publication, lines)


def connect_receivers() -> None:
    plan_signals.publishing_asked.connect(_to_move)
    plan_signals.plan_published.connect(_carry_publication)
