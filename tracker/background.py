"""Work that must not run inside the request that asked for it.

The "mail me a link" forms answer at once and identically for every address; looking the
address up, issuing the token and talking to the SMTP server happen here, afterwards, so
neither a slow or broken mail server nor the lookup shows in the response (status or time).
A small thread pool per process is enough: these jobs are rare and short, and they carry
secrets that must not be stored in the database outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from flask import Flask, current_app

from tracker.extensions import db

_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tracker-background")
_futures: set[Future] = set()


def _run(app: Flask, job: Callable, args: tuple) -> None:
    with app.app_context():
        try:
            job(*args)
        except Exception:
            db.session.rollback()
            app.logger.exception("Background job %s failed", job.__name__)
        finally:
            db.session.remove()


def submit(job: Callable, *args) -> None:
    """Run ``job(*args)`` in an app context of its own after the request."""
    app = current_app._get_current_object()
    future = _executor.submit(_run, app, job, args)
    _futures.add(future)
    future.add_done_callback(_futures.discard)


def wait_idle(timeout: float = 30) -> None:
    """Block until every submitted job has finished (tests; orderly shutdown)."""
    wait(list(_futures), timeout=timeout)
