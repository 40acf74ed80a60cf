"""Reading ``seeds/kerncijfers.yaml``: indicators with their values per year, each value
quoted from its monitor; every link to an action with its reason; estimates and the parts of
another figure (breakdowns)."""

from __future__ import annotations

from typing import Any

from tracker.figures.models import COUNT, ESTIMATE
from tracker.seeding.reader import Reader


def read_figures(reader: Reader, action_codes: set[str]) -> list[dict[str, Any]]:
    """kerncijfers.yaml: indicators with their values per year (optional file)."""
    if not reader.path.exists():
        return []
    raw = reader.load()
    if raw is None:
        return []
    monitors = set(raw.get("monitors") or [])
    indicators, codes = [], set()
    for position, entry in enumerate(reader.mapping_list(raw.get("indicators"), "indicators")):
        where = f"kerncijfer {entry.get('code', position + 1)}"
        code = reader.text(entry, "code", where)
        if code in codes:
            reader.problem(where, "code komt twee keer voor")
        codes.add(code)
        links = entry.get("actions") or {}
        if not isinstance(links, dict):
            reader.problem(where, "'actions' geeft per actie een reden: '1.1: <waarom>'")
            links = {}
        links = {str(code): reason for code, reason in links.items()}
        unknown = [c for c in links if c not in action_codes]
        if unknown:
            reader.problem(where, f"onbekende actie(s): {', '.join(unknown)}")
        without = [
            c for c, reason in links.items() if not isinstance(reason, str) or not reason.strip()
        ]
        if without:
            reader.problem(where, f"actie(s) zonder reden: {', '.join(without)}")
        kind = entry.get("kind", COUNT)
        if kind not in (COUNT, ESTIMATE):
            reader.problem(where, f"'kind' is {COUNT} of {ESTIMATE}")
        indicator = {
            "code": code,
            "name": reader.text(entry, "name", where),
            "source": reader.text(entry, "source", where),
            "theme_number": entry.get("theme"),
            "area": reader.text(entry, "area", where),
            "unit": reader.text(entry, "unit", where, required=False) or "",
            "actions": {c: str(r).strip() for c, r in links.items()},
            "kind": kind,
            "beside_estimate": entry.get("beside_estimate") is True,
            "breakdown_of": str(entry.get("breakdown_of") or ""),
            "breakdown": reader.text(entry, "breakdown", where, required=False) or "",
            "part": reader.text(entry, "part", where, required=False) or "",
            "position": position,
            "values": [],
        }
        years = set()
        for value in reader.mapping_list(entry.get("values"), f"{where}: values"):
            at = f"{where} {value.get('year')}"
            year = reader.integer(value, "year", at)
            number = value.get("value")
            if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                reader.problem(at, "veld 'value' moet een geheel getal van 0 of meer zijn")
            if year in years:
                reader.problem(at, "jaar komt twee keer voor")
            years.add(year)
            high = value.get("value_high")
            if kind == ESTIMATE and (not isinstance(high, int) or high < (number or 0)):
                reader.problem(at, "een schatting heeft 'value_high', niet kleiner dan 'value'")
            monitor = reader.text(value, "monitor", at)
            if monitor and monitor not in monitors:
                reader.problem(at, f"monitor '{monitor}' staat niet onder 'monitors'")
            indicator["values"].append(
                {
                    "year": year,
                    "value": number,
                    "value_high": high if kind == ESTIMATE else None,
                    "monitor": monitor,
                    "section": reader.text(value, "section", at, required=False) or "",
                    "quote": reader.text(value, "quote", at),
                    "caveat": reader.text(value, "caveat", at, required=False) or "",
                    "area": reader.text(value, "area", at, required=False) or "",
                    "comparable": value.get("comparable", True) is not False,
                }
            )
        if indicator["breakdown_of"] and not (indicator["breakdown"] and indicator["part"]):
            reader.problem(where, "een onderverdeling heeft 'breakdown' en 'part'")
        indicators.append(indicator)
    for indicator in indicators:
        if indicator["breakdown_of"] and indicator["breakdown_of"] not in codes:
            reader.problem(
                f"kerncijfer {indicator['code']}",
                f"'breakdown_of' noemt een onbekend kerncijfer: {indicator['breakdown_of']}",
            )
    return indicators
