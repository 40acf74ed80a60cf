"""``/api/v1/meetings``: meetings with their agenda, decisions and follow-ups (routes on the
API blueprint, described in its OpenAPI document). A draft agenda stays the beheerder's."""

from __future__ import annotations

from datetime import datetime

from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tracker.conditional import conditional
from tracker.extensions import db
from tracker.meetings.models import AgendaItem, Meeting, MeetingOutcome, MeetingSeries
from tracker.plan.models import Action
from tracker.plan.regions import in_region


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None


def meeting_json(meeting: Meeting, *, detail: bool = False) -> dict:
    body = {
        "id": meeting.id,
        "series": {"code": meeting.series.code, "name": meeting.series.name},
        "action": meeting.series.action.code if meeting.series.action else None,
        "starts_at": _moment(meeting.starts_at),
        "ends_at": _moment(meeting.ends_at),
        "location": meeting.location,
        "state": meeting.state,
        "agenda_published_at": _moment(meeting.agenda_published_at),
    }
    if detail:
        visible = meeting.agenda_version > 0 or current_user.is_admin
        body["agenda"] = [_item_json(item) for item in meeting.items] if visible else []
        body["decisions"] = [_outcome_json(o) for o in meeting.outcomes if not o.is_follow_up]
        body["follow_ups"] = [_outcome_json(o) for o in meeting.outcomes if o.is_follow_up]
    return body


def _item_json(item: AgendaItem) -> dict:
    return {
        "position": item.position,
        "title": item.title,
        "actions": [a.code for a in item.actions],
        "theme": item.theme_number,
        "presenter": item.presenter.code if item.presenter else None,
        "minutes": item.duration_minutes,
    }


def _outcome_json(outcome: MeetingOutcome) -> dict:
    body = {"text": outcome.text, "actions": [a.code for a in outcome.actions]}
    if outcome.is_follow_up:
        body |= {
            "party": outcome.party.code if outcome.party else None,
            "due": outcome.due_on.isoformat() if outcome.due_on else None,
            "done_at": _moment(outcome.done_at),
        }
    return body


@conditional()
def meetings():
    """All meetings, oldest first; ``?reeks=regionale-tafel`` for one series."""
    stmt = (
        select(Meeting)
        .join(Meeting.series)
        .where(in_region(MeetingSeries))
        .options(
            joinedload(Meeting.series).joinedload(MeetingSeries.action).joinedload(Action.theme)
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if code := request.args.get("reeks", "").strip():
        series = db.session.scalar(
            select(MeetingSeries).where(MeetingSeries.code == code, in_region(MeetingSeries))
        )
        if series is None:
            abort(404, description=f"Overleg '{code[:40]}' is onbekend.")
        stmt = stmt.where(Meeting.series_id == series.id)
    found = db.session.scalars(stmt).all()
    return jsonify({"count": len(found), "meetings": [meeting_json(m) for m in found]})


@conditional()
def meeting(meeting_id: int):
    found = db.session.scalar(
        select(Meeting)
        .join(Meeting.series)
        .where(Meeting.id == meeting_id, in_region(MeetingSeries))
        .options(
            selectinload(Meeting.items).selectinload(AgendaItem.actions),
            selectinload(Meeting.outcomes).selectinload(MeetingOutcome.actions),
        )
    )
    if found is None:
        abort(404, description="Deze vergadering bestaat niet.")
    return jsonify(meeting_json(found, detail=True))
