"""Regions: which plans, parties, municipalities, meeting series and people belong together.

Design. Every region-owned row carries ``region_id``; a person sees the rows of their own
region and nothing else. One installation can so serve several safety regions (a national
rollout is rows in ``region``, not a fork). Two rules keep that cheap to get right:

- what hangs off a plan (themes, actions, progress, reports, snapshots) is reached through the
  plan, and ``visible_plans()`` only offers the reader's region's plans, so those follow;
- the few lists that are not reached through a plan (parties, municipalities, meeting series,
  accounts) filter with ``in_region(Model)``.

A single-region installation never has to think about it: a new row that names no region gets
the installation's first region (made on first use, named after ``DEFAULT_REGION_NAME``), see
``_assign_default_region``. Party and municipality codes stay unique in the whole installation
(they are the seeds' keys); a second region's seeds use their own codes.
"""

from __future__ import annotations

import re

from flask import current_app, g, has_app_context, has_request_context
from flask_login import current_user
from sqlalchemy import ColumnElement, Integer, bindparam, event, func, insert, select
from sqlalchemy.orm import Session

from tracker.extensions import db
from tracker.plan.models import Region

DEFAULT_REGION_NAME = "VeiligheidsAlliantie regio Rotterdam"


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "regio"


def region_named(session: Session, name: str) -> Region:
    """The region with this name, created when new (the seed loader's rule)."""
    region = session.scalar(select(Region).where(Region.name == name))
    if region is None:
        slug, n = slugify(name), 1
        while session.scalar(select(Region.id).where(Region.slug == slug)) is not None:
            n += 1
            slug = f"{slugify(name)[:76]}-{n}"
        region = Region(name=name, slug=slug)
        session.add(region)
        session.flush()
    return region


def default_region_id(session: Session) -> int:
    """The installation's first region; made (with the configured name) when there is none.
    Plain SQL, so it may run while the session flushes."""
    region_id = session.scalar(_FIRST_REGION)
    if region_id is None:
        name = DEFAULT_REGION_NAME
        if has_app_context():
            name = current_app.config.get("DEFAULT_REGION_NAME", DEFAULT_REGION_NAME)
        session.execute(insert(Region).values(name=name, slug=slugify(name)))
        region_id = session.scalar(_FIRST_REGION)
    return region_id


_FIRST_REGION = select(Region.id).order_by(Region.id).limit(1)


def current_region_id() -> int:
    """The region of the person asking; the first region outside a login (CLI, scheduler,
    an anonymous visitor of the public page: read once per request)."""
    if not has_request_context():
        return default_region_id(db.session)
    if current_user and current_user.is_authenticated:
        return current_user.region_id
    if "default_region_id" not in g:
        g.default_region_id = default_region_id(db.session)
    return g.default_region_id


def asker_region_id() -> int | None:
    """The logged-in person's region; None for anyone else, whose region (the first) a
    statement that compares with ``region_or_first()`` picks itself: one query less for an
    anonymous visitor of the public page."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.region_id
    return None


def region_or_first() -> ColumnElement[int]:
    """The ``region_id`` parameter (``asker_region_id()``), or the first region when None."""
    return func.coalesce(bindparam("region_id", type_=Integer), _FIRST_REGION.scalar_subquery())


def in_region(model):
    """WHERE clause: rows of ``model`` that belong to the asker's region."""
    return model.region_id == current_region_id()


def _region_owned(obj) -> bool:
    return hasattr(type(obj), "region_id") and not isinstance(obj, Region)


@event.listens_for(Session, "before_flush")
def _assign_default_region(session: Session, _context, _instances) -> None:
    """New region-owned rows that name no region join the installation's first one."""
    pending = [
        obj
        for obj in session.new
        if _region_owned(obj) and obj.region_id is None and _named_region(obj) is None
    ]
    if not pending:
        return
    region_id = default_region_id(session)
    for obj in pending:
        obj.region_id = region_id


def _named_region(obj):
    """A region given through a relationship (``plan.owning_region = …``) rather than an id."""
    return getattr(obj, "owning_region", None)
