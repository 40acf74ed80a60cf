"""Flask extensions, created unbound here and bound to the app in ``create_app``."""

import sqlite3

from flask import Flask, request
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

#: Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
mail = Mail()


def init_csrf(app: Flask) -> None:
    """CSRF protection on every request with a method that changes something (POST, PUT,
    PATCH, DELETE), exempt views and blueprints excepted. Flask-WTF's own hook
    (``WTF_CSRF_CHECK_DEFAULT``) runs on every request and since 1.3 looks up the view's
    exemption before it looks at the method, work done on every GET it lets through anyway.
    This hook asks the method first, then the same ``protect`` with the same exemptions."""
    csrf.init_app(app)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def csrf_protect():
        if app.config["WTF_CSRF_ENABLED"] and request.method in app.config["WTF_CSRF_METHODS"]:
            csrf.protect(apply_exemptions=True)


@event.listens_for(Engine, "connect")
def _sqlite_write_ahead_log(dbapi_connection, _record) -> None:
    """SQLite in write-ahead-log mode: readers never wait for a writer, and a commit appends
    to the log instead of rewriting and syncing the database file (each audited report view
    is a write). With ``synchronous=NORMAL`` the file stays consistent on a power cut; only
    the last commits before it can be lost, never on a crash of the app itself."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
