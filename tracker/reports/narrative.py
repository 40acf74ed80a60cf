"""The report's own words: a short text per theme and "Gevraagd van het RVO".

The beheerder writes them (and a lezer given ``may_write_report``, such as the portfolio
holder) in one draft per plan; every report shows the draft as it is, and freezing a report
keeps a copy in the snapshot, so two snapshots compare in words as well as in numbers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tracker.audit.services import record
from tracker.conflicts import StaleEdit, check_version, saving
from tracker.extensions import db
from tracker.plan.models import Plan
from tracker.reports.models import ReportDraft

ASKS_LABEL = "Gevraagd van het RVO"


def can_write(user) -> bool:
    return user.is_authenticated and (user.is_admin or user.may_write_report)


def draft_of(plan: Plan) -> ReportDraft | None:
    return db.session.scalar(select(ReportDraft).where(ReportDraft.plan_id == plan.id))


def as_data(draft: ReportDraft | None) -> dict | None:
    """The draft as the report's plain data; None when nothing is written."""
    if draft is None:
        return None
    # Each text under a "text" key, like every free text of the report (the privacy guard
    # masks those keys before anything leaves).
    texts = {number: {"text": text} for number, text in draft.theme_texts.items() if text.strip()}
    if not texts and not draft.asks.strip():
        return None
    return {
        "themes": texts,
        "asks": draft.asks,
        "updated_at": draft.updated_at.isoformat(),
        "updated_by": draft.updated_by.name if draft.updated_by else "",
    }


def save(
    plan: Plan,
    author,
    *,
    theme_texts: dict[str, str],
    asks: str,
    expected_version: int,
    now: datetime,
) -> ReportDraft | None:
    """Store the texts; version 0 means 'no draft yet'. None when nothing changed."""
    theme_texts = {number: text.strip() for number, text in theme_texts.items()}
    asks = asks.strip()
    with saving():
        draft = draft_of(plan)
        if draft is None:
            if expected_version != 0:
                raise StaleEdit
            draft = ReportDraft(plan_id=plan.id, theme_texts={}, asks="")
            db.session.add(draft)
        else:
            check_version(draft, expected_version)
        if (draft.theme_texts, draft.asks) == (theme_texts, asks):
            return None
        before = draft.theme_texts
        changed = [f"thema {n}" for n, text in theme_texts.items() if text != before.get(n, "")]
        if asks != draft.asks:
            changed.append(ASKS_LABEL)
        draft.theme_texts, draft.asks = theme_texts, asks
        draft.updated_at, draft.updated_by_id = now, author.id
        record("report.text", author, plan.title, "Gewijzigd: " + ", ".join(changed))
    return draft


def compare(old: dict | None, new: dict | None, theme_titles: dict[str, str]) -> list[dict]:
    """The texts that differ between two reports: per theme, then the asks."""
    old, new = old or {"themes": {}, "asks": ""}, new or {"themes": {}, "asks": ""}

    def text(report, number):
        return report["themes"].get(number, {}).get("text", "")

    parts = [
        (f"Thema {number}: {title}", text(old, number), text(new, number))
        for number, title in theme_titles.items()
    ]
    parts.append((ASKS_LABEL, old.get("asks", ""), new.get("asks", "")))
    return [
        {"part": part, "before": before, "after": after}
        for part, before, after in parts
        if before.strip() != after.strip()
    ]
