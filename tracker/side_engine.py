"""Single statements outside the request's session, on a small engine beside the app's.

Two things run on every request that must not open the request's transaction: the read of
the data version (``tracker.data_version``) and the audit record of a report view (a commit
in the request's session would expire what it loaded). On the app's engine each costs a
ping, a BEGIN and a COMMIT or ROLLBACK besides the statement: four round trips on
PostgreSQL. This engine's connections are in autocommit, are not pinged before use and not
rolled back after, so a statement is one round trip. The statement is its own ping: when
the database dropped the connection, it is replaced and the statement tried once more.
"""

from __future__ import annotations

import os
import threading

from flask import current_app
from psycopg.pq import ExecStatus
from sqlalchemy import Engine, create_engine, event
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
        self._pid = os.getpid()

    def _after_fork(self) -> None:
        if os.getpid() != self._pid:  # a forked worker never shares its parent's connections
            self.engine.dispose(close=False)
            self._pid = os.getpid()

    def integer(self, sql: str) -> int | None:
        """The integer in the first column of the first row of a plain SQL query, or None.
        On SQLite through the DBAPI cursor (10 µs instead of 80 µs through the app's engine).
        On PostgreSQL through psycopg's libpq wrapper (``pgconn.exec_``): one blocking call
        that keeps no cursor or result-type machinery, a third of psycopg's cursor CPU for
        this read on every request. A failed statement is run again through the cursor,
        which raises psycopg's own error (and tells a dropped connection)."""
        self._after_fork()
        dialect, retried = self.engine.dialect, False
        while True:
            connection = self.engine.raw_connection()
            try:
                pgconn = getattr(connection.dbapi_connection, "pgconn", None)
                if pgconn is not None:
                    result = pgconn.exec_(sql.encode())
                    if result.status == ExecStatus.TUPLES_OK:
                        value = result.get_value(0, 0) if result.ntuples else None
                        return None if value is None else int(value)
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

    def execute(self, statement, parameters=None) -> None:
        """Run one Core statement (an insert, say), committed as it runs. When it finds its
        connection dropped it is tried once more on a new one: a dropped connection shows
        when the statement is sent, so it did not run (were the database to go away just
        after running it, an audit event would be recorded twice rather than not at all)."""
        self._after_fork()
        for attempt in (1, 2):
            try:
                with self.engine.connect() as connection:
                    connection.execute(statement, parameters)
                return
            except DBAPIError as error:
                if attempt == 2 or not error.connection_invalidated:
                    raise


_lock = threading.Lock()


def side_engine() -> SideEngine:
    """The current app's side engine for its current database engine."""
    engines = current_app.extensions.setdefault("side_engines", {})
    engine = db.engine
    side = engines.get(engine)
    if side is None:
        with _lock:
            side = engines.get(engine) or engines.setdefault(engine, SideEngine(engine))
    return side
