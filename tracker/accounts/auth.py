"""Who is asking: session and API-token authentication, the login wall, and role checks."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, jsonify, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select
from werkzeug.exceptions import TooManyRequests

from tracker.accounts.membership import party_ids_of
from tracker.accounts.models import Role, User
from tracker.accounts.services import guessing_blocked, record_wrong_guess, user_for_api_token
from tracker.dates import utcnow
from tracker.extensions import db, login_manager
from tracker.plan.models import AF_PARTY

#: Endpoints anyone may open without logging in.
PUBLIC_ENDPOINTS = {
    "static",
    "accounts.login",
    "accounts.second_factor",
    "accounts.second_factor_setup",
    "accounts.setup",
    "accounts.forgot_password",
    "accounts.reset_password",
    "accounts.request_login_link",
    "accounts.use_login_link",
    # The public progress page, when a beheerder opened it (404 otherwise): chosen texts only.
    "public.page",
    "public.municipality",
    "public.data_json",
    "public.data_csv",
    # Monitoring and the container's health check: says nothing beyond "up" and a tick age.
    "health.healthz",
    # Calendar clients cannot log in: these are protected by the secret token in the URL.
    "meetings.personal_feed",
    "meetings.series_feed",
}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The cookie carries ``id:session_token``; a rotated token ends the session."""
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    user = db.session.scalar(_USER_BY_ID, {"id": int(raw_id)})
    if user is None or user.session_token != token or not user.is_enabled:
        return None
    return user


#: Built once: every request reads its user (``session.get`` builds its statement anew).
_USER_BY_ID = select(User).where(User.id == bindparam("id"))


@login_manager.request_loader
def load_user_from_token(req) -> User | None:
    """``Authorization: Bearer <token>`` on the JSON API only."""
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.lower().startswith("bearer "):
        return None
    now = utcnow()
    refuse_guessers("api", now)
    user = user_for_api_token(header[7:].strip(), now)
    if user is None:
        record_wrong_guess("api", req.remote_addr or "onbekend", now)
        return None
    db.session.commit()  # keeps last_used_at
    return user


def refuse_guessers(purpose: str, now) -> None:
    """429 without even checking, when this address guessed wrong too often lately."""
    if guessing_blocked(purpose, request.remote_addr or "onbekend", now, current_app.config):
        minutes = current_app.config["LOGIN_LOCKOUT_MINUTES"]
        raise TooManyRequests(
            f"Te veel onjuiste sleutels vanaf dit adres; probeer het over {minutes} minuten "
            "opnieuw.",
            retry_after=minutes * 60,
        )


@login_manager.unauthorized_handler
def unauthorized():
    if request.path.startswith("/api/"):
        return jsonify({"error": {"status": 401, "message": "Inloggen vereist."}}), 401
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def require_login():
    """Before every request: everything but the public endpoints needs a logged-in user."""
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def safe_next(target: str | None) -> str | None:
    """Only paths on this site: no scheme, no host, no protocol-relative ``//``."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return None  # CR/LF would split the Location header
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return None
    return target


def may_report_in(user: User, plan) -> bool:
    """Whether ``user`` reports on actions of ``plan`` at all: beheerders and bijdragers, on
    the current plan only (an archived plan is history, a draft has none yet)."""
    if not user.is_authenticated or not plan.is_current:
        return False
    return user.is_admin or user.role == Role.CONTRIBUTOR.value


def can_report_on(user: User, action, party_ids: set[int] | None = None) -> bool:
    """Whether ``user`` reports progress on ``action`` (``may_report_in`` its plan). Beheerder:
    every action. Bijdrager: actions one of their parties owns, or whose free-text owner a
    beheerder linked to them or their party: those of ``membership.owned_action_ids``. Who
    may also move the status and signal is ``may_set_status``. A page that asks for many
    actions passes the user's ``party_ids`` (``membership.party_ids_of``), read once."""
    if not may_report_in(user, action.theme.plan):
        return False
    if user.is_admin:
        return True
    mine = party_ids_of(user) if party_ids is None else party_ids
    for owner in action.owners:
        if owner.party_id in mine:
            return True
        # Only a free-text owner has links (so a party owner never loads them).
        if owner.party_id is None and any(
            link.user_id == user.id or link.party_id in mine for link in owner.links
        ):
            return True
    return False


def _deciding_party(action):
    """The party whose people set a regional action's status: its lead, unless that is the
    aandachtsfunctionarissen themselves (then only beheerders do)."""
    lead = action.lead_owner
    if lead is None or lead.party is None or lead.party.code == AF_PARTY:
        return None
    return lead.party


def may_set_status(user: User, action, party_ids: set[int] | None = None) -> bool:
    """Who moves an action's status and signal: whoever reports on it, except on a regional
    action (``Action.is_regional``), where one aandachtsfunctionaris of 23 does not decide
    for the region: there the people of its deciding party and beheerders do; the others
    add their text."""
    mine = party_ids_of(user) if party_ids is None and not user.is_admin else party_ids
    if not can_report_on(user, action, mine):
        return False
    if user.is_admin or not action.is_regional:
        return True
    deciding = _deciding_party(action)
    return deciding is not None and deciding.id in mine


def status_setters(action) -> str:
    """Who sets a regional action's status and signal, in words ("VAR (trekker) of de
    beheerder")."""
    deciding = _deciding_party(action)
    return f"{deciding.short_name} (trekker) of de beheerder" if deciding else "de beheerder"


def regional_status_message(action) -> str:
    """Why someone who reports on a regional action cannot change its status or signal."""
    message = (
        f"Actie {action.code} voert de regio samen uit: de status en het signaal zet "
        f"{status_setters(action)}. Uw tekst kunt u wel toevoegen; laat de status en het "
        "signaal zoals ze zijn."
    )
    if action.is_per_municipality:
        message += (
            " De stand van uw gemeente vult u in bij de gemeenten (in Excel: het blad Gemeenten)."
        )
    return message


def can_edit_municipality(user: User, municipality_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_admin or (
        user.role == Role.CONTRIBUTOR.value and user.municipality_id == municipality_id
    )


def register_auth(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    app.before_request(require_login)
    app.jinja_env.globals["status_setters"] = status_setters
