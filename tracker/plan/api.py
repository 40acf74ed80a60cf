"""Read-only JSON API (``/api/v1``) over the plan, with an OpenAPI description."""

from __future__ import annotations

from flask import jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from tracker.conditional import conditional
from tracker.plan import queries
from tracker.plan.filters import NAMING_PARAMETERS, ActionFilterForm
from tracker.plan.models import Theme
from tracker.plan.openapi import openapi_document
from tracker.plan.rows import ActionRow


def _error(status: int, message: str, details: dict | None = None):
    body = {"error": {"status": status, "message": message}}
    if details:
        body["error"]["details"] = details
    return jsonify(body), status


def http_error(exc: HTTPException):
    """Every HTTP error of the API as JSON."""
    body, status = _error(exc.code or 500, exc.description or exc.name)
    # What the exception says beyond its body (Allow on a 405, Retry-After on a 429).
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    return body, status, headers


def _plan_or_error():
    plan = queries.current_plan()
    if plan is None:
        return None, _error(503, "Er is nog geen actieplan geladen.")
    return plan, None


def theme_json(theme: Theme, action_count: int) -> dict:
    return {
        "number": theme.number,
        "title": theme.title,
        "introduction": theme.introduction,
        "action_count": action_count,
    }


def action_json(action: ActionRow) -> dict:
    schedule = action.schedule
    return {
        "code": action.code,
        "theme": action.theme_number,
        "number": action.number,
        "text": action.text,
        "planning": action.planning,
        "schedule": {
            "kind": schedule.kind.value,
            "times_per_year": schedule.times_per_year,
            "season": schedule.season,
            "starts": schedule.starts_on.isoformat() if schedule.starts_on else None,
            "due": schedule.due_on.isoformat() if schedule.due_on else None,
        },
        "owners_text": action.owners_text,
        "owners": [
            {
                "party": owner.party_code,
                "name": owner.display_name,
                "role": owner.role,
                "lead": owner.is_lead,
            }
            for owner in action.owners
        ],
        "per_municipality": action.is_per_municipality,
        "status": action.status,
        "signal": action.signal,
        "last_update_at": action.last_update_at.isoformat() + "Z"
        if action.last_update_at
        else None,
    }


@conditional()
def themes():
    """The current plan's themes with their number of actions."""
    plan, error = _plan_or_error()
    if error:
        return error
    counts = queries.action_counts_by_theme(plan)
    return jsonify(
        {
            "plan": {"title": plan.title, "region": plan.region, "period": plan.period},
            "themes": [theme_json(theme, counts.get(theme.id, 0)) for theme in plan.themes],
        }
    )


@conditional()
def actions():
    """The current plan's actions, a page at a time (``page``, ``per_page`` up to 500;
    ``count`` is the total); accepts the filters of ``/acties``."""
    plan, error = _plan_or_error()
    if error:
        return error
    form = ActionFilterForm(request.args)
    if problems := form.problems():
        # A well-formed name of something that does not exist (a party) is not found.
        status = 404 if set(problems) <= NAMING_PARAMETERS else 400
        return _error(status, "Ongeldige filter.", problems)
    page = queries.page_of_actions(plan, form.action_filter(), request.args)
    links = {"self": url_for("api.actions", **(request.args.to_dict() | {"page": page.page}))}
    if page.has_next:
        links["next"] = url_for("api.actions", **(request.args.to_dict() | {"page": page.next_num}))
    if page.has_prev:
        links["prev"] = url_for("api.actions", **(request.args.to_dict() | {"page": page.prev_num}))
    return jsonify(
        {
            "count": page.total,
            "page": page.page,
            "pages": page.pages,
            "per_page": page.per_page,
            "links": links,
            "actions": [action_json(a) for a in page.items],
        }
    )


@conditional()
def action(code: str):
    """One action by its code, e.g. ``3.14``."""
    plan, error = _plan_or_error()
    if error:
        return error
    found = queries.get_action_row(plan, code)
    if found is None:
        return _error(404, f"Actie '{code[:20]}' bestaat niet in dit plan.")
    return jsonify(action_json(found))


@conditional(period=None)
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())
