"""Reading the seed files: parse and validate every file in ``seeds/`` into plain data, or
raise ``SeedError`` naming file and entry of each problem. Nothing here touches the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.plan.models import PartyKind
from tracker.seeding.figures import read_figures
from tracker.seeding.reader import Reader, SeedError

PLAN_FILE = "plan.yaml"
PARTIES_FILE = "parties.yaml"
MUNICIPALITIES_FILE = "municipalities.yaml"
MEETINGS_FILE = "meetings.yaml"
FIGURES_FILE = "kerncijfers.yaml"
MUNICIPALITY_PARTY_PREFIX = "gemeente-"


@dataclass(frozen=True)
class OwnerSeed:
    party_code: str | None
    label: str | None
    role: str | None
    is_lead: bool


@dataclass
class ActionSeed:
    number: int
    text: str
    planning: str
    owners_text: str
    owners: list[OwnerSeed]
    is_per_municipality: bool


@dataclass
class ThemeSeed:
    number: int
    title: str
    introduction: str
    risk_table: list | None
    actions: list[ActionSeed]


@dataclass
class SeriesSeed:
    code: str
    name: str
    action_code: str | None
    min_per_year: int
    season: str | None
    chair: str | None
    secretary: str | None
    participants: list[str]
    reminder_days: list[int]
    sends_update_request: bool
    update_request_days: int
    tracks_attendance: bool = False


@dataclass
class SeedData:
    plan: dict[str, Any]
    themes: list[ThemeSeed]
    parties: list[dict[str, str]]
    municipalities: list[dict[str, str]]
    series: list[SeriesSeed] = field(default_factory=list)
    #: Indicators from kerncijfers.yaml, each a dict with its ``values``.
    figures: list[dict[str, Any]] = field(default_factory=list)


def _read_municipalities(reader: Reader) -> list[dict[str, str]]:
    data = reader.load()
    if data is None:
        return []
    result, seen = [], set()
    for index, entry in enumerate(reader.mapping_list(data, "gemeenten"), start=1):
        where = f"gemeente #{index}"
        code, name = reader.text(entry, "code", where), reader.text(entry, "name", where)
        if code and code in seen:
            reader.problem(where, f"code '{code}' komt dubbel voor")
        elif code and name:
            seen.add(code)
            result.append({"code": code, "name": name})
    return result


def _read_parties(reader: Reader) -> list[dict[str, str]]:
    data = reader.load()
    if data is None:
        return []
    kinds = {PartyKind.ORGANISATION.value, PartyKind.ROLE_GROUP.value}
    result, seen = [], set()
    for index, entry in enumerate(reader.mapping_list(data, "partijen"), start=1):
        code = entry.get("code")
        where = f"partij {code}" if isinstance(code, str) else f"partij #{index}"
        values = {key: reader.text(entry, key, where) for key in ("code", "short_name", "name")}
        kind = entry.get("kind", PartyKind.ORGANISATION.value)
        if kind not in kinds:
            reader.problem(where, f"soort '{kind}' onbekend (kies uit {', '.join(sorted(kinds))})")
        if values["code"] and values["code"].lower() in seen:
            reader.problem(where, f"code '{values['code']}' komt dubbel voor")
            continue
        if all(values.values()) and kind in kinds:
            seen.add(values["code"].lower())
            result.append({**values, "kind": kind})
    return result


def _read_owners(reader: Reader, raw: Any, where: str, party_codes: set[str]) -> list[OwnerSeed]:
    if not isinstance(raw, list) or not raw:
        reader.problem(where, "veld 'owners' moet een niet-lege lijst zijn")
        return []
    owners = []
    for item in raw:
        entry = {"party": item} if isinstance(item, str) else item
        if not isinstance(entry, dict):
            reader.problem(where, f"eigenaar {item!r} niet leesbaar")
            continue
        party, label = entry.get("party"), entry.get("text")
        if bool(party) == bool(label):
            reader.problem(where, f"eigenaar {item!r} moet óf 'party' óf 'text' hebben")
            continue
        if party and party not in party_codes:
            reader.problem(where, f"onbekende partij '{party}'")
            continue
        owners.append(OwnerSeed(party, label, entry.get("role"), bool(entry.get("lead"))))
    if owners and not any(owner.is_lead for owner in owners):
        first = owners[0]
        owners[0] = OwnerSeed(first.party_code, first.label, first.role, True)
    return owners


def _read_plan(reader: Reader, party_codes: set[str]) -> tuple[dict, list[ThemeSeed]]:
    data = reader.load()
    if data is None:
        return {}, []
    if not isinstance(data, dict) or not isinstance(data.get("plan"), dict):
        reader.problem("", "verwacht de onderdelen 'plan' en 'themes'")
        return {}, []
    raw_plan = data["plan"]
    plan = {key: reader.text(raw_plan, key, "plan") for key in ("slug", "title", "region")}
    plan["subtitle"] = reader.text(raw_plan, "subtitle", "plan", required=False) or ""
    plan["introduction"] = reader.text(raw_plan, "introduction", "plan", required=False) or ""
    plan["start_year"] = reader.integer(raw_plan, "start_year", "plan")
    plan["end_year"] = reader.integer(raw_plan, "end_year", "plan")
    plan["is_current"] = bool(raw_plan.get("current", True))

    themes, theme_numbers = [], set()
    for index, raw_theme in enumerate(reader.mapping_list(data.get("themes"), "themes"), 1):
        number = reader.integer(raw_theme, "number", f"thema #{index}")
        where = f"thema {number}" if number else f"thema #{index}"
        if number in theme_numbers:
            reader.problem(where, f"thema {number} komt dubbel voor")
            continue
        theme_numbers.add(number)
        actions, action_numbers = [], set()
        for a_index, raw in enumerate(reader.mapping_list(raw_theme.get("actions"), where), 1):
            a_number = reader.integer(raw, "number", f"{where}, actie #{a_index}")
            a_where = f"actie {number}.{a_number}" if a_number else f"{where}, actie #{a_index}"
            if a_number in action_numbers:
                reader.problem(a_where, f"actie {number}.{a_number} komt dubbel voor")
                continue
            action_numbers.add(a_number)
            text = reader.text(raw, "text", a_where)
            planning = reader.text(raw, "planning", a_where)
            wie = reader.text(raw, "wie", a_where)
            owners = _read_owners(reader, raw.get("owners"), a_where, party_codes)
            if a_number and text and planning and wie and owners:
                actions.append(
                    ActionSeed(
                        a_number, text, planning, wie, owners, bool(raw.get("per_municipality"))
                    )
                )
        title = reader.text(raw_theme, "title", where)
        if number and title:
            themes.append(
                ThemeSeed(
                    number,
                    title,
                    reader.text(raw_theme, "introduction", where, required=False) or "",
                    raw_theme.get("risk_table"),
                    actions,
                )
            )
    return plan, themes


def _read_series(reader: Reader, party_codes: set[str], action_codes: set[str]):
    data = reader.load()
    if data is None:
        return []
    result, seen = [], set()
    for index, entry in enumerate(reader.mapping_list(data, "overlegvormen"), start=1):
        code = entry.get("code")
        where = f"overleg {code}" if isinstance(code, str) else f"overleg #{index}"
        code, name = reader.text(entry, "code", where), reader.text(entry, "name", where)
        minimum = reader.integer(entry, "min_per_year", where)
        action = str(entry["action"]) if entry.get("action") is not None else None
        if action and action not in action_codes:
            reader.problem(where, f"onbekende actie '{action}'")
        parties = [entry.get("chair"), entry.get("secretary"), *(entry.get("participants") or [])]
        for party in (p for p in parties if p):
            if party not in party_codes:
                reader.problem(where, f"onbekende partij '{party}'")
        days = entry.get("reminder_days", [14, 2])
        if not isinstance(days, list) or not all(
            isinstance(d, int) and 0 <= d <= 365 for d in days
        ):
            reader.problem(where, "'reminder_days' moet een lijst dagen (0-365) zijn")
            days = []
        if code in seen:
            reader.problem(where, f"code '{code}' komt dubbel voor")
        if code and name and minimum:
            seen.add(code)
            result.append(
                SeriesSeed(
                    code=code,
                    name=name,
                    action_code=action,
                    min_per_year=minimum,
                    season=entry.get("season"),
                    chair=entry.get("chair"),
                    secretary=entry.get("secretary"),
                    participants=list(entry.get("participants") or []),
                    reminder_days=days,
                    sends_update_request=bool(entry.get("update_request")),
                    update_request_days=int(entry.get("update_request_days", 14)),
                    tracks_attendance=bool(entry.get("attendance_per_municipality")),
                )
            )
    return result


def read_seeds(directory: Path) -> SeedData:
    """Parse and validate all seed files; raise ``SeedError`` listing every problem found."""
    municipalities_reader = Reader(directory / MUNICIPALITIES_FILE)
    parties_reader = Reader(directory / PARTIES_FILE)
    plan_reader = Reader(directory / PLAN_FILE)

    municipalities = _read_municipalities(municipalities_reader)
    parties = _read_parties(parties_reader)
    party_codes = {p["code"] for p in parties} | {
        MUNICIPALITY_PARTY_PREFIX + m["code"] for m in municipalities
    }
    plan, themes = _read_plan(plan_reader, party_codes)
    action_codes = {f"{t.number}.{a.number}" for t in themes for a in t.actions}
    series_reader = Reader(directory / MEETINGS_FILE)
    series = _read_series(series_reader, party_codes, action_codes)
    figures_reader = Reader(directory / FIGURES_FILE)
    figures = read_figures(figures_reader, action_codes)

    problems = (
        municipalities_reader.problems
        + parties_reader.problems
        + plan_reader.problems
        + series_reader.problems
        + figures_reader.problems
    )
    if problems:
        raise SeedError(problems)
    return SeedData(
        plan=plan,
        themes=themes,
        parties=parties,
        municipalities=municipalities,
        series=series,
        figures=figures,
    )
