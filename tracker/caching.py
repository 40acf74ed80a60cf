"""Rendered pages and conditional GETs, keyed by the data version (``tracker.data_version``).

The plan's data changes a few times a day and is read all day, so pages are rendered once per
data version. Every committed write moves the version in the same transaction, so

- a cache can never answer with data older than what the database holds: every request after
  a write looks for a key that does not exist yet;
- the cache can live in each worker process (no shared backend to run or to keep coherent):
  workers and hosts that share the database share the counter. A page is rendered once per
  worker per version, which at a few writes a day is nothing.

A cached page is the part of the page that is the same for everyone with the same key (the
main content); the frame around it (menu with the user's name, flash messages, the logout
form) is rendered per request. CSRF tokens inside the content are rendered as a per-process
placeholder and filled in per request. What else a key must hold (role, region, the plan in
the query string, the user for personal pages, what of the clock a page depends on: the day,
the day's meetings that have begun, or the minute) is in :func:`page_key`.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from functools import wraps
from pathlib import Path
from zoneinfo import ZoneInfo

from cachetools import LRUCache
from flask import Flask, current_app, g, make_response, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import select

from tracker.data_version import RowCache, request_data_version
from tracker.dates import to_local, utcnow
from tracker.extensions import db

# Rendered pages ------------------------------------------------------------------------------

_TOKEN = secrets.token_hex(12)
#: Stands in for the CSRF token in cached content; unguessable, so no user text contains it.
CSRF_PLACEHOLDER = f"csrf-{_TOKEN}"
_CSRF_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
#: Comments around the cacheable content in ``base.html`` while a page is being captured.
CONTENT_START, CONTENT_END = f"<!--{_TOKEN}:start-->", f"<!--{_TOKEN}:end-->"
_TITLE = re.compile(r"<title>(.*?) · ", re.DOTALL)


@dataclass(frozen=True)
class CachedPage:
    """A page's cacheable content, kept encoded: a page served from the cache is joined to
    its frame and sent as bytes, not encoded again on every request."""

    title: str
    content: bytes


@dataclass(frozen=True)
class Frame:
    """``base.html`` around a page's content for one user: what comes before and after."""

    before: bytes
    after: bytes


@dataclass(frozen=True)
class CachedBody:
    """A response body kept under its ETag (``conditional(keep=True)``)."""

    mimetype: str
    body: bytes


@dataclass
class _Render:
    """A page being rendered: the lock its render holds, and how many threads want it."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    threads: int = 0


class PageCache:
    """An in-process LRU of rendered content, bounded in bytes (``PAGE_CACHE_CHARS``), safe
    across threads."""

    def __init__(self, max_chars: int):
        self._entries: LRUCache = LRUCache(maxsize=max_chars, getsizeof=self._size)
        self._lock = threading.Lock()
        self._version = -1
        self._rendering: dict[Hashable, _Render] = {}

    @contextmanager
    def rendering(self, version: int, key: Hashable):
        """One render of a page at a time in this worker: a thread that finds the page
        missing waits here while another renders it, then finds it cached. Without this a
        new minute or data version sent every thread of the worker into the same render at
        once (a report at 100x: eight renders sharing one interpreter, seconds each)."""
        with self._lock:
            render = self._rendering.setdefault((version, key), _Render())
            render.threads += 1
        try:
            with render.lock:
                yield
        finally:
            with self._lock:
                render.threads -= 1
                if not render.threads:
                    del self._rendering[(version, key)]

    @staticmethod
    def _size(entry: CachedPage | Frame | CachedBody) -> int:
        return sum(len(part) for part in vars(entry).values()) + 200

    def get(self, version: int, key: Hashable) -> CachedPage | Frame | CachedBody | None:
        with self._lock:
            if version != self._version:
                return None
            return self._entries.get(key)

    def put(self, version: int, key: Hashable, entry: CachedPage | Frame | CachedBody) -> None:
        with self._lock:
            if version > self._version:  # older versions can never be asked for again
                self._entries.clear()
                self._version = version
            if version == self._version and self._size(entry) <= self._entries.maxsize:
                self._entries[key] = entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def clock_bucket(period: str) -> Hashable:
    """What of the clock a page depends on: the local day; the day and which of its meetings
    have begun ("meeting": pages that count meetings still ahead, such as the report); or
    the minute (pages that list what is upcoming or due now)."""
    now = utcnow()
    if period == "minute":
        return now.replace(second=0, microsecond=0)
    day = to_local(now, current_app.config["TIMEZONE"]).date()
    if period == "day":
        return day
    starts: MeetingStarts = current_app.extensions["meeting_starts"]
    return day, bisect.bisect_right(starts.of(day), now)


class MeetingStarts:
    """The start times of a day's meetings, read once per data version and day in each
    worker: a page keyed by them is rendered again when a meeting begins, not every minute
    (the report at 100x took a second to render, once a minute per worker)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._kept: tuple[Hashable, tuple[datetime, ...]] = (None, ())

    def of(self, day: date) -> tuple[datetime, ...]:
        from tracker.meetings.models import Meeting

        key = (request_data_version(), day)
        with self._lock:
            kept_key, starts = self._kept
        if kept_key != key:
            zone = ZoneInfo(current_app.config["TIMEZONE"])
            begin, end = (
                datetime.combine(d, clock_time(0), zone).astimezone(UTC).replace(tzinfo=None)
                for d in (day, day + timedelta(days=1))
            )
            starts = tuple(
                db.session.scalars(
                    select(Meeting.starts_at)
                    .where(Meeting.starts_at >= begin, Meeting.starts_at < end)
                    .order_by(Meeting.starts_at)
                )
            )
            with self._lock:
                self._kept = (key, starts)
        return starts

    def clear(self) -> None:
        with self._lock:
            self._kept = (None, ())


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
            if page is None:
                with cache.rendering(version, key):
                    page = cache.get(version, key)
                    if page is None:
                        return _render_and_keep(cache, version, key, view, view_args)
            body = _framed(cache, version, key, page)
            return make_response(body.replace(_CSRF_PLACEHOLDER_BYTES, _csrf_token().encode()))

        return wrapper

    return decorator


def _render_and_keep(cache: PageCache, version: int, key: tuple, view, view_args: dict):
    """Render the page with a placeholder for the CSRF token and markers around its content,
    keep the content, and answer with the page as it is."""
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
            cache.put(version, key, CachedPage(title.group(1), content.encode()))
            response.set_data(html[:start] + content + html[end + len(CONTENT_END) :])
    return _with_csrf_token(response)


_SLOT = f"<!--{_TOKEN}:content-->"


def _framed(cache: PageCache, version: int, key: tuple, page: CachedPage) -> bytes:
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
    return frame.before + page.content + frame.after


def _render_frame(page: CachedPage) -> Frame:
    """``base.html`` around an empty slot, split there."""
    g.csrf_token = CSRF_PLACEHOLDER  # a frame is shared by the user's sessions
    try:
        slot = Markup(_SLOT)  # noqa: S704 - our own comment
        html = render_template("base.html", cached_title=page.title, cached_content=slot)
    finally:
        g.pop("csrf_token", None)
    before, _, after = html.partition(_SLOT)
    return Frame(before.encode(), after.encode())


def _with_csrf_token(response):
    if response.mimetype == "text/html" and not response.direct_passthrough:
        html = response.get_data(as_text=True)
        if CSRF_PLACEHOLDER in html:
            response.set_data(html.replace(CSRF_PLACEHOLDER, _csrf_token()))
    return response


#: A session's signed CSRF token is reused for this long (signing it was a tenth of the cost
#: of a cached page). The signature's age only counts with ``WTF_CSRF_TIME_LIMIT``, which is
#: off: the token lives as long as the session.
CSRF_REUSE_SECONDS = 60


class SignedTokens:
    """The CSRF tokens this worker signed lately, by secret and session token, with when."""

    def __init__(self, max_tokens: int = 10_000):
        self._tokens: LRUCache = LRUCache(maxsize=max_tokens)
        self._lock = threading.Lock()

    def get(self, secret: str, raw: str, now: float) -> str | None:
        with self._lock:
            kept = self._tokens.get((secret, raw))
        return kept[0] if kept is not None and now - kept[1] < CSRF_REUSE_SECONDS else None

    def keep(self, secret: str, raw: str, token: str, now: float) -> None:
        with self._lock:
            self._tokens[(secret, raw)] = (token, now)


def _csrf_token() -> str:
    """``generate_csrf()``, with this session's token as signed within the last minute."""
    if "csrf_token" in g:
        return generate_csrf()
    tokens: SignedTokens = current_app.extensions["signed_csrf_tokens"]
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    now, raw = time.time(), session.get("csrf_token")
    kept = tokens.get(secret, raw, now) if isinstance(raw, str) else None
    if kept is not None:
        g.csrf_token = kept
        return kept
    token = generate_csrf()  # a session without a token gets one
    tokens.keep(secret, session["csrf_token"], token, now)
    return token


# Conditional GETs ----------------------------------------------------------------------------


def conditional(
    period: str | None = "day", vary: Callable[..., Hashable] | None = None, keep: bool = False
):
    """Answer ``If-None-Match`` with 304 when nothing the response shows has changed: the
    ETag is a digest of the release (``release_digest``), the data version, the URL, the
    asker (and ``vary``) and, for responses that depend on the date, the day. The view does
    not run for a 304. With ``keep`` the body is kept in the page cache under its ETag too
    (views without side effects: not the exports, whose every download is audited)."""

    def decorator(view):
        @wraps(view)
        def wrapper(**view_args):
            parts = (
                current_app.extensions["release"],
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
            kept = cache.get(parts[1], ("body", etag)) if keep and cache else None
            if kept is not None:
                response = current_app.response_class(kept.body, mimetype=kept.mimetype)
            else:
                response = make_response(view(**view_args))
                if keep and cache and response.status_code == 200:
                    body = CachedBody(response.mimetype, response.get_data())
                    cache.put(parts[1], ("body", etag), body)
            if response.status_code == 200:
                response.set_etag(etag)
                response.headers.setdefault("Cache-Control", "private, no-cache")
            return response

        return wrapper

    return decorator


@functools.cache
def release_digest(template_folder: str) -> str:
    """What this release of the code and templates is, for the ETags: a client keeps an
    ETag across an upgrade, and a PDF or export laid out anew must not be answered with
    304. Read once per process (a few milliseconds); the same on every host."""
    from tracker import PACKAGE_DIR

    digest = hashlib.sha256()
    for folder in (PACKAGE_DIR, Path(template_folder)):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".py", ".html", ".txt", ".css", ".yaml"}:
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def register_caching(app: Flask) -> None:
    app.extensions["release"] = release_digest(app.template_folder)
    max_chars = int(app.config.get("PAGE_CACHE_CHARS", 64_000_000))
    if max_chars > 0:
        app.extensions["page_cache"] = PageCache(max_chars)
        app.extensions["row_cache"] = RowCache()
    app.extensions["meeting_starts"] = MeetingStarts()
    app.extensions["signed_csrf_tokens"] = SignedTokens()
    # ``g`` outlives a request when an app context was pushed around several (the CLI, tests):
    # the version read belongs to one request only.
    app.teardown_request(lambda exc: g.pop("data_version", None))
    markers = {"start": Markup(CONTENT_START), "end": Markup(CONTENT_END)}  # noqa: S704 - ours
    app.jinja_env.globals["content_marker"] = lambda which: (
        markers[which] if g.get("capture_page") else ""
    )
