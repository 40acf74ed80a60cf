"""The report's first page, "Stand van zaken", as pure rules on the report's plain rows.

Two rules live here, each with the Dutch sentence the report prints under its result, so the
reader sees exactly how a colour or a status came about:

- the **roll-up** of the actions every municipality carries out: the municipalities' rows of
  the year give a regional status ("6 van 23 gemeenten afgerond in 2026");
- the **traffic light** per theme, from signals, passed deadlines and missing updates.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.plan.models import STATUS_LABELS, Status

# Roll-up ------------------------------------------------------------------------------------

#: How far an action has come; "vervallen" stands apart (it is a decision, not progress).
_PROGRESS = {Status.NOT_STARTED.value: 0, Status.IN_PROGRESS.value: 1, Status.DONE.value: 2}

ROLLUP_RULE = (
    "Acties die iedere gemeente uitvoert tellen met de stand van de gemeenten in het jaar van "
    "de peildatum: is één gemeente begonnen, dan is de actie regionaal Lopend; zijn alle "
    "gemeenten klaar, dan Afgerond. Staat de regionale status al verder, of is de actie "
    "Vervallen, dan telt die. De stand per gemeente is die van nu; in de vergelijking telt een "
    "gemeente mee vanaf het moment dat haar stand is opgeslagen."
)


@dataclass(frozen=True)
class Rollup:
    """The municipalities' statuses of one every-municipality action in one year."""

    year: int
    municipalities: int
    counts: dict[str, int]

    @property
    def status(self) -> str:
        done, running = self.counts.get("afgerond", 0), self.counts.get("lopend", 0)
        taking_part = self.municipalities - self.counts.get("vervallen", 0)
        if taking_part and done == taking_part:
            return Status.DONE.value
        if done or running:
            return Status.IN_PROGRESS.value
        return Status.NOT_STARTED.value

    @property
    def text(self) -> str:
        done, running = self.counts.get("afgerond", 0), self.counts.get("lopend", 0)
        text = f"{done} van {self.municipalities} gemeenten afgerond in {self.year}"
        return text + (f", {running} lopend" if running else "")

    def as_data(self) -> dict:
        return {"year": self.year, "municipalities": self.municipalities, "text": self.text}


def rollup(statuses: list[str], municipalities: int, year: int) -> Rollup:
    """``statuses``: the stored rows of one action and year; municipalities without a row
    count as not started."""
    counts = Counter(statuses)
    counts["niet_gestart"] += municipalities - len(statuses)
    return Rollup(year, municipalities, {s.value: counts[s.value] for s in Status})


def regional_status(recorded: str, summary: Rollup | None) -> str:
    """The status the report counts for an action; see ``ROLLUP_RULE``."""
    if summary is None or recorded == Status.DROPPED.value:
        return recorded
    return max(recorded, summary.status, key=lambda s: _PROGRESS[s])


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
