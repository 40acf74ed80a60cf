"""Backups of the database: SQLite's online backup API, or ``pg_dump`` on PostgreSQL.

Both are consistent copies of a running database (no need to stop the app). A backup holds
password hashes, second-factor secrets and calendar addresses: it is written 0600 and must
be kept as carefully as the database itself.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore with fixed arguments, no shell
from pathlib import Path

from sqlalchemy.engine import make_url

from tracker.files import write_private


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why, in Dutch."""


def _libpq_url(sqlalchemy_url: str) -> str:
    """``postgresql+psycopg://…`` as the ``postgresql://…`` that pg_dump understands."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is niet gevonden; installeer de PostgreSQL-clientprogramma's "
            "(Debian/Ubuntu: apt-get install postgresql-client)."
        )
    return path


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{Path(command[0]).name} is mislukt.")


def backup(sqlalchemy_url: str, target: Path) -> None:
    """Write a consistent copy of the database to ``target`` (0600)."""
    url = make_url(sqlalchemy_url)
    if url.get_backend_name() == "sqlite":
        write_private(target, b"")
        source = sqlite3.connect(url.database)
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)
            # One self-contained file (the live database runs with a write-ahead log).
            destination.execute("PRAGMA journal_mode=DELETE")
        finally:
            source.close()
            destination.close()
        return
    if url.get_backend_name() == "postgresql":
        write_private(target, b"")
        _run(
            [_pg_tool("pg_dump"), "--format=custom", f"--file={target}", _libpq_url(sqlalchemy_url)]
        )
        return
    raise BackupError(f"Back-ups van {url.get_backend_name()} worden niet ondersteund.")


def restore(sqlalchemy_url: str, source: Path) -> None:
    """Replace the database's contents with the backup in ``source``."""
    if not source.is_file():
        raise BackupError(f"Het bestand {source} bestaat niet.")
    url = make_url(sqlalchemy_url)
    if url.get_backend_name() == "sqlite":
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(url.database)
        try:
            with live:
                backup_db.backup(live)
        finally:
            backup_db.close()
            live.close()
        return
    if url.get_backend_name() == "postgresql":
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={_libpq_url(sqlalchemy_url)}",
                str(source),
            ]
        )
        return
    raise BackupError(f"Terugzetten naar {url.get_backend_name()} wordt niet ondersteund.")
