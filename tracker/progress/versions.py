"""Optimistic concurrency for progress and plan edits: forms carry the version they were shown
with. A save against an older version raises ``StaleEdit`` and writes nothing; the database's
version check (``version_id_col``) also catches a race between two saves that both passed the
form check."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db


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
