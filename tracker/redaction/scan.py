"""Scanning what is stored: every text people typed or imported, with its findings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.privacy.detect import Finding, mask
from tracker.privacy.guard import check, text_digest
from tracker.privacy.models import PrivacyConfirmation
from tracker.redaction.models import PrivacyScan
from tracker.redaction.targets import TARGETS, Target


@dataclass(frozen=True)
class StoredText:
    """A text and the row it is stored in. Where it is and its date are read only for the
    texts with findings (they may load the row's action or meeting)."""

    target: Target
    row: object
    text: str

    @property
    def row_id(self) -> int:
        return self.row.id

    @property
    def where(self) -> str:
        return self.target.describe(self.row)

    @property
    def at(self) -> datetime | None:
        return self.target.date(self.row)


@dataclass(frozen=True)
class ScanFinding:
    stored: StoredText
    findings: list[Finding]
    #: Who confirmed the name in this text as no case (the latest confirmation), if anyone.
    confirmation: PrivacyConfirmation | None = None

    @property
    def is_hard(self) -> bool:
        return any(f.is_hard for f in self.findings)

    @property
    def kinds(self) -> str:
        return ", ".join(sorted({f.kind.label for f in self.findings}))

    @property
    def names(self) -> str:
        """The names and ages found, as written: what a beheerder reviews a confirmation by
        (hard findings stay masked)."""
        return ", ".join(f.text for f in self.findings if not f.is_hard)

    @property
    def masked_excerpt(self) -> str:
        """The text with every finding masked (names too), shortened: safe to print."""
        masked = mask(self.stored.text, self.findings, hard_only=False)
        return masked if len(masked) <= 160 else masked[:159] + "…"


def stored_texts() -> Iterator[StoredText]:
    """Every redactable text that holds anything, each table read once for all its texts."""
    by_model: dict[type, list[Target]] = {}
    for target in TARGETS.values():
        by_model.setdefault(target.model, []).append(target)
    for model, targets in by_model.items():
        for row in db.session.scalars(select(model)).yield_per(500):
            for target in targets:
                text = getattr(row, target.column) or ""
                if text.strip() and not target.is_redacted(text):
                    yield StoredText(target, row, text)


def find_all() -> tuple[list[ScanFinding], int]:
    """Every stored text with findings, and how many texts were checked; each with the
    latest confirmation of its names."""
    confirmations = {
        c.text_digest: c
        for c in db.session.scalars(
            select(PrivacyConfirmation).order_by(PrivacyConfirmation.confirmed_at)
        )
    }
    results, checked = [], 0
    for stored in stored_texts():
        checked += 1
        if findings := check(stored.text, reading=stored.target.reading):
            confirmation = confirmations.get(text_digest(stored.text))
            results.append(ScanFinding(stored, findings, confirmation))
    return results, checked


#: How long a confirmed name may wait for a beheerder's look before the overview lists it.
REVIEW_DAYS = 14


def confirmations_to_review(now: datetime) -> list[PrivacyConfirmation]:
    """Confirmations no beheerder has looked at, older than ``REVIEW_DAYS``."""
    return list(
        db.session.scalars(
            select(PrivacyConfirmation)
            .where(
                PrivacyConfirmation.reviewed_at.is_(None),
                PrivacyConfirmation.confirmed_at < now - timedelta(days=REVIEW_DAYS),
            )
            .order_by(PrivacyConfirmation.confirmed_at)
        )
    )


def scan(now: datetime) -> list[ScanFinding]:
    """The scan as a job (nightly, and the CLI): check everything and record the counts the
    beheerder's overview shows. The caller commits."""
    results, checked = find_all()
    db.session.add(
        PrivacyScan(
            ran_at=now,
            texts_checked=checked,
            hard_count=sum(r.is_hard for r in results),
            soft_count=sum(not r.is_hard for r in results),
        )
    )
    return results


def latest_scan() -> PrivacyScan | None:
    return db.session.scalar(select(PrivacyScan).order_by(PrivacyScan.ran_at.desc()).limit(1))
