"""Configuration: defaults, then ``instance/config.py``, then the environment.

Nothing here is read at import time; ``load_config`` is called by the app factory.
"""

import os
import secrets
from pathlib import Path

from flask import Flask

from tracker.files import private_dir, write_private

DEFAULTS = {
    "TIMEZONE": "Europe/Amsterdam",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # Uploads (.xlsx, .ics) larger than this are refused before they are read.
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0: none).
    "TRUSTED_PROXIES": 0,
    # Sessions: HttpOnly and SameSite=Lax always; Secure is switched on behind HTTPS.
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "WTF_CSRF_TIME_LIMIT": None,
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    # The tracker's public address for links in e-mails and feeds (see tracker/urls.py).
    # Production sets it; unset, links follow the address of the request.
    "BASE_URL": "",
    "MAIL_DEFAULT_SENDER": "Actieplan Mensenhandel <noreply@tracker.invalid>",
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "LOGIN_LOCKOUT_MINUTES": 15,
    # Wrong API tokens or calendar links from one address within the lockout window.
    "GUESSES_PER_ADDRESS": 20,
    "LOGIN_LINK_MINUTES": 30,
    "PASSWORD_RESET_MINUTES": 60,
    "INVITATION_DAYS": 7,
    # Password-reset and login-link e-mails per account per hour; more requests send nothing.
    "LINK_MAILS_PER_HOUR": 3,
    # "Update due" on Mijn acties: no progress update for this many days.
    "UPDATE_DUE_DAYS": 90,
    # Reminders "N days before" go out at this local time (Europe/Amsterdam) on that day.
    "REMINDER_TIME": "09:00",
    #: Days before an actiepunt's due date that its owners get a reminder.
    "FOLLOW_UP_REMINDER_DAYS": 7,
    #: Meeting e-mail only on working days 08:00-18:00 local time (tracker/notifications/civil.py).
    "CIVIL_HOURS": True,
    "MAIL_TIMEOUT": 30,
    # The scheduler's tick interval, and whether `flask serve` runs it in-process.
    "SCHEDULER_INTERVAL_SECONDS": 60,
}


def database_url_to_sqlalchemy(url: str) -> str:
    """Map a ``DATABASE_URL`` as hosting platforms hand it out to a SQLAlchemy URL.

    ``postgres://`` and ``postgresql://`` select the psycopg 3 driver, which is the one installed.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret_key(instance_path: Path) -> str:
    """Read the secret key from the instance folder, generating it on first start."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        write_private(key_file, secrets.token_hex(32).encode())
    key_file.chmod(0o600)
    return key_file.read_text().strip()


def _private_sqlite_file(uri: str) -> None:
    """Create the SQLite database file as 0600 before SQLite would create it with the umask;
    SQLite gives its journal files the same mode."""
    if not uri.startswith("sqlite:///") or uri == "sqlite:///:memory:":
        return
    path = Path(uri.removeprefix("sqlite:///"))
    if path.parent.is_dir():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        path.chmod(0o600)


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` in order: defaults, instance file, environment, test overrides."""
    instance_path = Path(app.instance_path)
    private_dir(instance_path)  # database, secret key, uploads and mail: the owner's only

    app.config.from_mapping(DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance_path / 'tracker.db'}"
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("FLASK")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.from_mapping(test_config)

    app.config["SQLALCHEMY_DATABASE_URI"] = database_url_to_sqlalchemy(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    _private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["BASE_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(instance_path)
