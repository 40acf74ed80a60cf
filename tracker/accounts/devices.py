"""Known devices: a signed cookie saying "this browser has logged in to this account".

OWASP's answer to lockout as a denial of service: failures from one address (or from a
reverse proxy every user shares) must not stop someone whose own browser has logged in to
their own account before. The cookie names the account and is signed with the app's secret
key, so it cannot be forged or moved to another account; it grants nothing by itself.
"""

from __future__ import annotations

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from tracker.accounts.models import User

COOKIE = "bekend_apparaat"
MAX_AGE_DAYS = 180


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def remember(response: Response, user: User) -> None:
    response.set_cookie(
        COOKIE,
        _serializer().dumps(user.email),
        max_age=MAX_AGE_DAYS * 86400,
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite="Lax",
    )


def is_known(email: str) -> bool:
    """Whether this request comes from a browser that logged in to ``email`` before."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return False
    try:
        remembered = _serializer().loads(raw, max_age=MAX_AGE_DAYS * 86400)
    except BadSignature:
        return False
    return remembered == (email or "").strip().lower()
