"""Single statements outside the request's session, on a small engine beside the app's.

Two things run on every request that must not open the request's transaction: the read of
the data version (``tracker.data_version``) and the audit record of a report view
(``insert``: a commit in the request's session would expire what it loaded). On the app's
engine each costs a ping, a BEGIN and a COMMIT or ROLLBACK besides the statement: four
round trips on PostgreSQL. This engine's connections are in autocommit, are not pinged
before use and not rolled back after, so a statement is one round trip. The statement is
its own ping: when the database dropped the connection, it is replaced and the statement
tried once more.
"""

from __future__ import annotations

import json
import os
import threading
import weakref
from datetime import datetime

import psycopg
from flask import current_app
from psycopg.pq import ConnStatus, ExecStatus
from sqlalchemy import JSON, Column, Engine, Table, create_engine, event
from sqlalchemy import insert as sa_insert
from sqlalchemy.exc import DBAPIError

from tracker.extensions import db


class SideEngine:
    """The side engine for one app engine (see the module docstring)."""

    def __init__(self, engine: Engine):
        #: Each statement checks out one of its connections: count this engine's
        #: ``checkout`` events to count them (the version read uses a raw cursor, which
        #: fires no cursor events).
        self.engine = create_engine(
            engine.url, isolation_level="AUTOCOMMIT", pool_reset_on_return=None
        )
        # Disposed with the app's engine (tests swap the database file underneath).
        event.listen(engine, "engine_disposed", lambda _engine: self.engine.dispose())
        _live.add(self)

    def integer(self, sql: str) -> int | None:
        """The integer in the first column of the first row of a plain SQL query, or None.
        On SQLite through the DBAPI cursor (10 µs instead of 80 µs through the app's engine).
        On PostgreSQL through psycopg's libpq wrapper, as a statement prepared once per
        connection (``pgconn.exec_prepared``): one blocking call that keeps no cursor or
        result-type machinery (a third of psycopg's cursor CPU for this read on every
        request), and the server neither parses nor plans it again (a quarter of the read's
        time). A failed statement is run again through the cursor, which raises psycopg's
        own error (and tells a dropped connection), or answers where prepared statements do
        not hold (a pooler that hands each statement to another server connection)."""
        dialect, retried = self.engine.dialect, False
        while True:
            connection = self.engine.raw_connection()
            try:
                pgconn = getattr(connection.dbapi_connection, "pgconn", None)
                if pgconn is not None:
                    result = pgconn.exec_prepared(_prepared(connection, pgconn, sql), [])
                    if result.status == ExecStatus.TUPLES_OK:
                        value = result.get_value(0, 0) if result.ntuples else None
                        return None if value is None else int(value)
                    connection.info["tracker_prepared"].pop(sql, None)  # prepared again next time
                cursor = connection.cursor()
                cursor.execute(sql)
                row = cursor.fetchone()
                cursor.close()
                return None if row is None or row[0] is None else int(row[0])
            except dialect.loaded_dbapi.Error as error:
                if retried or not dialect.is_disconnect(error, connection.dbapi_connection, None):
                    raise
                connection.invalidate()
                retried = True
            finally:
                connection.close()

    def insert(self, table: Table, values: dict) -> None:
        """Insert one row, committed as it runs. On PostgreSQL as a statement prepared once
        per connection, its values sent as text (``pgconn.exec_prepared``): a quarter of the
        client CPU of the same insert through SQLAlchemy and psycopg's cursor, on every
        report view. Anywhere else, or when that fails, through SQLAlchemy (``_execute``),
        which tells a dropped connection and raises the driver's own error."""
        if self.engine.dialect.name == "postgresql" and self._insert_prepared(table, values):
            return
        self._execute(sa_insert(table), values)

    def _insert_prepared(self, table: Table, values: dict) -> bool:
        row = _with_defaults(table, values)
        params = [_as_text(table.c[name], value) for name, value in row.items()]
        quote = self.engine.dialect.identifier_preparer.quote
        names = ", ".join(quote(name) for name in row)
        places = ", ".join(f"${n}" for n in range(1, len(row) + 1))
        # Identifiers from the table's own metadata (table.c checked each name), quoted;
        # the values go as parameters.
        sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({places})"  # noqa: S608
        connection = self.engine.raw_connection()
        try:
            pgconn = connection.dbapi_connection.pgconn
            try:
                result = pgconn.exec_prepared(_prepared(connection, pgconn, sql), params)
            except psycopg.Error:
                result = None
            if result is not None and result.status == ExecStatus.COMMAND_OK:
                return True
            connection.info["tracker_prepared"].pop(sql, None)
            if pgconn.status != ConnStatus.OK:
                connection.invalidate()
            return False
        finally:
            connection.close()

    def _execute(self, statement, parameters=None) -> None:
        """Run one Core statement, committed as it runs. When it finds its connection
        dropped it is tried once more on a new one: a dropped connection shows when the
        statement is sent, so it did not run (were the database to go away just after
        running it, an audit event would be recorded twice rather than not at all)."""
        for attempt in (1, 2):
            try:
                with self.engine.connect() as connection:
                    connection.execute(statement, parameters)
                return
            except DBAPIError as error:
                if attempt == 2 or not error.connection_invalidated:
                    raise


def _with_defaults(table: Table, values: dict) -> dict:
    """The row with the columns' Python-side defaults filled in, as SQLAlchemy fills them."""
    row = dict(values)
    for column in table.columns:
        default = column.default
        if column.key in row or default is None:
            continue
        if default.is_scalar:
            row[column.key] = default.arg
        elif default.is_callable:
            row[column.key] = default.arg(None)
    return row


def _as_text(column: Column, value) -> bytes | None:
    """A value in PostgreSQL's text input format (None for NULL), as SQLAlchemy would bind
    it (None in a JSON column is JSON's null unless the column says otherwise). Only the
    types a side insert holds; anything else is refused rather than guessed at."""
    if isinstance(column.type, JSON) and (value is not None or not column.type.none_as_null):
        return json.dumps(value).encode()
    if value is None:
        return None
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bool | int):
        return str(value).encode()
    if isinstance(value, datetime):
        return value.isoformat().encode()
    raise TypeError(f"{column.key}: no text form for {type(value).__name__}")


def _prepared(connection, pgconn, sql: str) -> bytes:
    """The name of ``sql`` prepared on this connection, preparing it the first time (the
    pool's ``info`` lives as long as the database connection)."""
    names: dict[str, bytes] = connection.info.setdefault("tracker_prepared", {})
    name = names.get(sql)
    if name is None:
        name = f"tracker_side_{len(names)}".encode()
        if pgconn.prepare(name, sql.encode()).status == ExecStatus.COMMAND_OK:
            names[sql] = name
    return name


_lock = threading.Lock()
#: Every side engine of this process, for the fork hook below.
_live: weakref.WeakSet[SideEngine] = weakref.WeakSet()


def _forget_connections_after_fork() -> None:
    """A forked worker (gunicorn ``--preload``) never shares its parent's connections: its
    pools start empty, and the parent's connections are left to the parent. Run by the fork
    itself rather than checked per statement (``os.getpid()`` on every request cost more
    than the check was worth)."""
    for side in list(_live):
        side.engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_connections_after_fork)


def side_engine() -> SideEngine:
    """The current app's side engine for its current database engine."""
    engines = current_app.extensions.setdefault("side_engines", {})
    engine = db.engine
    side = engines.get(engine)
    if side is None:
        with _lock:
            side = engines.get(engine) or engines.setdefault(engine, SideEngine(engine))
    return side
