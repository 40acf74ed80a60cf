"""The data version: one counter row (``data_version``) that every transaction that changes
rows bumps as its last statement, in the same transaction as the write (``before_commit``).

The ETags of conditional GETs (``tracker.conditional``) hold it, and the scheduler uses it to
skip planning when nothing changed since its last tick: a committed change moves the counter,
so no later request can be answered with a 304 made before it, in any worker or on any host
that shares the database. A statement that changes no row does not move it (an idle
scheduler tick writes nothing).

Writes that no page shows (the audit trail, login attempts, the scheduler's heartbeat,
API-token and login-link bookkeeping) leave the counter alone, or every page view and every
scheduler tick would void the ETags.
"""

from __future__ import annotations

from sqlalchemy import DDL, BigInteger, Integer, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, Session, mapped_column

from tracker.extensions import db


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

#: Tables whose writes no page shows (bookkeeping around reading, not plan data).
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
    """The committed data version, read now in the request's own session (one primary-key
    query: the ETags read it on every conditional GET)."""
    return db.session.connection().exec_driver_sql(_READ_VERSION).scalar() or 0


_READ_VERSION = "SELECT version FROM data_version WHERE id = 1"


def own_bumps() -> int:
    """How many commits of this session changed data: with the counter read before and after,
    it tells whether anyone else wrote in between."""
    return db.session.info.get(BUMPS, 0)
