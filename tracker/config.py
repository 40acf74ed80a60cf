"""Configuration: defaults, then ``instance/config.py``, then the environment.

Nothing here is read at import time; ``load_config`` is called by the app factory.
"""

import os
import secrets
from pathlib import Path

from flask import Flask

DEFAULTS = {
    "TIMEZONE": "Europe/Amsterdam",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "JSON_SORT_KEYS": False,
    # Sessions: HttpOnly and SameSite=Lax always; Secure is switched on behind HTTPS.
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "WTF_CSRF_TIME_LIMIT": None,
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    # Links in e-mails are built from this, never from the request's Host header.
    "BASE_URL": "http://127.0.0.1:5000",
    "MAIL_DEFAULT_SENDER": "Actieplan Mensenhandel <noreply@tracker.invalid>",
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "LOGIN_LOCKOUT_MINUTES": 15,
    "LOGIN_LINK_MINUTES": 30,
    "PASSWORD_RESET_MINUTES": 60,
    "INVITATION_DAYS": 7,
    # "Update due" on Mijn acties: no progress update for this many days.
    "UPDATE_DUE_DAYS": 90,
    # Reminders "N days before" go out at this local time (Europe/Amsterdam) on that day.
    "REMINDER_TIME": "09:00",
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
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` in order: defaults, instance file, environment, test overrides."""
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)

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
    if app.config["BASE_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(instance_path)
