"""Taking out what slipped in: a stored text is replaced by a marker saying who, when and
why, and the original is erased from every place it was copied to: report snapshots (data
and PDF), the audit log, plan revisions, e-mails in the outbox table and the ``.eml`` files.
The redaction itself is audited without the content."""

from __future__ import annotations

import email
from datetime import datetime
from email import policy
from pathlib import Path

from flask import current_app
from icalendar import Calendar
from markupsafe import escape
from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.audit.services import record
from tracker.dates import dutch_date
from tracker.extensions import db
from tracker.files import write_private
from tracker.notifications.models import Notification
from tracker.previews import UploadPreview
from tracker.privacy.guard import mask_hard
from tracker.progress.models import ActionRevision
from tracker.redaction.models import Redaction
from tracker.redaction.targets import MARKER_PREFIX, Target
from tracker.reports.models import ReportSnapshot
from tracker.reports.pdf import report_pdf

#: Shorter originals are only erased where a copy holds exactly that text (a whole value),
#: so redacting "Stadhuis" does not rewrite every message that mentions a town hall.
MIN_SUBSTRING = 20


def marker_text(actor, now: datetime, reason: str, max_length: int | None) -> str:
    marker = (
        f"{MARKER_PREFIX} op {dutch_date(now, current_app.config['TIMEZONE'])} door "
        f"{actor.name}: {reason.strip()}]"
    )
    if max_length and len(marker) > max_length:
        marker = marker[: max_length - 2] + "…]"
    return marker


class _Scrubber:
    """Replaces the original in nested JSON-like values; counts what it changed."""

    def __init__(self, original: str, marker: str):
        self.original, self.marker = original, marker
        self.substring = len(original) >= MIN_SUBSTRING

    def text(self, value: str) -> str:
        if value == self.original:
            return self.marker
        if self.substring and self.original in value:
            return value.replace(self.original, self.marker)
        return value

    def value(self, value):
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value


def _scrub_rows(rows, columns: tuple[str, ...], scrubber: _Scrubber) -> list:
    changed = []
    for row in rows:
        touched = False
        for column in columns:
            before = getattr(row, column)
            after = scrubber.value(before)
            if after != before:
                setattr(row, column, after)
                touched = True
        if touched:
            changed.append(row)
    return changed


def _scrub_snapshots(scrubber: _Scrubber) -> int:
    snapshots = db.session.scalars(select(ReportSnapshot)).all()
    changed = _scrub_rows(snapshots, ("data",), scrubber)
    for snapshot in changed:
        # The stored PDF is made from the data again.
        snapshot.pdf = report_pdf(snapshot.data, snapshot.file_stem)
    return len(changed)


def _scrub_calendar(data: bytes, scrubber: _Scrubber) -> bytes:
    calendar = Calendar.from_ical(data)
    for component in calendar.walk("VEVENT"):
        for name in ("description", "location", "summary"):
            if name in component:
                component[name] = scrubber.text(str(component[name]))
    return calendar.to_ical()


def _scrub_eml(path: Path, scrubber: _Scrubber) -> bool:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    changed = False
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        if kind == "text/plain" or kind == "text/html":
            content = part.get_content()
            new = scrubber.text(content)
            if kind == "text/html" and new == content:
                escaped = str(escape(scrubber.original))
                if escaped in content and (scrubber.substring or content.strip() == escaped):
                    new = content.replace(escaped, str(escape(scrubber.marker)))
            if new != content:
                part.set_content(new, subtype=kind.split("/")[1])
                changed = True
        elif kind == "text/calendar":
            content = part.get_content()
            raw = content.encode() if isinstance(content, str) else content
            new = _scrub_calendar(raw, scrubber)
            if new != Calendar.from_ical(raw).to_ical():
                part.set_content(
                    new,
                    maintype="text",
                    subtype="calendar",
                    disposition="attachment",
                    filename=part.get_filename(),
                )
                changed = True
    if changed:
        write_private(path, message.as_bytes())
    return changed


def _scrub_eml_files(scrubber: _Scrubber) -> int:
    folder = Path(current_app.instance_path) / "outbox"
    if not folder.is_dir():
        return 0
    return sum(_scrub_eml(path, scrubber) for path in folder.glob("*.eml"))


def redact(target: Target, row, reason: str, actor, now: datetime) -> Redaction:
    """Replace the text and erase its copies. The caller commits."""
    original = getattr(row, target.column) or ""
    marker = marker_text(actor, now, reason, target.max_length)
    setattr(row, target.column, marker)
    copies = 0
    if original.strip():
        scrubber = _Scrubber(original, marker)
        audit = db.session.scalars(select(AuditEvent)).all()
        copies += len(_scrub_rows(audit, ("summary", "details"), scrubber))
        revisions = db.session.scalars(select(ActionRevision)).all()
        copies += len(_scrub_rows(revisions, ("reason", "changes"), scrubber))
        mails = db.session.scalars(
            select(Notification).where(Notification.body_text.is_not(None))
        ).all()
        copies += len(_scrub_rows(mails, ("subject", "body_text"), scrubber))
        copies += _scrub_snapshots(scrubber)
        previews = db.session.scalars(select(UploadPreview)).all()
        copies += len(_scrub_rows(previews, ("changes",), scrubber))
        copies += _scrub_eml_files(scrubber)
    mask_hard.cache_clear()  # it may hold the original; other processes drop it as it ages out
    redaction = Redaction(
        target=target.key,
        target_id=row.id,
        redacted_by_id=actor.id,
        redacted_at=now,
        reason=reason.strip(),
        copies_erased=copies,
    )
    db.session.add(redaction)
    # The audit event names what and why, never the content.
    record(
        "redaction.redact",
        actor,
        target.describe(row),
        f"{target.label} afgeschermd: {reason.strip()}",
        copies_erased=copies,
    )
    return redaction
