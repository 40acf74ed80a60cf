"""``/hulp``: how the tracker works, per role (the reader's own role first)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from tracker.accounts.models import Role

bp = Blueprint("help", __name__)


@bp.get("/hulp")
def index():
    own = Role(current_user.role)
    return render_template(
        "help/index.html",
        own_role=own,
        roles=[own, *(role for role in Role if role is not own)],
        due_days=current_app.config["UPDATE_DUE_DAYS"],
    )
