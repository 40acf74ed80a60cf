"""Zero-configuration start, configuration overrides and the migrations themselves."""

from datetime import date, datetime

import pytest
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


#: A decision of a held meeting at the previous release.
DECISION = "Besloten: de werkgroep stelt het stappenplan op."

#: The schema of the last release; the upgrade test fills a database at this revision.
#: The release before this one (with an evaluation round running and the public page open),
#: one from before 0021 (whose figures still kept action codes, moved by 0021), and an older
#: one whose data migrations (0015-0018) are checked too: a database filled at any of them
#: upgrades without losing a row.
PREVIOUS_RELEASE = "0024_series_version"
CODES_RELEASE = "0020_public_page"
OLDER_RELEASE = "0014_throttling_privacy"
RELEASES = [PREVIOUS_RELEASE, CODES_RELEASE, OLDER_RELEASE]


def _fill_at_previous_release(conn, release: str) -> None:
    """Rows a deployed tracker has: an account, progress, a meeting and its outbox rows,
    written with the tables as they were at ``release`` (reflected, not the models)."""
    old = MetaData()
    old.reflect(conn)
    t = old.tables
    now = datetime(2025, 3, 1, 12, 0)

    def insert(table, **values):
        return conn.execute(
            t[table].insert().values(**values).returning(t[table].c.id)
        ).scalar_one()

    # A piece of the plan as the seeds wrote it (the seed loader of this release cannot
    # write the old schema).
    # 0012 made the one region (a database without a plan gets the default name).
    region_id = conn.execute(select(t["region"].c.id)).scalar_one()
    plan_id = insert(
        "plan",
        region_id=region_id,
        slug="rotterdam-2024-2026",
        title="Regionaal Actieplan Mensenhandel Regio Rotterdam",
        subtitle="",
        region="VeiligheidsAlliantie regio Rotterdam",
        start_year=2024,
        end_year=2026,
        introduction="",
        is_current=True,
    )
    theme_id = insert("theme", plan_id=plan_id, number=2, title="Samenwerking", introduction="")
    municipality_id = insert("municipality", code="schiedam", name="Schiedam", region_id=region_id)
    party_id = insert(
        "party", code="VAR", short_name="VAR", name="VAR", kind="organisatie", region_id=region_id
    )
    insert(
        "party",
        region_id=region_id,
        code="gemeente-schiedam",
        short_name="Gemeente Schiedam",
        name="Gemeente Schiedam",
        kind="gemeente",
        municipality_id=municipality_id,
    )
    common = dict(theme_id=theme_id, owners_text="VAR", is_per_municipality=False, version=1)
    common |= dict(status="niet_gestart")
    action_id = insert(
        "action",
        number=1,
        text="Overleg Regionale Tafel Mensenhandel.",
        planning="Minimaal 3x per jaar",
        schedule_kind="per_year",
        times_per_year=3,
        **common,
    )
    insert(
        "action",
        number=10,
        text="Opzetten en onderhouden digitale community van aandachtfunctionarissen.",
        planning="Q1 2024",
        schedule_kind="deadline",
        starts_on=date(2024, 1, 1),
        due_on=date(2024, 3, 31),
        **common,
    )
    owner_id = insert(
        "action_owner", action_id=action_id, position=1, party_id=party_id, is_lead=False
    )
    visit_id = insert(
        "action",
        number=4,
        text="Ondersteunen opstellen en bijstellen lokaal actieplan.",
        planning="Jaarlijks",
        schedule_kind="annual",
        **(common | {"is_per_municipality": True}),
    )
    network_id = insert(
        "meeting_series",
        region_id=region_id,
        code="netwerkbijeenkomst-af",
        name="Netwerkbijeenkomst aandachtsfunctionarissen",
        min_per_year=4,
        reminder_days="14,2",
        sends_update_request=False,
        update_request_days=14,
        reminder_subject="",
        reminder_intro="",
    )
    series_id = insert(
        "meeting_series",
        region_id=region_id,
        code="regionale-tafel",
        name="Regionale Tafel Mensenhandel",
        action_id=action_id,
        min_per_year=3,
        reminder_days="14,2",
        sends_update_request=True,
        update_request_days=14,
        reminder_subject="",
        reminder_intro="",
    )
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
            region_id=region_id,
        )
        .returning(t["user"].c.id)
    ).scalar_one()
    conn.execute(t["party"].update().values(contact_id=user_id).where(t["party"].c.id == party_id))
    insert("owner_link", owner_id=owner_id, user_id=user_id)
    insert(  # a municipality's row of an every-municipality action
        "municipality_progress",
        action_id=visit_id,
        municipality_id=municipality_id,
        year=2025,
        status="lopend",
        note="Gesprek gepland in het najaar.",
        updated_at=now,
        updated_by_id=user_id,
        version=2,
    )
    conn.execute(
        t["meeting"].insert(),
        dict(
            series_id=network_id,
            uid="n1@tracker",
            starts_at=now,
            ends_at=now,
            location="Stadhuis",
            agenda="",
            state="gehouden",
            minutes="",
            sequence=0,
            agenda_version=0,
            created_at=now,
            updated_at=now,
            version=1,
        ),
    )
    indicator_id = insert(
        "indicator",
        code="politie-aangiftes",
        region_id=region_id,
        name="Aangiftes mensenhandel",
        source="Politie (TMM)",
        theme_number=4,
        area="Regio",
        unit="aangiftes",
        in_report=True,
        position=0,
        **({"action_codes": ["2.1"]} if "action_codes" in t["indicator"].c else {}),
    )
    insert(
        "indicator_value",
        indicator_id=indicator_id,
        year=2022,
        value=23,
        monitor="Mensenhandelmonitor 2022",
        section="",
        quote="23 x totaal aantal aangiftes",
        caveat="",
        comparable=True,
    )
    insert(
        "privacy_confirmation",
        confirmed_by_id=user_id,
        confirmed_at=now,
        field="Tekst",
        text_digest="0" * 64,
        who="collega",
    )
    insert(
        "yearly_commitment",
        action_id=action_id,
        year=2025,
        status="afgerond",
        delivered_on=date(2025, 10, 1),
        note="Gehouden in oktober.",
        updated_at=now,
        updated_by_id=user_id,
        version=1,
    )
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
    held_id = conn.execute(  # a held meeting with its agenda and a decision
        t["meeting"]
        .insert()
        .values(
            series_id=series_id,
            uid="m0@tracker",
            starts_at=now,
            ends_at=now,
            location="Stadhuis",
            agenda="1. Opening",
            state="gehouden",
            minutes="",
            sequence=0,
            agenda_version=1,
            created_at=now,
            updated_at=now,
            version=1,
        )
        .returning(t["meeting"].c.id)
    ).scalar_one()
    conn.execute(
        t["meeting_outcome"].insert(),
        dict(meeting_id=held_id, kind="besluit", text=DECISION, created_at=now),
    )
    conn.execute(t["agenda_item"].insert(), dict(meeting_id=held_id, position=1, title="Opening"))
    conn.execute(
        t["report_snapshot"].insert(),
        dict(
            created_at=now,
            title="Voortgangsrapportage",
            reference_date=now.date(),
            params={},
            data={},
            pdf=b"%PDF-",
            plan_id=plan_id,
        ),
    )
    conn.execute(
        t["login_attempt"].insert(),
        dict(email="af@gemeente.test", address="127.0.0.1", at=now, succeeded=False),
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
    if release == OLDER_RELEASE:
        return
    # What 0015-0018 added: borging statements, attendance, the decision behind a plan.
    insert(
        "borging_entry",
        municipality_id=municipality_id,
        item="meldroute",
        state="ja",
        on_date=date(2025, 3, 1),
        note="Vastgesteld door het college.",
        author_id=user_id,
        created_at=now,
    )
    network_meeting = conn.execute(
        select(t["meeting"].c.id).where(t["meeting"].c.uid == "n1@tracker")
    ).scalar_one()
    conn.execute(
        t["meeting_attendance"].insert(),
        dict(meeting_id=network_meeting, municipality_id=municipality_id),
    )
    decision_id = conn.execute(select(t["meeting_outcome"].c.id)).scalar_one()
    conn.execute(t["plan"].update().values(decision_id=decision_id))
    # What 0017, 0019 and 0020 added: a reason per linked action, an evaluation round with
    # its e-mail and an evaluation, a knelpunt, the public page with a line.
    if "action_reasons" in t["indicator"].c:
        conn.execute(t["indicator"].update().values(action_reasons={"2.1": "De monitor telt ze."}))
    else:  # 0021 and later: the figure's link to action 2.1 is a row
        insert(
            "indicator_action",
            indicator_id=indicator_id,
            action_id=action_id,
            reason="De monitor telt ze.",
        )
    round_id = insert("evaluation_round", plan_id=plan_id, deadline=date(2025, 4, 1), opened_at=now)
    insert(
        "action_evaluation",
        round_id=round_id,
        action_id=action_id,
        result="bereikt",
        delivered="Drie tafels per jaar.",
        effect="",
        helped="Vaste voorzitter.",
        hindered="",
        advice="voortzetten",
        advice_reason="Werkt.",
        new_text="",
        author_id=user_id,
        updated_at=now,
        version=1,
    )
    insert(
        "notification",
        kind="evaluatie",
        recipient_id=user_id,
        evaluation_round_id=round_id,
        offset_days=0,
        dedupe_key=f"evaluatie:{round_id}:{user_id}",
        due_at=now,
        state="verstuurd",
        attempts=1,
        created_at=now,
    )
    insert(
        "knelpunt",
        plan_id=plan_id,
        what="Capaciteit bij de partners.",
        since=date(2025, 1, 1),
        solver_text="",
        status="open",
        resolution="",
        for_table=True,
        created_at=now,
        updated_at=now,
        version=1,
    )
    insert(
        "publication",
        plan_id=plan_id,
        is_open=True,
        figures=["politie-aangiftes"],
        borging_items=["meldroute"],
        updated_at=now,
        version=1,
    )
    insert(
        "public_line",
        action_id=action_id,
        text="De tafel komt drie keer per jaar bijeen.",
        proposal="",
        version=1,
    )


def _table_contents(conn, tables) -> dict:
    return {
        name: sorted(tuple(str(v) for v in row) for row in conn.execute(select(table)))
        for name, table in tables.items()
    }


def _check_data_migrations(conn, new) -> None:
    """What 0014 -> 0018 computed for existing rows."""
    # The data version's counter is as it was; the outbox has the superseded index.
    version = new.tables["data_version"]
    assert conn.execute(select(version.c.id, version.c.version)).all() == [(1, 0)]
    # Earlier login attempts count as logins by unknown clients (the shared budget).
    attempts = new.tables["login_attempt"]
    assert conn.execute(select(attempts.c.purpose, attempts.c.client)).all() == [("login", "")]
    indexes = {i.name for i in new.tables["notification"].indexes}
    assert "ix_notification_meeting_recipient_kind" in indexes
    # The seeded plan is followed since the first account was made (0016).
    actions, users = new.tables["action"], new.tables["user"]
    first_account = conn.execute(select(users.c.created_at)).scalar_one()
    assert set(conn.execute(select(actions.c.tracked_since)).scalars()) == {first_account}
    # A figure keeps its links; it is a count without reasons, direction or target yet.
    indicator = new.tables["indicator"]
    assert conn.execute(
        select(indicator.c.kind, indicator.c.direction, indicator.c.target)
    ).all() == [("telling", "", None)]
    # The network of the aandachtsfunctionarissen counts attendance; nothing else.
    series = new.tables["meeting_series"]
    assert dict(conn.execute(select(series.c.code, series.c.tracks_attendance)).all()) == {
        "regionale-tafel": False,
        "netwerkbijeenkomst-af": True,
    }


#: Columns a migration moved into a table of their own (0021: a figure's action codes).
MOVED = {"indicator": {"action_codes", "action_reasons"}}


def _upgrade_keeps_every_row(url: str, tmp_path, release: str = PREVIOUS_RELEASE):
    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url}, instance_path=str(tmp_path)
    )
    with app.app_context():
        upgrade(revision=release)
        with db.engine.begin() as conn:
            _fill_at_previous_release(conn, release)
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
            if release == OLDER_RELEASE:
                _check_data_migrations(conn, new)
                # 0019: the outbox's rows stay meeting e-mails; the evaluation starts empty.
                outbox = new.tables["notification"]
                assert conn.execute(select(outbox.c.evaluation_round_id)).scalars().all() == [
                    None,
                    None,
                ]
                for table in ("evaluation_round", "action_evaluation", "knelpunt"):
                    assert conn.execute(select(new.tables[table])).all() == []
            else:  # 0022: a running round was not moved, as far as anyone knows
                rounds = new.tables["evaluation_round"]
                assert conn.execute(select(rounds.c.first_deadline)).scalars().all() == [None]
            # 0024: every series starts at version 1; 0025: every account too.
            for table in ("meeting_series", "user"):
                versions = conn.execute(select(new.tables[table].c.version)).scalars().all()
                assert set(versions) == {1}, table
            # 0021: a figure's action codes became links to the current plan's actions.
            links = new.tables["indicator_action"]
            first = conn.execute(
                select(new.tables["action"].c.id).where(new.tables["action"].c.number == 1)
            ).scalar_one()
            reason = "" if release == OLDER_RELEASE else "De monitor telt ze."
            assert conn.execute(select(links.c.action_id, links.c.reason)).all() == [
                (first, reason)
            ]
        for name in before:
            assert len(after[name]) == len(before[name]), name
        # Columns that existed keep their values, except those a migration moved elsewhere
        # (checked above).
        for name, rows in before.items():
            old_columns = [c.name for c in old.tables[name].columns]
            new_columns = [c.name for c in new.tables[name].columns]
            kept = [i for i, c in enumerate(old_columns) if c not in MOVED.get(name, ())]
            assert set(old_columns) - {old_columns[i] for i in kept} <= MOVED.get(name, set())
            positions = [new_columns.index(old_columns[i]) for i in kept]
            assert sorted(tuple(r[i] for i in positions) for r in after[name]) == sorted(
                tuple(row[i] for i in kept) for row in rows
            ), name
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("release", RELEASES)
def test_upgrade_from_the_previous_release_keeps_every_row_on_sqlite(tmp_path, release):
    _upgrade_keeps_every_row(f"sqlite:///{tmp_path / 'old.db'}", tmp_path, release)


if POSTGRES_URL:

    @pytest.mark.parametrize("release", RELEASES)
    def test_upgrade_from_the_previous_release_keeps_every_row_on_postgres(tmp_path, release):
        _in_scratch_schema(
            f"upgrade_check_{release[:4]}",
            lambda url, path: _upgrade_keeps_every_row(url, path, release),
            tmp_path,
        )


def test_no_module_maps_the_models_while_it_is_imported():
    """A statement built at import time with loader options (``selectinload`` …) makes
    SQLAlchemy configure every mapper then, before the models of packages not yet imported
    exist: a script that imports one service first (the benchmark's writer) failed. Every
    module is imported in a fresh interpreter that records any configuration while importing."""
    import subprocess
    import sys

    script = """
import pkgutil, importlib, sqlalchemy.orm as orm
from sqlalchemy import event
import tracker
configured = []
event.listen(orm.Mapper, "before_configured", lambda: configured.append(current))
for info in pkgutil.walk_packages(tracker.__path__, "tracker."):
    if ".migrations" in info.name or info.name == "tracker.wsgi":
        continue
    current = info.name
    importlib.import_module(info.name)
print(configured)
"""
    result = subprocess.run(  # noqa: S603 - this interpreter on a fixed script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout
