"""Rendered pages and conditional GETs, keyed by the data version.

The plan's data changes a few times a day and is read all day, so pages are rendered once per
*data version*: one counter row (``data_version``) that every write transaction bumps as its
last statement, in the same transaction as the write (``before_commit``). A request reads the
counter (one primary-key query) and uses it in its cache key, so

- a cache can never answer with data older than what the database holds: a committed write
  has bumped the counter, and every later request looks for a key that does not exist yet;
- the cache can live in each worker process (no shared backend to run or to keep coherent):
  workers and hosts that share the database share the counter. A page is rendered once per
  worker per version, which at a few writes a day is nothing.

Writes that no cached page or export shows (the audit trail, login attempts, the scheduler's
heartbeat, API-token and login-link bookkeeping) leave the counter alone, or every page view
and every scheduler tick would empty the cache.

A cached page is the part of the page that is the same for everyone with the same key (the
main content); the frame around it (menu with the user's name, flash messages, the logout
form) is rendered per request. CSRF tokens inside the content are rendered as a per-process
placeholder and filled in per request. What else a key must hold (role, region, the plan in
the query string, the user for personal pages, the minute or the day for pages that depend on
the clock) is in :func:`page_key`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import wraps
from typing import TypeVar

from cachetools import LRUCache
from flask import Flask, current_app, g, make_response, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import DDL, BigInteger, Integer, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, make_transient_to_detached, mapped_column
from sqlalchemy.orm.util import identity_key

from tracker.dates import to_local, utcnow
from tracker.extensions import db

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
def _note_bulk_changes(state) -> None:
    """``session.execute(update(...))`` and friends bypass the flush."""
    if state.is_insert or state.is_update or state.is_delete:
        tables = {mapper.local_table.name for mapper in state.all_mappers}
        if not tables or tables - UNVERSIONED_TABLES:
            state.session.info[_CHANGED] = True


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
    shows is at least as new as the version it is keyed by."""
    if "data_version" not in g:
        # A connection of its own, in autocommit: a page served from the cache then opens no
        # transaction in the request's session (no BEGIN, no ROLLBACK at the end).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            g.data_version = connection.exec_driver_sql(_READ_VERSION).scalar() or 0
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


# Rendered pages ------------------------------------------------------------------------------

_TOKEN = secrets.token_hex(12)
#: Stands in for the CSRF token in cached content; unguessable, so no user text contains it.
CSRF_PLACEHOLDER = f"csrf-{_TOKEN}"
#: Comments around the cacheable content in ``base.html`` while a page is being captured.
CONTENT_START, CONTENT_END = f"<!--{_TOKEN}:start-->", f"<!--{_TOKEN}:end-->"
_TITLE = re.compile(r"<title>(.*?) · ", re.DOTALL)


@dataclass(frozen=True)
class CachedPage:
    title: str
    content: str


class PageCache:
    """An in-process LRU of rendered content, bounded in characters, safe across threads."""

    def __init__(self, max_chars: int):
        self._entries: LRUCache = LRUCache(maxsize=max_chars, getsizeof=self._size)
        self._lock = threading.Lock()
        self._version = -1

    @staticmethod
    def _size(page: CachedPage) -> int:
        return len(page.content) + len(page.title) + 200

    def get(self, version: int, key: Hashable) -> CachedPage | None:
        with self._lock:
            if version != self._version:
                return None
            return self._entries.get(key)

    def put(self, version: int, key: Hashable, page: CachedPage) -> None:
        with self._lock:
            if version > self._version:  # older versions can never be asked for again
                self._entries.clear()
                self._version = version
            if version == self._version and self._size(page) <= self._entries.maxsize:
                self._entries[key] = page

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def clock_bucket(period: str) -> Hashable:
    """What of the clock a page depends on: the local day, or the minute (pages that list
    what is upcoming or due now)."""
    now = utcnow()
    if period == "day":
        return to_local(now, current_app.config["TIMEZONE"]).date()
    return now.replace(second=0, microsecond=0)


def _asker() -> tuple:
    """Every key holds the asker's region and whether they see drafts and beheer blocks."""
    from tracker.regions import current_region_id

    return (current_region_id(), bool(getattr(current_user, "is_admin", False)))


def page_key(period: str, vary: Hashable) -> tuple:
    return (request.endpoint, request.full_path, clock_bucket(period), _asker(), vary)


def cached_page(
    period: str = "minute",
    vary: Callable[..., Hashable] | None = None,
    every_time: Callable[[], None] | None = None,
):
    """Cache a page view's content per data version. ``vary(**view_args)`` adds what else the
    content depends on (the user, or whether they may report on the action); ``every_time``
    runs for every request, served from the cache or not (the report's audit row)."""

    def decorator(view):
        @wraps(view)
        def wrapper(**view_args):
            if every_time is not None:
                every_time()
            cache: PageCache | None = current_app.extensions.get("page_cache")
            if cache is None or request.method != "GET":
                return view(**view_args)
            version = request_data_version()
            key = page_key(period, vary(**view_args) if vary else None)
            page = cache.get(version, key)
            if page is not None:
                html = _framed(cache, version, key, page)
                return make_response(html.replace(CSRF_PLACEHOLDER, generate_csrf()))
            g.csrf_token, g.capture_page = CSRF_PLACEHOLDER, True
            try:
                response = make_response(view(**view_args))
            finally:  # an error page (404, 503) is rendered as any other page
                g.pop("csrf_token", None)
                g.capture_page = False
            if response.status_code == 200 and response.mimetype == "text/html":
                html = response.get_data(as_text=True)
                start, end = html.find(CONTENT_START), html.find(CONTENT_END)
                title = _TITLE.search(html)
                if start >= 0 and end > start and title:
                    content = html[start + len(CONTENT_START) : end]
                    cache.put(version, key, CachedPage(title.group(1), content))
                    response.set_data(html[:start] + content + html[end + len(CONTENT_END) :])
            return _with_csrf_token(response)

        return wrapper

    return decorator


_SLOT = f"<!--{_TOKEN}:content-->"


def _framed(cache: PageCache, version: int, key: tuple, page: CachedPage) -> str:
    """The cached content in this user's frame (menu, name, logout form), which is cached
    too, per user and page, except while flash messages wait to be shown (once)."""
    if "_flashes" in session:
        frame = _render_frame(page)
    else:
        frame_key = ("frame", current_user.get_id(), key)
        frame = cache.get(version, frame_key)
        if frame is None:
            frame = _render_frame(page)
            cache.put(version, frame_key, frame)
    return frame.title + page.content + frame.content


def _render_frame(page: CachedPage) -> CachedPage:
    """``base.html`` around an empty slot, split there: (before, after) as title and content."""
    g.csrf_token = CSRF_PLACEHOLDER  # a frame is shared by the user's sessions
    try:
        slot = Markup(_SLOT)  # noqa: S704 - our own comment
        html = render_template("base.html", cached_title=page.title, cached_content=slot)
    finally:
        g.pop("csrf_token", None)
    before, _, after = html.partition(_SLOT)
    return CachedPage(before, after)


def _with_csrf_token(response):
    if response.mimetype == "text/html" and not response.direct_passthrough:
        html = response.get_data(as_text=True)
        if CSRF_PLACEHOLDER in html:
            response.set_data(html.replace(CSRF_PLACEHOLDER, generate_csrf()))
    return response


# Conditional GETs ----------------------------------------------------------------------------


def conditional(
    period: str | None = "day", vary: Callable[..., Hashable] | None = None, keep: bool = False
):
    """Answer ``If-None-Match`` with 304 when nothing the response shows has changed: the
    ETag is a digest of the data version, the URL, the asker (and ``vary``) and, for
    responses that depend on the date, the day. The view does not run for a 304. With
    ``keep`` the body is kept in the page cache under its ETag too (views without side
    effects: not the exports, whose every download is audited)."""

    def decorator(view):
        @wraps(view)
        def wrapper(**view_args):
            parts = (
                request_data_version(),
                request.full_path,
                _asker(),
                getattr(current_user, "id", None),
                clock_bucket(period) if period else None,
                vary(**view_args) if vary else None,
            )
            etag = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
            if etag in request.if_none_match:
                response = current_app.response_class(status=304)
                response.set_etag(etag)
                return response
            cache: PageCache | None = current_app.extensions.get("page_cache")
            kept = cache.get(parts[0], ("body", etag)) if keep and cache else None
            if kept is not None:
                response = current_app.response_class(kept.content, mimetype=kept.title)
            else:
                response = make_response(view(**view_args))
                if keep and cache and response.status_code == 200:
                    body = response.get_data(as_text=True)
                    cache.put(parts[0], ("body", etag), CachedPage(response.mimetype, body))
            if response.status_code == 200:
                response.set_etag(etag)
                response.headers.setdefault("Cache-Control", "private, no-cache")
            return response

        return wrapper

    return decorator


def register_caching(app: Flask) -> None:
    max_chars = int(app.config.get("PAGE_CACHE_CHARS", 64_000_000))
    if max_chars > 0:
        app.extensions["page_cache"] = PageCache(max_chars)
        app.extensions["row_cache"] = RowCache()
    # ``g`` outlives a request when an app context was pushed around several (the CLI, tests):
    # the version read belongs to one request only.
    app.teardown_request(lambda exc: g.pop("data_version", None))
    markers = {"start": Markup(CONTENT_START), "end": Markup(CONTENT_END)}  # noqa: S704 - ours
    app.jinja_env.globals["content_marker"] = lambda which: (
        markers[which] if g.get("capture_page") else ""
    )
