"""Known devices: a signed cookie saying "this browser has logged in to this account".

OWASP's answer to lockout as a denial of service: failures from one address (or from a
reverse proxy every user shares) must not stop someone whose own browser has logged in to
their own account before. The cookie names the account and is signed with the app's secret
key, so it cannot be forged or moved to another account; it grants nothing by itself.
"""

from __future__ import annotations

import hashlib

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


def client_key(email: str) -> str:
    """The login-throttling client of this request for ``email``: its own budget when the
    browser logged in to that account before ("apparaat:" and a digest of its cookie), else
    "" (the budget every unknown client shares)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return ""
    try:
        remembered = _serializer().loads(raw, max_age=MAX_AGE_DAYS * 86400)
    except BadSignature:
        return ""
    if remembered != (email or "").strip().lower():
        return ""
    return "apparaat:" + hashlib.sha256(raw.encode()).hexdigest()[:32]
