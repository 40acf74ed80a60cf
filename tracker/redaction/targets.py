"""The stored texts people type, by kind: where each lives, how to name it, where it is
shown. One list, used by the scan, the redaction and their pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tracker.accounts.models import ApiToken, User
from tracker.evaluation.models import ActionEvaluation, Knelpunt
from tracker.meetings.models import Meeting, MeetingOutcome
from tracker.privacy.guard import Reading
from tracker.progress.models import (
    ActionRevision,
    MunicipalityProgress,
    ProgressUpdate,
    YearlyCommitment,
)

#: Every redacted text starts with this, so it is recognised (and never scanned again).
MARKER_PREFIX = "[Afgeschermd"


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    model: type
    column: str
    #: "Voortgang actie 3.14": where the text is, in words.
    describe: Callable[[object], str]
    #: When the text was written (or the meeting it belongs to).
    date: Callable[[object], datetime | None]
    #: Endpoint and arguments of the page that shows the text.
    page: Callable[[object], tuple[str, dict]]
    max_length: int | None = None
    #: How the privacy guard reads it (a meeting place, an account's name, a link).
    reading: Reading = Reading.FREE

    @staticmethod
    def is_redacted(text: str) -> bool:
        return text.startswith(MARKER_PREFIX)


def _action_page(row) -> tuple[str, dict]:
    return "progress.action", {"code": row.action.code, "_anchor": "voortgang"}


def _meeting_target(
    key: str, what: str, column: str, max_length: int | None = None, reading=Reading.FREE
) -> Target:
    return Target(
        key,
        f"{what} van een vergadering",
        Meeting,
        column,
        describe=lambda row: f"{what} {row.series.name}",
        date=lambda row: row.starts_at,
        page=lambda row: ("meetings.detail", {"meeting_id": row.id}),
        max_length=max_length,
        reading=reading,
    )


def _evaluation_target(key: str, what: str, column: str) -> Target:
    return Target(
        key,
        f"{what} in een evaluatie",
        ActionEvaluation,
        column,
        describe=lambda row: f"Evaluatie actie {row.action.code}: {what.lower()}",
        date=lambda row: row.updated_at,
        page=lambda row: (
            "evaluation.evaluate",
            {"slug": row.round.plan.slug, "code": row.action.code},
        ),
    )


def _knelpunt_target(key: str, what: str, column: str) -> Target:
    return Target(
        key,
        f"{what} van een knelpunt",
        Knelpunt,
        column,
        describe=lambda row: f"Knelpunt {row.id}: {what.lower()}",
        date=lambda row: row.updated_at,
        page=lambda row: ("evaluation.knelpunt", {"knelpunt_id": row.id}),
    )


TARGETS = {
    target.key: target
    for target in (
        _evaluation_target("evaluatie-opgeleverd", "Opgeleverd", "delivered"),
        _evaluation_target("evaluatie-effect", "Effect", "effect"),
        _evaluation_target("evaluatie-hielp", "Wat hielp", "helped"),
        _evaluation_target("evaluatie-belemmerde", "Wat belemmerde", "hindered"),
        _evaluation_target("evaluatie-advies", "Reden van het advies", "advice_reason"),
        _evaluation_target("evaluatie-tekst", "Voorgestelde tekst", "new_text"),
        _knelpunt_target("knelpunt", "Omschrijving", "what"),
        _knelpunt_target("knelpunt-stand", "Stand of oplossing", "resolution"),
        Target(
            "voortgang",
            "Voortgangsupdate",
            ProgressUpdate,
            "text",
            describe=lambda row: f"Voortgang actie {row.action.code}",
            date=lambda row: row.created_at,
            page=_action_page,
        ),
        Target(
            "toelichting",
            "Toelichting van een gemeente",
            MunicipalityProgress,
            "note",
            describe=lambda row: f"Actie {row.action.code}, {row.municipality.name}, {row.year}",
            date=lambda row: row.updated_at,
            page=lambda row: (
                "progress.municipality_grid",
                {"code": row.action.code, "jaar": row.year},
            ),
        ),
        _meeting_target("verslag", "Toelichting", "minutes"),
        Target(
            "uitkomst",
            "Besluit of actiepunt van een vergadering",
            MeetingOutcome,
            "text",
            describe=lambda row: f"{row.kind_enum.label} {row.meeting.series.name}",
            date=lambda row: row.meeting.starts_at,
            page=lambda row: ("meetings.detail", {"meeting_id": row.meeting_id}),
        ),
        _meeting_target("agenda", "Agenda", "agenda"),
        _meeting_target("locatie", "Locatie", "location", max_length=300, reading=Reading.VENUE),
        Target(
            "link",
            "Link bij een voortgangsupdate",
            ProgressUpdate,
            "link",
            describe=lambda row: f"Link bij voortgang actie {row.action.code}",
            date=lambda row: row.created_at,
            page=_action_page,
            max_length=500,
            reading=Reading.LINK,
        ),
        Target(
            "jaar",
            "Toelichting bij een jaar",
            YearlyCommitment,
            "note",
            describe=lambda row: f"Actie {row.action.code}, {row.year}",
            date=lambda row: row.updated_at,
            page=lambda row: ("progress.action", {"code": row.action.code, "_anchor": "per-jaar"}),
        ),
        Target(
            "account",
            "Naam van een account",
            User,
            "name",
            describe=lambda row: f"Account {row.email}",
            date=lambda row: row.created_at,
            page=lambda row: ("users.edit", {"user_id": row.id}),
            max_length=120,
            reading=Reading.PERSON,
        ),
        Target(
            "koppelsleutel",
            "Naam van een koppelsleutel",
            ApiToken,
            "name",
            describe=lambda row: f"Koppelsleutel van {row.user.email}",
            date=lambda row: row.created_at,
            page=lambda row: ("redaction.index", {}),
            max_length=80,
        ),
        Target(
            "herziening",
            "Reden van een planherziening",
            ActionRevision,
            "reason",
            describe=lambda row: f"Herziening actie {row.action.code}",
            date=lambda row: row.created_at,
            page=_action_page,
        ),
    )
}
