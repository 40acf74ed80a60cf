"""``/api/v1/indicators``: the kerncijfers with their values per year (for Power BI and the
like); routes on the API blueprint, described in its OpenAPI document."""

from __future__ import annotations

from flask import jsonify

from tracker.conditional import conditional
from tracker.figures import services
from tracker.plan import queries


@conditional()
def indicators():
    found = services.all_indicators()
    plan = queries.current_plan()
    plan_id = plan.id if plan is not None else None
    return jsonify(
        {"count": len(found), "indicators": [services.as_data(i, plan_id) for i in found]}
    )
