"""Zero-configuration start, configuration overrides and the migrations themselves."""

from datetime import datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import MetaData, create_engine, select, text

from tracker import create_app
from tracker.config import database_url_to_sqlalchemy
from tracker.extensions import db

from .conftest import POSTGRES_URL


def test_zero_configuration_uses_sqlite_in_instance_and_generates_a_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    app = create_app(instance_path=str(instance))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'tracker.db'}"
    key = (instance / "secret_key").read_text()
    assert len(key) == 64 and app.config["SECRET_KEY"] == key
    # The same key on the next start, so sessions survive restarts.
    assert create_app(instance_path=str(instance)).config["SECRET_KEY"] == key


def test_instance_config_file_and_prefixed_environment(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        'MAIL_DEFAULT_SENDER = "var@example.test"\nTIMEZONE = "UTC"\n'
    )
    monkeypatch.setenv("FLASK_MAIL_SERVER", "smtp.example.test")
    monkeypatch.setenv("FLASK_TIMEZONE", "Europe/Amsterdam")
    app = create_app(instance_path=str(instance))
    assert app.config["MAIL_DEFAULT_SENDER"] == "var@example.test"
    assert app.config["MAIL_SERVER"] == "smtp.example.test"
    assert app.config["TIMEZONE"] == "Europe/Amsterdam"  # the environment wins over the file


def test_database_url_selects_postgres_with_psycopg(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example.test/tracker")
    app = create_app(instance_path=str(tmp_path))
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example.test/tracker"
    )
    assert database_url_to_sqlalchemy("sqlite:///x.db") == "sqlite:///x.db"


def _assert_migrations_match_models(url: str, tmp_path):
    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url}, instance_path=str(tmp_path)
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        db.engine.dispose()


def test_migrations_build_the_models_schema_on_sqlite(tmp_path):
    _assert_migrations_match_models(f"sqlite:///{tmp_path / 'migrated.db'}", tmp_path)


def _in_scratch_schema(schema: str, check, tmp_path):
    """Run ``check(url, tmp_path)`` on PostgreSQL in a scratch schema, so the shared test
    schema is left alone."""
    base = database_url_to_sqlalchemy(POSTGRES_URL)
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        separator = "&" if "?" in base else "?"
        check(f"{base}{separator}options=-csearch_path%3D{schema}", tmp_path)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


if POSTGRES_URL:  # collected only in the PostgreSQL run of the suite, never skipped

    def test_migrations_build_the_models_schema_on_postgres(tmp_path):
        _in_scratch_schema("migration_check", _assert_migrations_match_models, tmp_path)


#: The minutes of a held meeting at the previous release: migration 0010 makes them a decision.
HELD_MINUTES = "Besloten: de werkgroep stelt het stappenplan op."

#: The schema of the last release; the upgrade test fills a database at this revision.
PREVIOUS_RELEASE = "0008_figures"


def _fill_at_previous_release(conn) -> None:
    """Rows a deployed tracker has: an account, progress, a meeting and its outbox rows,
    written with the tables as they were at ``PREVIOUS_RELEASE`` (reflected, not the models)."""
    old = MetaData()
    old.reflect(conn)
    t = old.tables
    action_id = conn.execute(select(t["action"].c.id).limit(1)).scalar_one()
    series_id = conn.execute(select(t["meeting_series"].c.id).limit(1)).scalar_one()
    now = datetime(2025, 3, 1, 12, 0)
    user_id = conn.execute(
        t["user"]
        .insert()
        .values(
            email="af@gemeente.test",
            name="Alex Aandacht",
            role="bijdrager",
            is_enabled=True,
            password_hash="x",
            session_token="s",
            totp_enabled=False,
            muted_notifications="",
            calendar_token="c",
            created_at=now,
        )
        .returning(t["user"].c.id)
    ).scalar_one()
    conn.execute(
        t["progress_update"].insert(),
        [
            dict(
                action_id=action_id,
                author_id=user_id,
                created_at=now,
                status_before="niet_gestart",
                status_after="lopend",
                signal_before=None,
                signal_after="op_koers",
                text=f"Voortgang {n}",
                link=None,
            )
            for n in range(3)
        ],
    )
    meeting_id = conn.execute(
        t["meeting"]
        .insert()
        .values(
            series_id=series_id,
            uid="m1@tracker",
            starts_at=now,
            ends_at=now,
            location="Stadhuis",
            agenda="1. Opening",
            state="gepland",
            minutes="",
            sequence=0,
            created_at=now,
            updated_at=now,
            version=1,
        )
        .returning(t["meeting"].c.id)
    ).scalar_one()
    conn.execute(  # a held meeting with the single minutes field of the previous release
        t["meeting"].insert(),
        dict(
            series_id=series_id,
            uid="m0@tracker",
            starts_at=now,
            ends_at=now,
            location="Stadhuis",
            agenda="1. Opening",
            state="gehouden",
            minutes=HELD_MINUTES,
            sequence=0,
            created_at=now,
            updated_at=now,
            version=1,
        ),
    )
    conn.execute(
        t["notification"].insert(),
        [
            dict(
                kind="herinnering",
                recipient_id=user_id,
                meeting_id=meeting_id,
                offset_days=days,
                dedupe_key=f"herinnering:{meeting_id}:{user_id}:{days}",
                due_at=now,
                state=state,
                attempts=1,
                claimed_at=now,
                created_at=now,
            )
            for days, state in ((14, "verstuurd"), (2, "bezig"))
        ],
    )


def _table_contents(conn, tables) -> dict:
    return {
        name: sorted(tuple(str(v) for v in row) for row in conn.execute(select(table)))
        for name, table in tables.items()
    }


def _upgrade_keeps_every_row(url: str, tmp_path):
    from tracker.seeding import apply_seeds, read_seeds

    from .conftest import SEEDS_DIR

    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url}, instance_path=str(tmp_path)
    )
    with app.app_context():
        upgrade(revision=PREVIOUS_RELEASE)
        seeds = read_seeds(SEEDS_DIR)
        apply_seeds(db.session, seeds)
        db.session.commit()
        with db.engine.begin() as conn:
            _fill_at_previous_release(conn)
        with db.engine.connect() as conn:
            old = MetaData()
            old.reflect(conn)
            old.remove(old.tables["alembic_version"])
            before = _table_contents(conn, old.tables)
        upgrade()
        with db.engine.connect() as conn:
            new = MetaData()
            new.reflect(conn)
            after = _table_contents(conn, {name: new.tables[name] for name in old.tables})
            # The held meeting's minutes moved, word for word, into a decision.
            outcomes = conn.execute(select(new.tables["meeting_outcome"])).mappings().all()
            assert [(o["kind"], o["text"]) for o in outcomes] == [("besluit", HELD_MINUTES)]
        minutes = [c.name for c in old.tables["meeting"].columns].index("minutes")
        before["meeting"] = sorted(
            tuple("" if i == minutes and v == HELD_MINUTES else v for i, v in enumerate(row))
            for row in before["meeting"]
        )
        for name in before:
            assert len(after[name]) == len(before[name]), name
        # Columns that existed keep their values (new columns are appended, so compare prefixes).
        for name, rows in before.items():
            width = len(old.tables[name].columns)
            old_columns = [c.name for c in old.tables[name].columns]
            new_columns = [c.name for c in new.tables[name].columns]
            positions = [new_columns.index(c) for c in old_columns]
            assert sorted(tuple(r[i] for i in positions) for r in after[name]) == rows, name
            assert width == len(old_columns)
        db.session.remove()
        db.engine.dispose()


def test_upgrade_from_the_previous_release_keeps_every_row_on_sqlite(tmp_path):
    _upgrade_keeps_every_row(f"sqlite:///{tmp_path / 'old.db'}", tmp_path)


if POSTGRES_URL:

    def test_upgrade_from_the_previous_release_keeps_every_row_on_postgres(tmp_path):
        _in_scratch_schema("upgrade_check", _upgrade_keeps_every_row, tmp_path)
