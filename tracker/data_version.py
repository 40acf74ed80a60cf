"""The data version: one counter row (``data_version``) that every write transaction bumps as
its last statement, in the same transaction as the write (``before_commit``).

A request reads the counter once (:func:`request_data_version`, one primary-key query) and
everything it caches is keyed by it: the rendered pages and ETags (``tracker.caching``) and the
logged-in user's row (:class:`RowCache`). A committed write has moved the counter, so no later
request can find a key made before it, in any worker or on any host that shares the database.

Writes that nothing cached shows (the audit trail, login attempts, the scheduler's heartbeat,
API-token and login-link bookkeeping) leave the counter alone, or every page view and every
scheduler tick would empty the caches.
"""

from __future__ import annotations

import threading
from typing import TypeVar

from cachetools import LRUCache
from flask import current_app, g
from sqlalchemy import DDL, BigInteger, Integer, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, Session, make_transient_to_detached, mapped_column
from sqlalchemy.orm.util import identity_key

from tracker.extensions import db
from tracker.side_engine import side_engine

T = TypeVar("T")


class DataVersion(db.Model):
    """One row whose counter grows with every committed write (see the module docstring)."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


event.listen(
    DataVersion.__table__,
    "after_create",
    DDL("INSERT INTO data_version (id, version) VALUES (1, 0)"),
)

#: Tables whose writes no cached page shows (bookkeeping around reading, not plan data).
UNVERSIONED_TABLES = frozenset(
    {"audit_event", "login_attempt", "login_token", "api_token", "heartbeat", "data_version"}
)
_CHANGED = "data_changed"
#: ``session.info`` key: how many times this session moved the counter (see ``own_bumps``).
BUMPS = "data_version_bumps"


def _versioned(instance) -> bool:
    return getattr(instance, "__tablename__", None) not in UNVERSIONED_TABLES


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, flush_context, instances) -> None:
    if session.info.get(_CHANGED):
        return
    changed = (
        any(_versioned(obj) for obj in session.new)
        or any(_versioned(obj) for obj in session.deleted)
        or any(_versioned(obj) and session.is_modified(obj) for obj in session.dirty)
    )
    if changed:
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state):
    """``session.execute(update(...))`` and friends bypass the flush. They count only when
    they changed a row: the scheduler's conditional UPDATEs, which find nothing on an idle
    tick, must not move the version (and with it every ETag) once a minute."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    tables = {mapper.local_table.name for mapper in state.all_mappers}
    if tables and not tables - UNVERSIONED_TABLES:
        return None
    result = state.invoke_statement()
    if isinstance(result, CursorResult) and not result.returns_rows:
        if result.rowcount != 0:  # -1, not known, counts as a change
            note_change(state.session)
        return result
    frozen = result.freeze()  # RETURNING: the rows returned are the rows changed
    if frozen.data:
        note_change(state.session)
    return frozen()


def note_change(session: Session) -> None:
    """This transaction changed data: its commit moves the version. For writes on the
    session's connection that the ORM does not see (Core statements)."""
    session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _bump_version(session: Session) -> None:
    """The counter moves in the write's own transaction, as its last statement (so the row
    lock, on PostgreSQL, is held only for the commit itself). An upsert: a missing row (a
    truncated table) starts again at 1 rather than leaving the counter still."""
    session.flush()
    if session.info.pop(_CHANGED, False):
        session.info[BUMPS] = session.info.get(BUMPS, 0) + 1
        connection = session.connection()
        insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
        table = DataVersion.__table__
        connection.execute(
            insert(table)
            .values(id=1, version=1)
            .on_conflict_do_update(index_elements=["id"], set_={"version": table.c.version + 1})
        )


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def read_data_version() -> int:
    """The committed data version, read now (plain SQL: this runs on every cached request)."""
    return db.session.connection().exec_driver_sql(_READ_VERSION).scalar() or 0


def request_data_version() -> int:
    """The data version as this request first read it: once per request, shared by the user
    check, the page cache and the ETags. Read before anything the request shows, so what it
    shows is at least as new as the version it is keyed by. Read on the side engine: a page
    served from the cache then opens no transaction (no BEGIN, no ROLLBACK)."""
    if "data_version" not in g:
        g.data_version = side_engine().integer(_READ_VERSION) or 0
    return g.data_version


_READ_VERSION = "SELECT version FROM data_version WHERE id = 1"


def own_bumps() -> int:
    """How many commits of this session changed data: with the counter read before and after,
    it tells whether anyone else wrote in between."""
    return db.session.info.get(BUMPS, 0)


class RowCache:
    """Detached copies of rows read on every request (the logged-in user), per data version:
    the user check of a page served from the cache then costs no query. Any committed write
    moves the version, so a disabled account or a rotated session token is seen at once."""

    def __init__(self, max_rows: int = 10_000):
        self._rows: LRUCache = LRUCache(maxsize=max_rows)
        self._lock = threading.Lock()
        self._version = -1

    def get(self, model: type[T], pk: int) -> T | None:
        """``db.session.get(model, pk)``, from a kept copy when this version has one. A row the
        session holds already is used as it is (merging a copy would overwrite it)."""
        version = request_data_version()
        with self._lock:
            kept = self._rows.get((model, pk)) if version == self._version else None
        present = db.session.identity_map.get(identity_key(model, pk))
        if present is not None:
            if kept is None and not db.session.is_modified(present):
                self._keep(version, model, pk, present)
            return present
        if kept is not None:
            return db.session.merge(kept, load=False)
        row = db.session.get(model, pk)
        if row is not None:
            self._keep(version, model, pk, row)
        return row

    def _keep(self, version: int, model: type[T], pk: int, row: T) -> None:
        columns = sa_inspect(model).column_attrs
        copy = model(**{column.key: getattr(row, column.key) for column in columns})
        make_transient_to_detached(copy)
        with self._lock:
            if version > self._version:
                self._rows.clear()
                self._version = version
            if version == self._version:
                self._rows[(model, pk)] = copy

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


def get_row(model: type[T], pk: int) -> T | None:
    """A row read on every request: from the row cache, or plainly when caching is off."""
    rows: RowCache | None = current_app.extensions.get("row_cache")
    return rows.get(model, pk) if rows is not None else db.session.get(model, pk)
