"""Two requests that write the same thing at once: a unique key both tried to create (a
double click, two colleagues) or a row one changed under the other (optimistic locking).
The second gets a clear Dutch 409, never a 500; where a form can say more, its view writes
``with created_once()`` and keeps what was typed.

Optimistic locking for edits: forms carry the version they were shown with. A save against
an older version raises ``StaleEdit`` and writes nothing; the database's version check
(``version_id_col``) also catches a race between two saves that both passed the form check."""

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


class StaleEdit(Exception):
    """The object changed since the form was shown; nothing was saved."""


@contextmanager
def saving():
    """Flush what the block wrote; a version clash at flush becomes StaleEdit (the UPDATE's
    ``WHERE version = …`` matched nothing). A unique-key clash (two first saves of the same
    cell) is a stale edit too. The caller commits, as with every service."""
    try:
        yield
        db.session.flush()
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        raise StaleEdit from exc
    except BaseException:
        db.session.rollback()
        raise


def check_version(obj, expected_version: int) -> None:
    if obj.version != expected_version:
        raise StaleEdit


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
