"""The role check every feature's pages use. It reads only the logged-in user, so any
package can use it without depending on the accounts package."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user


def admin_required(view):
    """Beheerders only: everyone else gets 403 (the login wall handles anonymous users)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
