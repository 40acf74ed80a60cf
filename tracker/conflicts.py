"""Two requests that write the same thing at once: a unique key both tried to create (a
double click, two colleagues) or a row one changed under the other (optimistic locking).
The second gets a clear Dutch 409, never a 500; where a form can say more, its view writes
``with created_once()`` and keeps what was typed."""

from __future__ import annotations

from contextlib import contextmanager

from flask import Flask, current_app, render_template, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db

CONFLICT_TITLE = "Tegelijk gewijzigd"
CONFLICT_TEXT = (
    "Een ander verzoek sloeg hetzelfde op dat moment op (een tweede klik, of een collega "
    "tegelijk). Uw wijziging is niet opgeslagen. Laad de pagina opnieuw: u ziet dan de "
    "huidige stand en kunt zo nodig opnieuw opslaan."
)


def is_unique_violation(exc: IntegrityError) -> bool:
    """A duplicate key (PostgreSQL's SQLSTATE 23505, SQLite's 'UNIQUE constraint failed'),
    not a broken foreign key or a missing value, which are bugs."""
    original = exc.orig
    return getattr(original, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(
        original
    )


class Duplicate(Exception):
    """What the block wrote has a key another request created a moment ago; rolled back."""


@contextmanager
def created_once():
    """Write and commit in the block; a duplicate key, whether at a flush inside it or at
    the commit, rolls back and raises ``Duplicate``, so the view can say why on its form
    (with what was typed still in it)."""
    try:
        yield
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        if not is_unique_violation(exc):
            raise
        raise Duplicate from exc


def _conflict_page(exc: Exception):
    if isinstance(exc, IntegrityError) and not is_unique_violation(exc):
        raise exc
    db.session.rollback()
    current_app.logger.info("Concurrent write refused on %s: %s", request.path, exc)
    if request.path.startswith("/api/"):
        return {"error": {"status": 409, "message": CONFLICT_TEXT}}, 409
    return render_template("error.html", title=CONFLICT_TITLE, text=CONFLICT_TEXT, code=409), 409


def register_conflicts(app: Flask) -> None:
    app.register_error_handler(IntegrityError, _conflict_page)
    app.register_error_handler(StaleDataError, _conflict_page)
