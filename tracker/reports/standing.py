"""The report's first page, "Stand van zaken", as pure rules on the report's plain rows.

The **traffic light** per theme, from signals, passed deadlines and missing updates, with
the Dutch sentence the report prints under it, so the reader sees exactly how a colour came
about. (The roll-up of the actions every municipality carries out is the municipalities'
rule: ``tracker.municipalities.rollup``.)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tracker.plan.models import STATUS_LABELS, Status

# Traffic light ------------------------------------------------------------------------------

LIGHT_RULE = (
    "Rood: een actie heeft het signaal Achterstand, of twee of meer acties zijn over hun "
    "termijn. Oranje: een actie heeft het signaal Aandacht, één actie is over haar termijn, of "
    "meer dan de helft van de open acties is lang niet bijgewerkt. Groen: geen van beide."
)
LIGHT_LABELS = {"groen": "Groen", "oranje": "Oranje", "rood": "Rood"}


def stale_rule(days: int) -> str:
    """What "lang niet bijgewerkt" means, printed with the report."""
    return (
        f'"Lang niet bijgewerkt": een open actie zonder update in de {days} dagen vóór de '
        f"peildatum, die de tracker toen ook al langer dan {days} dagen volgde (een actie die "
        "net in de tracker staat, telt pas mee als zij zo lang zonder update is)."
    )


def long_not_updated(
    last_update: datetime | None, tracked_since: datetime | None, day_end: datetime, days: int
) -> bool:
    """``stale_rule`` for an open action: neither updated (``last_update``) nor, without an
    update, first followed in the ``days`` before ``day_end`` (the end of the reference day,
    naive UTC, so the answer is the same all day). The report and the public page ask here."""
    since = last_update or tracked_since
    return since is None or since < day_end - timedelta(days=days)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def traffic_light(rows: list[dict], overdue: set[str], stale: set[str]) -> dict:
    """A theme's colour and the reasons for it, from its rows (see ``LIGHT_RULE``).
    ``overdue`` and ``stale`` are the codes the report lists as such."""
    codes = [row["code"] for row in rows]
    behind = [row["code"] for row in rows if row["signal"] == "achterstand"]
    attention = [row["code"] for row in rows if row["signal"] == "aandacht"]
    late = [code for code in codes if code in overdue]
    open_rows = [row for row in rows if not Status(row["status"]).is_closed]
    quiet = [row["code"] for row in open_rows if row["code"] in stale]
    reasons = []
    if behind:
        reasons.append(_count(len(behind), "actie", "acties") + " met Achterstand")
    if attention:
        reasons.append(_count(len(attention), "actie", "acties") + " met Aandacht")
    if late:
        reasons.append(_count(len(late), "actie", "acties") + " over de termijn")
    many_quiet = open_rows and len(quiet) * 2 > len(open_rows)
    if many_quiet:
        reasons.append(f"{len(quiet)} van {len(open_rows)} open acties lang niet bijgewerkt")
    if behind or len(late) >= 2:
        colour = "rood"
    elif attention or late or many_quiet:
        colour = "oranje"
    else:
        colour = "groen"
    return {"colour": colour, "label": LIGHT_LABELS[colour], "reasons": reasons}


def moved(before: dict[str, int], after: dict[str, int]) -> list[dict]:
    """The status counts that changed between two moments, in the order of the statuses."""
    return [
        {
            "label": STATUS_LABELS[status],
            "before": before.get(status.value, 0),
            "after": after.get(status.value, 0),
        }
        for status in Status
        if before.get(status.value, 0) != after.get(status.value, 0)
    ]


def attention_points(rows: list[dict]) -> list[dict]:
    """Actions with signal Aandacht or Achterstand, with the words of their latest update."""
    return [
        {
            "code": row["code"],
            "short_text": row["short_text"],
            "signal": row["signal"],
            "signal_label": row["signal_label"],
            "latest_update_text": row["latest_update_text"],
        }
        for row in rows
        if row["signal"] in ("aandacht", "achterstand")
    ]
