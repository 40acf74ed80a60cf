"""Account logic: passwords, throttling, e-mailed tokens, API tokens (the second factor is
``second_step``).

Pure functions over the session and explicit ``now`` values, so tests control time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.accounts.models import (
    ApiToken,
    LoginAttempt,
    LoginToken,
    User,
)
from tracker.dates import utcnow
from tracker.extensions import db

MIN_PASSWORD_LENGTH = 12
API_TOKEN_PREFIX = "amt_"  # noqa: S105 - a visible prefix, not a secret


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# Passwords ----------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """werkzeug's default KDF (scrypt)."""
    return generate_password_hash(password)


#: A part of the e-mail address before the @ shorter than this ("af@…", "j@…") stands in
#: too many words to refuse every password holding it.
MIN_OWN_NAME_LENGTH = 4


def password_problem(password: str, email: str = "") -> str | None:
    """A Dutch message when the password is too weak, else None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens."
    address = normalise_email(email)
    name = address.partition("@")[0]
    if address and (
        address in password.lower()
        or (len(name) >= MIN_OWN_NAME_LENGTH and name in password.lower())
    ):
        return (
            "Het wachtwoord mag uw e-mailadres niet bevatten, ook niet het deel vóór de @ "
            f"({name})."
        )
    if len(set(password)) < 5:
        return "Het wachtwoord is te eenvoudig; gebruik meer verschillende tekens."
    return None


def set_password(user: User, password: str) -> None:
    """Set a new password and end every session the user had."""
    user.password_hash = hash_password(password)
    user.end_sessions()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# Throttling ---------------------------------------------------------------------------------


def begin_login_attempt(email: str, address: str, now: datetime, client: str = "") -> LoginAttempt:
    """Add the attempt as a failure, to be committed *before* the password or code is
    checked: counted after that commit, parallel tries see each other, so of 30 simultaneous
    wrong passwords at most the allowed number get as far as a password check."""
    attempt = LoginAttempt(
        email=normalise_email(email), address=address, succeeded=False, at=now, client=client
    )
    db.session.add(attempt)
    return attempt


def throttle_reason(
    email: str, address: str, now: datetime, config, client: str = ""
) -> str | None:
    """Why a login try must be refused now (too many recent failures), else None.

    Call after ``begin_login_attempt``: the counts include this try and every one in flight.
    Throttle the attacker, not the owner (OWASP's device cookies): a try counts against the
    budget of its ``client``. A browser that logged in to the account before (a known
    device), a login that began with an e-mailed link and a logged-in session each have a
    budget of their own per account; every other client shares one, and the per-address
    limit applies to those only. So failures by someone else never block the owner's own
    browser, login link or recovery code."""
    since = now - timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])
    failures = select(func.count(LoginAttempt.id)).where(
        LoginAttempt.at >= since,
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.purpose == "login",
        LoginAttempt.client == client,
    )
    over_account = (
        db.session.scalar(failures.where(LoginAttempt.email == normalise_email(email)))
        > config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    )
    over_address = not client and (
        db.session.scalar(failures.where(LoginAttempt.address == address))
        > config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    )
    if over_account or over_address:
        minutes = config["LOGIN_LOCKOUT_MINUTES"]
        return (
            "Te veel mislukte inlogpogingen. Om misbruik te voorkomen kunt u het over "
            f"{minutes} minuten opnieuw proberen, of een inloglink per e-mail aanvragen."
        )
    return None


def guessing_blocked(purpose: str, address: str, now: datetime, config) -> bool:
    """Whether ``address`` made too many wrong guesses at a secret of this ``purpose`` (an
    API token, a calendar link) lately: then no guess of it is even checked. Counted
    before the check and written after a wrong one, so parallel guesses can pass the count
    together: at most the limit plus the server's threads."""
    since = now - timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])
    wrong = db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.at >= since,
            LoginAttempt.purpose == purpose,
            LoginAttempt.address == address,
        )
    )
    return wrong >= config["GUESSES_PER_ADDRESS"]


def record_wrong_guess(purpose: str, address: str, now: datetime) -> None:
    db.session.add(
        LoginAttempt(email="", address=address, at=now, succeeded=False, purpose=purpose)
    )
    db.session.commit()


def forget_attempt(attempt: LoginAttempt) -> None:
    """A refused (throttled) try is not a failed password: it does not extend the lockout."""
    db.session.delete(attempt)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password. Hashes even for unknown addresses, so
    timing does not reveal which addresses have an account."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_enabled:
        return None
    return user


_DUMMY_HASH = generate_password_hash("not-a-real-password")


# E-mailed single-use tokens -----------------------------------------------------------------


def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"login-token:{purpose}")


def issue_login_token(user: User, purpose: str, lifetime: timedelta, secret_key: str) -> str:
    """A signed token naming a database row; the row makes it single-use and revocable."""
    nonce = secrets.token_urlsafe(24)
    now = utcnow()
    row = LoginToken(
        user_id=user.id,
        purpose=purpose,
        nonce_hash=sha256(nonce),
        created_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(row)
    db.session.flush()
    return _serializer(secret_key, purpose).dumps({"t": row.id, "n": nonce})


def _valid_login_token(token: str, purpose: str, max_age: timedelta, secret_key: str, now):
    """The unused, unexpired token row of an enabled user that ``token`` names, else None."""
    try:
        payload = _serializer(secret_key, purpose).loads(
            token, max_age=int(max_age.total_seconds())
        )
    except (BadSignature, SignatureExpired):
        return None
    row = db.session.get(LoginToken, payload.get("t")) if isinstance(payload, dict) else None
    if (
        row is None
        or row.purpose != purpose
        or row.used_at is not None
        or row.expires_at < now
        or not hmac.compare_digest(row.nonce_hash, sha256(str(payload.get("n"))))
        or not row.user.is_enabled
    ):
        return None
    return row


def is_login_token_valid(token: str, purpose: str, max_age, secret_key: str, now) -> bool:
    """Whether the token would be accepted, without spending it (for the confirm page)."""
    return _valid_login_token(token, purpose, max_age, secret_key, now) is not None


def redeem_login_token(token: str, purpose: str, max_age, secret_key: str, now) -> User | None:
    """The token's user, spending the token; None when forged, expired, used or revoked."""
    row = _valid_login_token(token, purpose, max_age, secret_key, now)
    if row is None:
        return None
    spent = db.session.execute(
        update(LoginToken)
        .where(LoginToken.id == row.id, LoginToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        return None  # a parallel request spent it first
    # Every other open link of the same kind dies with it (an older reset mail stops working).
    db.session.execute(
        update(LoginToken)
        .where(
            LoginToken.user_id == row.user_id,
            LoginToken.purpose == purpose,
            LoginToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(row, "used_at", now)
    return row.user


def recent_link_count(user: User, since: datetime) -> int:
    """E-mailed links (reset and login) issued to ``user`` since ``since``."""
    return db.session.scalar(
        select(func.count(LoginToken.id)).where(
            LoginToken.user_id == user.id, LoginToken.created_at >= since
        )
    )


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


# API tokens ---------------------------------------------------------------------------------


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    plain = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=sha256(plain), prefix=plain[:10])
    db.session.add(token)
    return token, plain


def user_for_api_token(plain: str, now: datetime) -> User | None:
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == sha256(plain), ApiToken.revoked_at.is_(None))
    )
    if token is None or not token.user.is_enabled:
        return None
    token.last_used_at = now
    return token.user
