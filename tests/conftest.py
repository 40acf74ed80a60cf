"""Shared fixtures: an app on a fresh database per test (SQLite file, or PostgreSQL when
``TEST_DATABASE_URL`` is set), clients, CLI runner and factories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import event, select, text

from tracker import PROJECT_ROOT, create_app
from tracker.config import database_url_to_sqlalchemy
from tracker.extensions import db
from tracker.seeding import apply_seeds, read_seeds

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
SEEDS_DIR = PROJECT_ROOT / "seeds"


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + POSTGRES_URL if POSTGRES_URL else 'SQLite (per test)'}"


@pytest.fixture(scope="session")
def _postgres_schema():
    """On PostgreSQL: build the schema once; tests then start from truncated tables."""
    if not POSTGRES_URL:
        yield None
        return
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": POSTGRES_URL}
    )
    with app.app_context():
        db.drop_all()
        _drop_alembic_version()
        db.create_all()
        db.engine.dispose()
    yield POSTGRES_URL


def _drop_alembic_version():
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _truncate_all():
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def database_url(tmp_path, _postgres_schema) -> str:
    if _postgres_schema:
        return database_url_to_sqlalchemy(_postgres_schema)
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def make_app(tmp_path, database_url):
    """Build an app on this test's database; extra config overrides the test defaults.
    Each app's connection pool is closed at teardown."""
    apps = []

    def make(**config):
        settings = {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SEEDS_DIR": str(SEEDS_DIR),
        }
        settings.update(config)
        app = create_app(settings, instance_path=str(tmp_path / "instance"))
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    """An app with an empty schema (tables created from the models)."""
    app = make_app()
    with app.app_context():
        if POSTGRES_URL:
            _truncate_all()
        else:
            db.create_all()
        yield app
        db.session.remove()


@pytest.fixture
def seeded_app(app):
    """The app with the real plan loaded from seeds/."""
    apply_seeds(db.session, read_seeds(SEEDS_DIR))
    db.session.commit()
    return app


PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(app):
    """Factory: ``make_user("bijdrager", party="RIEC", municipality="schiedam")``."""
    from tracker.accounts.models import User
    from tracker.accounts.services import hash_password
    from tracker.plan.models import Municipality, Party

    password_hash = hash_password(PASSWORD)  # hashing is slow on purpose: once per test

    def make(role, *, party=None, municipality=None, email=None, name=None, totp_secret=None):
        count = db.session.query(User).count() + 1
        user = User(
            email=email or f"{role}{count}@example.test",
            name=name or f"Test {role.capitalize()} {count}",
            role=role,
            password_hash=password_hash,
        )
        if party:
            user.party = db.session.scalar(select(Party).where(Party.code == party))
        if municipality:
            user.municipality = db.session.scalar(
                select(Municipality).where(Municipality.code == municipality)
            )
        if totp_secret:
            user.totp_secret, user.totp_enabled = totp_secret, True
        db.session.add(user)
        db.session.commit()
        return user

    return make


def login_as(client, user):
    """Put ``user`` into the client's session as Flask-Login would after a full login
    (the login flow itself, with its second step, is tested in test_accounts)."""
    from flask_login.utils import _create_identifier

    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier
    return client


@pytest.fixture
def roles(seeded_app, make_user):
    """One account per role the authorisation rules distinguish. RIEC owns action 4.1;
    Schiedam's aandachtsfunctionaris owns the AF actions and Schiedam's municipal rows."""
    return {
        "lezer": make_user("lezer", party="PH"),
        "bijdrager_eigen": make_user("bijdrager", party="RIEC"),
        "bijdrager_ander": make_user("bijdrager", party="NLA"),
        "af_schiedam": make_user("bijdrager", party="AF", municipality="schiedam"),
        "af_vlaardingen": make_user("bijdrager", party="AF", municipality="vlaardingen"),
        "beheerder": make_user("beheerder", party="VAR"),
    }


@pytest.fixture
def client_for(seeded_app, roles):
    """``client_for("lezer")``: a fresh test client logged in as that role's user;
    ``client_for(None)`` is anonymous."""

    def make(role):
        client = seeded_app.test_client()
        return login_as(client, roles[role]) if role else client

    return make


@pytest.fixture
def client(client_for):
    """A client logged in as a lezer: can read everything, change nothing."""
    return client_for("lezer")


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def count_queries(app):
    """Context manager counting SQL statements sent while it is open."""

    class Counter:
        def __init__(self):
            self.count = 0

        def __enter__(self):
            self.count = 0
            event.listen(db.engine, "before_cursor_execute", self._on_execute)
            return self

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self._on_execute)

        def _on_execute(self, *args, **kwargs):
            self.count += 1

    return Counter()


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """A writable copy of seeds/ to edit in a test."""
    target = tmp_path / "seeds"
    target.mkdir()
    for source in SEEDS_DIR.glob("*.yaml"):
        (target / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def pytest_sessionfinish(session, exitstatus):
    """Under CI a skipped test is a failure: CI installs every tool the suite needs."""
    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; failing the run.", red=True)
        session.exitstatus = 1
