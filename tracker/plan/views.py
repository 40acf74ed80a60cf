"""Pages to read the plan: its themes and the action list (and the helpers every page that
shows the plan uses)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, make_response, render_template, request, url_for

from tracker.dates import today_local
from tracker.plan import queries

bp = Blueprint("plan", __name__)


def require_plan():
    """The current plan, or a friendly 503 page saying how to load it."""
    plan = queries.current_plan()
    if plan is None:
        abort(make_response(render_template("plan/empty.html"), 503))
    return plan


def local_today():
    return today_local(current_app.config["TIMEZONE"])


@bp.get("/themas/<int:number>")
def theme(number: int):
    """One theme: its introduction and its actions."""
    plan = require_plan()
    theme = queries.get_theme(plan, number)
    if theme is None:
        abort(404)
    actions = queries.find_actions(plan, queries.ActionFilter(theme=number))
    return render_template(
        "plan/theme.html", plan=plan, theme=theme, actions=actions, today=local_today()
    )


@dataclass(frozen=True)
class Sorting:
    """The list's current order and links to re-sort it, keeping the filters."""

    current: queries.ActionFilter
    args: dict

    def url(self, key: str) -> str:
        flip = self.current.sort == key and not self.current.descending
        args = self.args | {"sorteer": key, "richting": "af" if flip else "op"}
        return url_for("plan.actions", **args)


@bp.get("/acties")
def actions():
    """All actions, filtered by query parameters so a filtered view can be bookmarked."""
    plan = require_plan()
    errors, status = {}, 200
    try:
        action_filter = queries.parse_action_filter(request.args, plan)
    except queries.FilterError as exc:
        errors, status = exc.errors, 400
        action_filter = queries.ActionFilter()
    found = [] if errors else queries.find_actions(plan, action_filter)
    return (
        render_template(
            "plan/actions.html",
            plan=plan,
            actions=found,
            action_filter=action_filter,
            errors=errors,
            args=request.args,
            parties=queries.party_choices(),
            years=range(plan.start_year, plan.end_year + 1),
            today=local_today(),
            sorting=Sorting(action_filter, request.args.to_dict()),
        ),
        status,
    )
