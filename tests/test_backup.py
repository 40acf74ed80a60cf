"""Backups: a round trip through ``flask backup`` and ``flask restore`` loses no row, on
SQLite and on PostgreSQL alike."""

import sqlite3
import stat
from contextlib import closing
from datetime import datetime, timedelta

from sqlalchemy import func, select, text

from tracker.dates import utcnow
from tracker.extensions import db
from tracker.meetings import services as meeting_services
from tracker.meetings.models import MeetingSeries
from tracker.progress import services as progress_services
from tracker.progress.models import ProgressUpdate

from .helpers import action


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_backup_and_restore_round_trip(seeded_app, roles, runner, tmp_path):
    now = utcnow()
    target = action("4.1")
    progress_services.record_update(
        target,
        roles["bijdrager_eigen"],
        status="lopend",
        signal="op_koers",
        text="Werkafspraken gemaakt met de partners.",
        link=None,
        expected_version=target.version,
        now=now,
    )
    series = db.session.scalar(select(MeetingSeries).limit(1))
    start = datetime(2025, 6, 20, 12, 0)
    meeting_services.create_meeting(
        series,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        location="Stadhuis",
        agenda="1. Opening",
        author=roles["beheerder"],
        now=datetime(2025, 1, 1),
    )
    db.session.commit()
    before = row_counts()
    assert before["progress_update"] == 1 and before["meeting"] == 1

    file = tmp_path / "tracker.backup"
    result = runner.invoke(args=["backup", str(file)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    if db.engine.dialect.name == "sqlite":
        # The live database keeps a write-ahead log; the backup is one self-contained file.
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        with closing(sqlite3.connect(file)) as copy:
            assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"

    # Things happen after the backup: a row added, a row removed.
    db.session.execute(ProgressUpdate.__table__.delete())
    roles["lezer"].name = "Na de back-up"
    db.session.commit()
    assert row_counts()["progress_update"] == 0

    refused = runner.invoke(args=["restore", str(file)], input="n\n")
    assert refused.exit_code != 0
    result = runner.invoke(args=["restore", str(file), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert row_counts() == before
    assert (
        db.session.scalar(select(ProgressUpdate.text)) == "Werkafspraken gemaakt met de partners."
    )


def test_restore_of_a_missing_file_is_a_clear_error(app, runner, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "weg.backup"), "--yes"])
    assert result.exit_code != 0
    assert "does not exist" in result.output or "bestaat niet" in result.output
