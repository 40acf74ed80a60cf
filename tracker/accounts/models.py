"""Accounts: users with a role, their second factor, login throttling and tokens."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import utcnow
from tracker.extensions import db
from tracker.plan.models import Municipality, Party


class Role(StrEnum):
    ADMIN = "beheerder"
    CONTRIBUTOR = "bijdrager"
    READER = "lezer"

    @property
    def label(self) -> str:
        return {"beheerder": "Beheerder", "bijdrager": "Bijdrager", "lezer": "Lezer"}[self.value]

    @property
    def description(self) -> str:
        """What someone with this role can do, in one sentence (user form and help page)."""
        return ROLE_DESCRIPTIONS[self.value]


ROLE_DESCRIPTIONS = {
    "beheerder": "houdt het plan bij, plant vergaderingen, beheert accounts en kan alles "
    "bijwerken (de secretaris van de VAR).",
    "bijdrager": "meldt voortgang op de acties van de eigen partij en, als "
    "aandachtsfunctionaris, op de acties die iedere gemeente uitvoert.",
    "lezer": "leest alles en maakt rapportages (bijvoorbeeld de portefeuillehouder).",
}


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased, so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    #: The region whose plans, parties and meetings this person sees.
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Part of the session cookie's user id; rotating it ends every session of this user
    #: (logout, password change, deactivation), so a replayed old cookie is refused.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(default=False)
    #: The last TOTP time step accepted: a code is never accepted twice.
    totp_last_counter: Mapped[int | None]
    #: Notification kinds the user turned off, comma separated; empty means all on.
    muted_notifications: Mapped[str] = mapped_column(String(200), default="")
    #: Secret in the personal calendar feed URL; rotating it revokes old subscriptions.
    calendar_token: Mapped[str] = mapped_column(String(64), default=new_session_token, unique=True)
    #: May write the report's texts (a lezer such as the portfolio holder, given the right).
    may_write_report: Mapped[bool] = mapped_column(default=False)
    #: Moved by every save of the account's form (and the CLI's deactivation), so that a
    #: beheerder's form opened before a colleague's save is refused instead of undoing it
    #: (``admin.edit``). Not SQLAlchemy's ``version_id_col``: logins write this row too, and
    #: must not be refused for it.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    party: Mapped[Party | None] = relationship(lazy="joined", foreign_keys=[party_id])
    municipality: Mapped[Municipality | None] = relationship(lazy="joined")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    @property
    def needs_second_factor(self) -> bool:
        """Beheerders always (BIO baseline); others when they switched it on."""
        return self.is_admin or self.totp_enabled

    def wants(self, kind: str) -> bool:
        return kind not in self.muted_notifications.split(",")

    def end_sessions(self) -> None:
        self.session_token = new_session_token()


class RecoveryCode(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class LoginAttempt(db.Model):
    """Every password or code check, and every failed guess of another secret (an API token,
    a calendar link), so throttling holds across worker processes. ``client`` is whose
    budget a login try counts against (see ``services.throttle_reason``)."""

    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    succeeded: Mapped[bool] = mapped_column(default=False)
    #: "login", or the secret guessed: "api" (a bearer token), "agenda" (a calendar link).
    purpose: Mapped[str] = mapped_column(String(16), default="login", server_default="login")
    #: "" (anyone), "apparaat:…" (a known device), "link:…" (after an e-mailed login link),
    #: "sessie:…" (a logged-in session confirming a code on the profile).
    client: Mapped[str] = mapped_column(String(80), default="", server_default="")


class LoginToken(db.Model):
    """A single-use e-mailed token: password reset or one-time login link."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    nonce_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    """A personal API token: shown once, stored as a hash, revocable."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: First characters of the token, so the user can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
