"""Applying read seeds: bring the database in line, idempotently. Rows are matched on natural
keys (plan slug, theme number, action number, party and municipality code) and only fields
that differ are written, so progress history, which hangs off the action rows, is never
touched; actions revised in the app keep their revision. The caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.figures.models import Indicator, IndicatorAction, IndicatorValue
from tracker.meetings.models import MeetingSeries
from tracker.plan.models import Action, ActionOwner, Municipality, Party, PartyKind, Plan, Theme
from tracker.plan.regions import region_named
from tracker.seeding.reading import (
    MUNICIPALITY_PARTY_PREFIX,
    ActionSeed,
    OwnerSeed,
    SeedData,
)
from tracker.text import counted

#: The kinds of row the report counts (its keys, in the plural), each with its singular.
KIND_SINGULAR = {
    "gemeenten": "gemeente",
    "partijen": "partij",
    "plannen": "plan",
    "thema's": "thema",
    "acties": "actie",
    "kerncijfers": "kerncijfer",
    "kerncijfers per jaar": "kerncijfer per jaar",
    "overlegvormen": "overlegvorm",
}


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    #: Codes of actions revised in the app whose seed text differs: the app's text is kept.
    kept_revised: list[str] = field(default_factory=list)

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        """'23 gemeenten nieuw, 1 plan nieuw, 2 acties bijgewerkt'."""
        parts = [
            f"{counted(n, KIND_SINGULAR[kind], kind)} {state}"
            for bucket, state in ((self.created, "nieuw"), (self.updated, "bijgewerkt"))
            for kind, n in bucket.items()
        ]
        return ", ".join(parts)


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set only the attributes that differ; return whether anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _upsert(session: Session, report: SeedReport, kind: str, existing: Any, make, values) -> Any:
    if existing is None:
        obj = make(**values)
        session.add(obj)
        report.count(report.created, kind)
        return obj
    if _assign(existing, values):
        report.count(report.updated, kind)
    return existing


def _owner_keys(action: Action) -> list[tuple]:
    return [(o.party.code if o.party else None, o.label, o.role, o.is_lead) for o in action.owners]


def _seed_owner_keys(owners: list[OwnerSeed]) -> list[tuple]:
    return [(o.party_code, o.label, o.role, o.is_lead) for o in owners]


def _apply_owners(action: Action, owners: list[OwnerSeed], parties: dict[str, Party]) -> bool:
    if _owner_keys(action) == _seed_owner_keys(owners):
        return False
    action.owners = [
        ActionOwner(
            position=position,
            party=parties[o.party_code] if o.party_code else None,
            label=o.label,
            role=o.role,
            is_lead=o.is_lead,
        )
        for position, o in enumerate(owners, start=1)
    ]
    return True


def _differs_from_seed(action: Action, seed: ActionSeed) -> bool:
    return (action.text, action.planning, action.owners_text, _owner_keys(action)) != (
        seed.text,
        seed.planning,
        seed.owners_text,
        _seed_owner_keys(seed.owners),
    )


def apply_seeds(session: Session, data: SeedData) -> SeedReport:
    """Write validated seed data; the caller commits (or rolls back on error)."""
    report = SeedReport()
    region = region_named(session, data.plan["region"])

    municipalities = {m.code: m for m in session.scalars(select(Municipality))}
    parties = {p.code: p for p in session.scalars(select(Party))}
    for entry in data.municipalities:
        entry = {**entry, "region_id": region.id}
        muni = _upsert(
            session, report, "gemeenten", municipalities.get(entry["code"]), Municipality, entry
        )
        municipalities[entry["code"]] = muni
        code = MUNICIPALITY_PARTY_PREFIX + entry["code"]
        values = {
            "code": code,
            "short_name": f"Gemeente {entry['name']}",
            "name": f"Gemeente {entry['name']}",
            "kind": PartyKind.MUNICIPALITY.value,
            "municipality": muni,
            "region_id": region.id,
        }
        parties[code] = _upsert(session, report, "partijen", parties.get(code), Party, values)
    for entry in data.parties:
        parties[entry["code"]] = _upsert(
            session,
            report,
            "partijen",
            parties.get(entry["code"]),
            Party,
            {**entry, "region_id": region.id},
        )

    plan_values = {**data.plan, "region_id": region.id}
    plan = session.scalar(select(Plan).where(Plan.slug == plan_values["slug"]))
    if plan is None:
        # A new seeded plan is current unless the region already has one (a plan published in
        # the app stays current when the server restarts and re-applies the seeds).
        plan_values["is_current"] = plan_values.get("is_current", True) and (
            session.scalar(
                select(Plan.id).where(Plan.region_id == region.id, Plan.is_current).limit(1)
            )
            is None
        )
    else:
        plan_values.pop("is_current", None)
    plan = _upsert(session, report, "plannen", plan, Plan, plan_values)
    session.flush()  # the plan needs its id before other plans are compared with it

    themes = {t.number: t for t in plan.themes}
    for theme_seed in data.themes:
        theme_values = {
            "number": theme_seed.number,
            "title": theme_seed.title,
            "introduction": theme_seed.introduction,
            "risk_table": theme_seed.risk_table,
            "plan": plan,
        }
        theme = _upsert(
            session, report, "thema's", themes.get(theme_seed.number), Theme, theme_values
        )
        themes[theme_seed.number] = theme
        actions = {a.number: a for a in theme.actions}
        for seed in theme_seed.actions:
            action = actions.get(seed.number)
            is_new = action is None
            if is_new:
                action = Action(number=seed.number, theme=theme)
                session.add(action)
            elif action.revised_at is not None:
                # A beheerder revised this action in the app (with a recorded reason); the
                # seeds describe the plan as adopted and must not undo that silently.
                if _differs_from_seed(action, seed):
                    report.kept_revised.append(action.code)
                continue
            changed = _assign(
                action,
                {
                    "text": seed.text,
                    "owners_text": seed.owners_text,
                    "is_per_municipality": seed.is_per_municipality,
                },
            )
            if action.planning != seed.planning or changed:
                action.set_planning(seed.planning)  # the text tells "then ongoing" too
                changed = True
            changed = _apply_owners(action, seed.owners, parties) or changed
            if is_new:
                report.count(report.created, "acties")
            elif changed:
                report.count(report.updated, "acties")
    _create_missing_series(session, report, data.series, parties, themes, region)
    _apply_figures(session, report, data.figures, region, themes)
    return report


def _apply_figures(session, report, figures, region, themes) -> None:
    """Indicators are created and kept in step with the seed (except the beheerder's choice
    of what goes to the report); a value a beheerder entered or changed in the app is kept."""
    if not figures:
        return
    indicators = {i.code: i for i in session.scalars(select(Indicator))}
    for seed in figures:
        values = {k: v for k, v in seed.items() if k not in ("values", "actions")}
        existing = indicators.get(seed["code"])
        indicator = _upsert(
            session, report, "kerncijfers", existing, Indicator, values | {"region_id": region.id}
        )
        if _apply_figure_links(indicator, seed["actions"], themes) and existing is not None:
            report.count(report.updated, "koppelingen van kerncijfers")
        stored = {v.year: v for v in indicator.values}
        for value_seed in seed["values"]:
            existing = stored.get(value_seed["year"])
            if existing is not None and existing.edited_at is not None:
                continue
            row = _upsert(
                session,
                report,
                "kerncijfers per jaar",
                existing,
                IndicatorValue,
                {**value_seed, "indicator": indicator} if existing is None else value_seed,
            )
            stored[row.year] = row


def _seeded_action(themes, code: str) -> Action:
    """The seeded plan's action with ``code`` ("3.14"; the reader checked that it exists)."""
    theme_number, number = (int(x) for x in code.split("."))
    return next(a for a in themes[theme_number].actions if a.number == number)


def _apply_figure_links(indicator: Indicator, links: dict[str, str], themes) -> bool:
    """The seed links a figure to actions of the seeded plan (code -> reason); links to the
    actions of another plan (a later plan's copies) are the app's and stay. Returns whether
    anything changed."""
    seeded = {_seeded_action(themes, code): reason for code, reason in links.items()}
    in_plan = {action for theme in themes.values() for action in theme.actions}
    stored = {link.action: link for link in indicator.action_links if link.action in in_plan}
    changed = False
    for action, reason in seeded.items():
        link = stored.pop(action, None)
        if link is None:
            indicator.action_links.append(IndicatorAction(action=action, reason=reason))
            changed = True
        elif link.reason != reason:
            link.reason, changed = reason, True
    for link in stored.values():
        indicator.action_links.remove(link)
        changed = True
    return changed


def _create_missing_series(session, report, series_seeds, parties, themes, region) -> None:
    """New series only: once created, a series belongs to the beheerder (edited in the app)."""
    existing = set(session.scalars(select(MeetingSeries.code)))
    session.flush()
    for seed in series_seeds:
        if seed.code in existing:
            continue
        action = _seeded_action(themes, seed.action_code) if seed.action_code else None
        session.add(
            MeetingSeries(
                code=seed.code,
                name=seed.name,
                region_id=region.id,
                action=action,
                min_per_year=seed.min_per_year,
                season=seed.season,
                chair_party=parties.get(seed.chair) if seed.chair else None,
                secretary_party=parties.get(seed.secretary) if seed.secretary else None,
                participants=[parties[code] for code in seed.participants],
                reminder_days=",".join(str(d) for d in seed.reminder_days),
                sends_update_request=seed.sends_update_request,
                update_request_days=seed.update_request_days,
                tracks_attendance=seed.tracks_attendance,
            )
        )
        report.count(report.created, "overlegvormen")
