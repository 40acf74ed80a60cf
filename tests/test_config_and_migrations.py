"""Zero-configuration start, configuration overrides and the migrations themselves."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

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


def _check_postgres_migrations(tmp_path):
    """Runs in a scratch schema so the shared test schema is left alone."""
    base = database_url_to_sqlalchemy(POSTGRES_URL)
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS migration_check CASCADE"))
        conn.execute(text("CREATE SCHEMA migration_check"))
    try:
        separator = "&" if "?" in base else "?"
        _assert_migrations_match_models(
            f"{base}{separator}options=-csearch_path%3Dmigration_check", tmp_path
        )
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA migration_check CASCADE"))
        engine.dispose()


if POSTGRES_URL:  # collected only in the PostgreSQL run of the suite, never skipped

    def test_migrations_build_the_models_schema_on_postgres(tmp_path):
        _check_postgres_migrations(tmp_path)
