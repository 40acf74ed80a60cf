"""Shared fixtures: an app on a fresh database per test (SQLite file, or PostgreSQL when
``TEST_DATABASE_URL`` is set), clients, CLI runner and factories."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import g
from sqlalchemy import event, select, text, update

from tracker import PROJECT_ROOT, create_app
from tracker.config import database_url_to_sqlalchemy
from tracker.extensions import db
from tracker.plan.models import Action
from tracker.seeding import apply_seeds, read_seeds


def _worker_database(url: str | None) -> str | None:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (the suite
    empties the tables between tests): ``<name>_gw0``, ``<name>_gw1``…, created when
    missing. A test database commits without waiting for its WAL to reach the disk
    (``synchronous_commit = off``): a test commits a dozen times, and nothing in it has to
    survive a crash of the server."""
    if not url:
        return url
    import psycopg

    base, _, name = url.rpartition("/")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    own = f"{name}_{worker}" if worker else name
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (own,)).fetchone():
            conn.execute(f'CREATE DATABASE "{own}"')
        conn.execute(f'ALTER DATABASE "{own}" SET synchronous_commit = off')
    return f"{base}/{own}"


POSTGRES_URL = _worker_database(os.environ.get("TEST_DATABASE_URL"))
SEEDS_DIR = PROJECT_ROOT / "seeds"


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + POSTGRES_URL if POSTGRES_URL else 'SQLite (per test)'}"


@pytest.fixture(scope="session", autouse=True)
def _test_clock():
    """``TEST_CLOCK=2027-06-01 ./dev test`` runs the suite as if it were that day (CI does,
    after the plan period, so a test that plans on a fixed date shows itself), on a server
    whose clock is set to Dutch time: the zone travels along (``TZ=Europe/Amsterdam``), so
    code that reads a naive time as the server's local time shows itself too."""
    value = os.environ.get("TEST_CLOCK")
    if not value:
        yield
        return
    moment = datetime.fromisoformat(value).replace(tzinfo=ZoneInfo("Europe/Amsterdam"))
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def _privacy_lists():
    """The privacy guard's name lists, loaded once per test process before any test: not in
    whichever test happens to check a text first (and is then seconds slower)."""
    from tracker.privacy import names

    names.load()


@pytest.fixture(scope="session")
def _postgres_schema():
    """On PostgreSQL: build the schema once; tests then start from emptied tables."""
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


@pytest.fixture(scope="session")
def _postgres_seeded_rows(_postgres_schema, seed_data, tmp_path_factory):
    """On PostgreSQL: the seeded plan's rows per table, seeded and read once per run; a
    seeded test inserts them again (as a SQLite test copies the seeded file) instead of
    seeding through the ORM, a fifth of a second per test."""
    if not _postgres_schema:
        return None
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": _postgres_schema},
        instance_path=str(tmp_path_factory.mktemp("seeded-instance")),
    )
    with app.app_context():
        _empty_all_tables()
        _seed(seed_data)
        with db.engine.connect() as conn:
            rows = {
                table: conn.execute(table.select()).mappings().all()
                for table in db.metadata.sorted_tables
            }
        _empty_all_tables()  # left empty, whichever fixture runs next
        db.session.remove()
        db.engine.dispose()
    return {table: [dict(row) for row in found] for table, found in rows.items() if found}


def _insert_seeded_rows(rows: dict) -> None:
    """The seeded rows into emptied tables, each table's id sequence moved past them."""
    with db.engine.begin() as conn:
        for table, table_rows in rows.items():
            conn.execute(table.insert(), table_rows)
            if "id" in table.c:  # pg_get_serial_sequence is NULL where id has no sequence
                conn.execute(
                    text("SELECT setval(pg_get_serial_sequence(:name, 'id'), :last)"),
                    {"name": f'"{table.name}"', "last": max(row["id"] for row in table_rows)},
                )


def _drop_alembic_version():
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _empty_all_tables():
    """Every table emptied and every id sequence back at 1: one DELETE per table, children
    first (on tables this small a ninth of what one TRUNCATE of them all costs)."""
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        conn.execute(text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"))


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
        # Tests hold an app context open (for db.session), and requests reuse it; clear ``g``
        # after each request as a fresh context would, so no user or CSRF token leaks across.
        app.teardown_request(lambda exc: g.__dict__.clear())
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def seed_data():
    """The seed files, read and validated once per run."""
    return read_seeds(SEEDS_DIR)


#: The tests' tracker has followed the plan since it began, so "lang niet bijgewerkt" counts
#: from the last update alone (tests of the fair light set ``tracked_since`` themselves).
TRACKED_SINCE = datetime(2024, 1, 1)


def _seed(seed_data) -> None:
    apply_seeds(db.session, seed_data)
    db.session.flush()
    db.session.execute(update(Action).values(tracked_since=TRACKED_SINCE))
    db.session.commit()


@pytest.fixture(scope="session")
def _sqlite_templates(tmp_path_factory, seed_data):
    """SQLite files built once per run (empty schema; seeded plan) that each test copies."""
    if POSTGRES_URL:
        return None
    folder = tmp_path_factory.mktemp("templates")
    paths = {"empty": folder / "empty.db", "seeded": folder / "seeded.db"}
    for name, path in paths.items():
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"},
            instance_path=str(folder / "instance"),
        )
        with app.app_context():
            db.create_all()
            if name == "seeded":
                _seed(seed_data)
            db.session.remove()
            db.engine.dispose()
    return paths


def _use_sqlite_template(app, template: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    target = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    shutil.copyfile(template, target)


@pytest.fixture
def app(make_app, _sqlite_templates):
    """An app with an empty schema (tables created from the models)."""
    app = make_app()
    with app.app_context():
        if POSTGRES_URL:
            _empty_all_tables()
        else:
            _use_sqlite_template(app, _sqlite_templates["empty"])
        yield app
        db.session.remove()


@pytest.fixture
def seeded_app(app, _postgres_seeded_rows, _sqlite_templates):
    """The app with the real plan loaded from seeds/."""
    if POSTGRES_URL:
        _insert_seeded_rows(_postgres_seeded_rows)
    else:
        _use_sqlite_template(app, _sqlite_templates["seeded"])
    return app


from .helpers import PASSWORD  # noqa: E402 - one password for every test account


@pytest.fixture(scope="session")
def password_hash():
    """Hashing is slow on purpose (scrypt); tests share one hash of PASSWORD."""
    from tracker.accounts.services import hash_password

    return hash_password(PASSWORD)


@pytest.fixture
def make_user(app, password_hash):
    """Factory: ``make_user("bijdrager", party="RIEC", municipality="schiedam")``."""
    from tracker.accounts.models import User
    from tracker.plan.models import Municipality, Party

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
            self.statements: list[str] = []

        @property
        def count(self) -> int:
            return len(self.statements)

        def __enter__(self):
            self.statements = []
            event.listen(db.engine, "before_cursor_execute", self._on_execute)
            return self

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self._on_execute)

        def _on_execute(self, _conn, _cursor, statement, parameters, *args, **kwargs):
            self.statements.append(f"{statement} -- {parameters!r}")

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


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Inbox:
    """aiosmtpd handler keeping every accepted message; can refuse recipients or go down."""

    def __init__(self):
        self.messages = []
        self.refuse = set()
        #: Set ``hold`` to a threading.Event to keep each DATA unanswered until it is set;
        #: ``holding`` is set once a message waits there.
        self.hold = None
        self.holding = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        if self.hold is not None:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.hold.wait, 10)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback; ``smtp_server.messages`` holds what arrived."""
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    inbox.port = free_port()

    def up():
        inbox.controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
        inbox.controller.start()

    def down():
        inbox.controller.stop()
        inbox.controller = None

    inbox.up, inbox.down = up, down
    up()
    inbox.config = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": inbox.port,
        "MAIL_SUPPRESS_SEND": False,
    }
    yield inbox
    if inbox.controller is not None:
        inbox.controller.stop()


@pytest.fixture(autouse=True)
def _background_jobs_finish():
    """Jobs run after a response (link mails) finish within their test, before its
    database goes away."""
    yield
    from tracker import background

    background.wait_idle()


@pytest.fixture(autouse=True)
def _no_unexpected_smtp(request, monkeypatch):
    """Fail any SMTP connection a test did not ask for with the smtp_server fixture."""
    if "smtp_server" in request.fixturenames:
        return
    import smtplib

    def refuse(*args, **kwargs):
        raise AssertionError("unexpected SMTP connection in a test without smtp_server")

    monkeypatch.setattr(smtplib.SMTP, "connect", refuse)
