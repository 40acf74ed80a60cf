"""Conditional GETs: a response carries an ETag made of what it shows (the release, the data
version, the URL, the asker, and for responses that depend on the date, the day), and a
client that sends it back gets 304 without the view running. Every page is rendered from the
database; nothing is kept between requests.

The data version (``tracker.data_version``) moves in the same transaction as every write that
changes rows, so an ETag never outlives what it stands for, in any worker or on any host.
"""

from __future__ import annotations

import functools
import hashlib
from functools import wraps
from pathlib import Path

from flask import Flask, current_app, make_response, request
from flask_login import current_user

from tracker.data_version import read_data_version
from tracker.dates import local_today


def conditional(period: str | None = "day", cache_control: str = "private, no-cache"):
    """Answer ``If-None-Match`` with 304 when nothing the response shows has changed; with
    ``period="day"`` the ETag also holds the local day (pages and files that say "today").
    ``cache_control`` goes on the 200 and the 304 alike (``public, …`` for the public page)."""

    def decorator(view):
        @wraps(view)
        def wrapper(**view_args):
            etag = _etag(period)
            if request.if_none_match.contains(etag):
                response = current_app.response_class(status=304)
                response.headers["Cache-Control"] = cache_control
            else:
                response = make_response(view(**view_args))
                if response.status_code != 200:
                    return response
                response.headers.setdefault("Cache-Control", cache_control)
            response.set_etag(etag)
            return response

        return wrapper

    return decorator


def _etag(period: str | None) -> str:
    # A person sees their region's rows; an anonymous visitor always the installation's
    # first region, which only a write (and so the data version) can change.
    user = current_user
    parts = (
        current_app.extensions["release"],
        read_data_version(),
        request.full_path,
        (user.id, user.region_id) if user.is_authenticated else None,
        local_today() if period == "day" else None,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


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


def register_conditional(app: Flask) -> None:
    app.extensions["release"] = release_digest(app.template_folder)
