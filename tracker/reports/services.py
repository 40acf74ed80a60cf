"""Building the progress report for the RVO as plain data.

``build_report`` returns dicts and lists only (no ORM objects), so the same structure renders
the page, the PDF and the exports, and freezes as JSON into a snapshot that never changes.
Everything is computed "as of" the reference date (peildatum): the state of each action is the
last progress update made on or before that day.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Row, select

from tracker.dates import end_of_day_utc
from tracker.extensions import db
from tracker.municipalities import matrix as municipal_matrix
from tracker.municipalities import rollup
from tracker.plan.models import (
    SIGNAL_LABELS,
    STATUS_LABELS,
    Action,
    Municipality,
    Party,
    Plan,
    Signal,
    Status,
    deadline_passed,
)
from tracker.progress.models import ProgressUpdate
from tracker.progress.revisions import plan_decisions
from tracker.reports import loading, municipal, standing
from tracker.reports.models import ReportSnapshot
from tracker.text import short

SHORT_TEXT = 160
#: Long lists (attention points, overdue and finished actions) show this many items on the
#: page and in the PDF summary: "toon alle" on the page (``?volledig=1``), the annexes for the PDF.
LIST_CAP = 25
#: The page's annex shows this many actions per theme before "toon alle" (as many as the long
#: lists: at 100 times the plan's size 50 a theme made the annex 163 kB of a 211 kB page,
#: every view of it; the real plan's largest theme has fewer).
ANNEX_CAP = 25


@dataclass(frozen=True)
class ReportParams:
    reference_date: date
    since: date | None = None
    theme: int | None = None
    party: str | None = None
    municipality: str | None = None

    def as_query(self) -> dict:
        query = {"peildatum": self.reference_date.isoformat()}
        if self.since:
            query["sinds"] = self.since.isoformat()
        if self.theme:
            query["thema"] = self.theme
        if self.party:
            query["partij"] = self.party
        if self.municipality:
            query["gemeente"] = self.municipality
        return query


def _owners(action: Action) -> str:
    names = []
    for owner in action.owners:
        role = f" ({owner.role})" if owner.role else ""
        names.append(f"{owner.display_name}{role}")
    return ", ".join(names)


def _row(action: Action, latest: Row | None, summary: rollup.Rollup | None) -> dict:
    """One action as the report shows it: its state as of the latest update before the
    reference date; for an every-municipality action, fed by the municipalities' rows."""
    recorded = latest.status_after if latest else Status.NOT_STARTED.value
    status = rollup.regional_status(recorded, summary)
    signal = latest.signal_after if latest else None
    return {
        "code": action.code,
        "text": action.text,
        "short_text": short(action.text, SHORT_TEXT),
        "owners": _owners(action),
        "planning": action.planning,
        "due": action.due_on.isoformat() if action.due_on else None,
        "status": status,
        "status_label": STATUS_LABELS[Status(status)],
        "signal": signal,
        "signal_label": SIGNAL_LABELS[Signal(signal)] if signal else "",
        "latest_update_at": latest.created_at.isoformat() if latest else None,
        "latest_update_text": latest.text if latest else "",
        "version": action.version,
        "rollup": summary.text if summary else None,
    }


def _change(action: Action, update: ProgressUpdate) -> dict:
    def signal_label(value):
        return SIGNAL_LABELS[Signal(value)] if value else ""

    return {
        "code": action.code,
        "at": update.created_at.isoformat(),
        "author": update.author.name if update.author else "",
        "status_before": STATUS_LABELS[Status(update.status_before)],
        "status_after": STATUS_LABELS[Status(update.status_after)],
        "status_changed": update.status_before != update.status_after,
        "signal_before": signal_label(update.signal_before),
        "signal_after": signal_label(update.signal_after),
        "text": update.text,
    }


def _is_overdue(action: Action, row: dict, reference_date: date) -> bool:
    return deadline_passed(action, row["status"], reference_date)


def _is_stale(
    row: dict, latest: Row | None, tracked_since: datetime | None, until: datetime, days: int
) -> bool:
    """Open, and long not updated by ``until`` (``standing.long_not_updated``)."""
    if Status(row["status"]).is_closed:
        return False
    return standing.long_not_updated(
        latest.created_at if latest else None, tracked_since, until, days
    )


#: The signal counters' key for actions without a signal.
NO_SIGNAL = "geen"


def _theme_summary(number: int, title: str, rows: list[dict]) -> dict:
    """A theme's rows with its counts per status and per signal."""
    by_status = Counter(row["status"] for row in rows)
    by_signal = Counter(row["signal"] or NO_SIGNAL for row in rows)
    return {
        "number": number,
        "title": title,
        "rows": rows,
        "by_status": {s.value: by_status[s.value] for s in Status},
        "by_signal": {key: by_signal[key] for key in [*(s.value for s in Signal), NO_SIGNAL]},
        "total": len(rows),
    }


def _totals(themes: list[dict]) -> dict:
    return {
        "by_status": {s.value: sum(t["by_status"][s.value] for t in themes) for s in Status},
        "by_signal": {
            key: sum(t["by_signal"][key] for t in themes)
            for key in [*(s.value for s in Signal), NO_SIGNAL]
        },
        "total": sum(t["total"] for t in themes),
    }


@dataclass(frozen=True)
class Comparison:
    """The earlier moment page 1 compares with: the 'sinds' date, or the previous snapshot."""

    day: date
    label: str


def _theme_standing(theme: dict, before: list[dict] | None, overdue, stale) -> dict:
    rows = theme["rows"]
    result = {
        "number": theme["number"],
        "title": theme["title"],
        "light": standing.traffic_light(rows, overdue, stale),
        "attention": standing.attention_points(rows),
        "moved": [],
        "finished": [],
    }
    if before is not None:
        then = {row["code"]: row["status"] for row in before}
        result["moved"] = standing.moved(Counter(then.values()), theme["by_status"])
        result["finished"] = [
            {"code": row["code"], "short_text": row["short_text"]}
            for row in rows
            if row["status"] == "afgerond" and then.get(row["code"]) != "afgerond"
        ]
    return result


def _standing(
    themes, rows_then, comparison: Comparison | None, overdue, stale, stale_days: int
) -> dict:
    """Page 1: per theme its light, what moved and what needs attention, and the rules."""
    overdue_codes, stale_codes = {r["code"] for r in overdue}, {r["code"] for r in stale}
    return {
        "compared_with": (
            {"date": comparison.day.isoformat(), "label": comparison.label} if comparison else None
        ),
        "themes": [
            _theme_standing(
                theme,
                rows_then.get(theme["number"], []) if rows_then is not None else None,
                overdue_codes,
                stale_codes,
            )
            for theme in themes
        ],
        "light_rule": standing.LIGHT_RULE,
        "stale_rule": standing.stale_rule(stale_days),
        "rollup_rule": rollup.ROLLUP_RULE,
    }


def build_report(
    plan: Plan,
    params: ReportParams,
    *,
    timezone: str,
    stale_days: int,
    made_by: str,
    made_at: datetime,
    meeting_figures: list[dict] | None = None,
    comparison: Comparison | None = None,
) -> dict:
    """The whole report as data; see the module docstring."""
    municipalities = db.session.scalars(
        select(Municipality)
        .where(Municipality.region_id == plan.region_id)
        .order_by(Municipality.name)
    ).all()
    municipality = next((m for m in municipalities if m.code == params.municipality), None)
    year = params.reference_date.year
    until = end_of_day_utc(params.reference_date, timezone)
    since = end_of_day_utc(params.since, timezone) if params.since else None
    then = end_of_day_utc(comparison.day, timezone) if comparison else None
    actions = loading.report_actions(plan, params, municipality)
    action_ids = [a.id for a in actions]
    latest_by_action = loading.latest_updates_before(action_ids, until)
    latest_then = (
        loading.latest_updates_before(action_ids, min(then, until)) if then is not None else {}
    )
    changed = loading.updates_between(action_ids, since, until) if since is not None else {}
    cells = rollup.stored_cells(actions, {year} | ({comparison.day.year} if comparison else set()))
    rollups = rollup.rollups(actions, cells, len(municipalities), year, None)
    rollups_then = (
        rollup.rollups(actions, cells, len(municipalities), comparison.day.year, then)
        if comparison
        else {}
    )

    rows_by_theme: dict[int, list[dict]] = {}
    rows_then: dict[int, list[dict]] = {}
    overdue, stale, changes = [], [], []
    for action in actions:
        latest = latest_by_action.get(action.id)
        row = _row(action, latest, rollups.get(action.id))
        rows_by_theme.setdefault(action.theme.number, []).append(row)
        if then is not None:
            rows_then.setdefault(action.theme.number, []).append(
                _row(action, latest_then.get(action.id), rollups_then.get(action.id))
            )
        if _is_overdue(action, row, params.reference_date):
            overdue.append(row)
        if _is_stale(row, latest, action.tracked_since, until, stale_days):
            stale.append(row)
        changes += [_change(action, u) for u in changed.get(action.id, [])]
    titles = {action.theme.number: action.theme.title for action in actions}
    themes = [
        _theme_summary(number, titles[number], rows) for number, rows in rows_by_theme.items()
    ]
    return {
        "plan": {
            "title": plan.title,
            "subtitle": plan.subtitle,
            "period": plan.period,
            "region": plan.region,
        },
        "params": params.as_query(),
        "reference_date": params.reference_date.isoformat(),
        "since": params.since.isoformat() if params.since else None,
        "filters": _describe_filters(params, municipality),
        "municipality": municipality.name if municipality else None,
        "made_by": made_by,
        "made_at": made_at.isoformat(),
        "stale_days": stale_days,
        "themes": themes,
        "totals": _totals(themes),
        "standing": _standing(
            themes, rows_then if comparison else None, comparison, overdue, stale, stale_days
        ),
        "overdue": overdue,
        "stale": stale,
        "stale_by_theme": _stale_by_theme(themes, {r["code"] for r in stale}),
        "changes": sorted(changes, key=lambda c: c["at"]),
        "meetings": meeting_figures or [],
        "matrix": municipal.matrix(
            actions,
            cells,
            [municipality] if municipality else municipalities,
            rollups,
            year,
        ),
        "borging": municipal_matrix.build(
            plan, year, municipalities, until, with_actions=False
        ).borging_report(municipality.code if municipality else None),
        "decisions": plan_decisions(plan, since, until),
    }


def _stale_by_theme(themes: list[dict], stale_codes: set[str]) -> list[dict]:
    """Per theme, its open actions without a recent update (the list reads per theme)."""
    result = []
    for theme in themes:
        rows = [row for row in theme["rows"] if row["code"] in stale_codes]
        if rows:
            open_count = sum(1 for row in theme["rows"] if not Status(row["status"]).is_closed)
            result.append(
                {
                    "number": theme["number"],
                    "title": theme["title"],
                    "open": open_count,
                    "codes": [row["code"] for row in rows],
                    "never": sum(1 for row in rows if not row["latest_update_at"]),
                }
            )
    return result


def _describe_filters(params: ReportParams, municipality) -> str:
    parts = []
    if params.theme:
        parts.append(f"thema {params.theme}")
    if params.party:
        party = db.session.scalar(select(Party).where(Party.code == params.party))
        parts.append(f"partij {party.short_name if party else params.party}")
    if municipality:
        parts.append(f"gemeente {municipality.name}")
    return ", ".join(parts)


def previous_snapshot_day(plan: Plan, before: date) -> date | None:
    """The peildatum of the plan's latest frozen report before ``before``: what page 1
    compares with when no 'sinds' date is chosen."""
    return db.session.scalar(
        select(ReportSnapshot.reference_date)
        .where(ReportSnapshot.plan_id == plan.id, ReportSnapshot.reference_date < before)
        .order_by(ReportSnapshot.reference_date.desc())
        .limit(1)
    )


def compare(old: dict, new: dict) -> list[dict]:
    """Per action code, what changed in status and signal between two reports."""

    def rows(report):
        return {row["code"]: row for theme in report["themes"] for row in theme["rows"]}

    before, after = rows(old), rows(new)
    result = []
    for code in sorted(set(before) | set(after), key=lambda c: tuple(int(x) for x in c.split("."))):
        a, b = before.get(code), after.get(code)
        if a is None or b is None:
            result.append(
                {
                    "code": code,
                    "change": "alleen in " + ("nieuwe" if a is None else "oude"),
                    "before": a,
                    "after": b,
                }
            )
        elif (a["status"], a["signal"]) != (b["status"], b["signal"]):
            result.append({"code": code, "change": "gewijzigd", "before": a, "after": b})
    return result
