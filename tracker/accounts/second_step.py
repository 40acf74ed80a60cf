"""The second factor: TOTP codes from an authenticator app and one-time recovery codes, each
spent atomically. Pure functions over the session and explicit ``now`` values."""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime

import pyotp
from sqlalchemy import or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from tracker.accounts.models import RecoveryCode, User
from tracker.accounts.services import sha256
from tracker.extensions import db

RECOVERY_CODE_COUNT = 10
TOTP_ISSUER = "Actieplan Mensenhandel"


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def matching_totp_counter(secret: str, code: str, now: datetime, last_counter: int | None):
    """The time step ``code`` belongs to at ``now`` (naive UTC; one step of clock drift
    allowed), or None. A step at or before ``last_counter`` is refused: a code works once."""
    code = "".join((code or "").split())
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now.replace(tzinfo=UTC))  # pyotp reads a naive time as local
    for counter in (current - 1, current, current + 1):
        if last_counter is not None and counter <= last_counter:
            continue
        if hmac.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


def _spend_totp_counter(user: User, counter: int) -> bool:
    """Record ``counter`` as used unless this or a later step already was, in one
    conditional UPDATE: of parallel requests with the same code only one wins."""
    result = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_counter.is_(None), User.totp_last_counter < counter),
        )
        .values(totp_last_counter=counter)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_counter", counter)
    return True


def _spend_recovery_code(user: User, code: str, now: datetime) -> bool:
    normalised = "".join((code or "").split()).replace("-", "").lower()
    if len(normalised) != 10:
        return False
    result = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == sha256(normalised),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def verify_second_factor(user: User, code: str, now: datetime) -> bool:
    """Accept a fresh TOTP code or an unused recovery code, spending it atomically: a code
    replayed in parallel requests logs in once."""
    counter = matching_totp_counter(user.totp_secret or "", code, now, user.totp_last_counter)
    if user.totp_secret and counter is not None:
        return _spend_totp_counter(user, counter)
    return _spend_recovery_code(user, code, now)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; returns the plain codes to show once."""
    for old in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(old)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=sha256(code)))
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def enable_totp(user: User, secret: str, code: str, now: datetime) -> bool:
    """Switch on TOTP with a new ``secret`` once ``code`` proves the app has it. Refused when
    the account already has a second factor: replacing it goes through ``replace_totp``."""
    counter = matching_totp_counter(secret, code, now, None)
    if counter is None or user.totp_enabled:
        return False
    user.totp_secret = secret
    user.totp_enabled = True
    user.totp_last_counter = counter
    return True


def replace_totp(
    user: User, current_code: str, secret: str, new_code: str, now
) -> tuple[str, str] | None:
    """Move the account to a new authenticator app. Needs the current second factor (a code
    from the old app or a recovery code) and a code from the new one. Returns the form field
    and a Dutch message when refused, else None."""
    if matching_totp_counter(secret, new_code, now, None) is None:
        return (
            "new_code",
            "De code uit de nieuwe app klopt niet. Controleer de tijd op uw telefoon.",
        )
    if not verify_second_factor(user, current_code, now):
        return "current_code", "De huidige code (of herstelcode) klopt niet of is al gebruikt."
    user.totp_secret = secret
    user.totp_last_counter = matching_totp_counter(secret, new_code, now, None)
    return None


def disable_totp(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_counter = None
    for old in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(old)
