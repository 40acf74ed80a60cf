"""What the tracker already knows about an action when it is evaluated: its update
timeline, the yearly commitments met, the meetings held against their minimum, the
municipalities' rows; and the evidence an evaluation may pick from (updates, municipal rows,
meeting decisions, kerncijfers), chosen from lists, never typed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from tracker.dates import dutch_date, local_day
from tracker.evaluation.models import EvaluationEvidence, Result
from tracker.extensions import db
from tracker.figures import services as figures
from tracker.figures.models import Indicator
from tracker.meetings import outcomes
from tracker.meetings.models import (
    Meeting,
    MeetingOutcome,
    MeetingSeries,
    MeetingState,
    OutcomeKind,
)
from tracker.plan.commitments import commitment_standing
from tracker.plan.models import STATUS_LABELS, Action, Plan, ScheduleKind, Status
from tracker.progress.models import MunicipalityProgress, ProgressUpdate, YearlyCommitment
from tracker.text import short

#: How much of a text one line of the evidence lists shows.
LINE = 110
#: Evidence kinds, in the order the form lists them.
KINDS = {
    "voortgang": "Voortgangsupdates",
    "besluit": "Besluiten en actiepunten van overleggen",
    "gemeente": "Rijen van gemeenten",
    "kerncijfer": "Kerncijfers",
}

#: The result the form suggests from the action's status.
SUGGESTED_RESULT = {
    Status.DONE.value: Result.ACHIEVED,
    Status.IN_PROGRESS.value: Result.PARTLY,
    Status.NOT_STARTED.value: Result.NOT_ACHIEVED,
    Status.DROPPED.value: Result.DROPPED,
}


@dataclass(frozen=True)
class Evidence:
    kind: str
    ref_id: int
    label: str
    url: str | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ref_id}"


@dataclass
class MeetingYear:
    series: str
    year: int
    held: int
    required: int

    @property
    def met(self) -> bool:
        return self.held >= self.required


@dataclass
class Facts:
    updates: list[ProgressUpdate]
    commitments: list = field(default_factory=list)
    meetings: list[MeetingYear] = field(default_factory=list)
    #: Per year: status label -> number of municipalities (every-municipality actions).
    municipal: dict[int, Counter] = field(default_factory=dict)
    municipalities: int = 0
    evidence: list[Evidence] = field(default_factory=list)


def facts_for(action: Action, plan: Plan, today: date, municipalities: int) -> Facts:
    """Everything the evaluation form shows beside the questions, in a fixed number of
    queries whatever the action's history."""
    years = range(plan.start_year, plan.end_year + 1)
    updates = list(
        db.session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.action_id == action.id)
            .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
        )
    )
    facts = Facts(updates=updates, municipalities=municipalities)
    facts.evidence += [Evidence("voortgang", u.id, _update_label(u)) for u in updates]
    schedule = action.schedule
    if schedule.kind is ScheduleKind.ANNUAL:
        stored = {
            c.year: c
            for c in db.session.scalars(
                select(YearlyCommitment).where(YearlyCommitment.action_id == action.id)
            )
        }
        for year in years:
            row = stored.get(year)
            facts.commitments.append(
                commitment_standing(
                    schedule,
                    year,
                    row.status if row else Status.NOT_STARTED.value,
                    row.delivered_on if row else None,
                    today,
                )
            )
    series = list(
        db.session.scalars(select(MeetingSeries).where(MeetingSeries.action_id == action.id))
    )
    if series:
        held = Counter(
            (series_id, local_day(starts_at).year)
            for series_id, starts_at in db.session.execute(
                select(Meeting.series_id, Meeting.starts_at).where(
                    Meeting.series_id.in_([s.id for s in series]),
                    Meeting.state == MeetingState.HELD.value,
                )
            )
        )
        facts.meetings = [
            MeetingYear(s.name, year, held[(s.id, year)], s.min_per_year)
            for s in series
            for year in years
            if year <= today.year
        ]
    facts.evidence += [
        Evidence("besluit", o.id, _outcome_label(o)) for o in outcomes.for_action(action)
    ]
    if action.is_per_municipality:
        cells = list(
            db.session.scalars(
                select(MunicipalityProgress)
                .where(MunicipalityProgress.action_id == action.id)
                .order_by(MunicipalityProgress.year, MunicipalityProgress.municipality_id)
            )
        )
        for year in years:
            counted = Counter(STATUS_LABELS[Status(c.status)] for c in cells if c.year == year)
            unstored = municipalities - sum(counted.values())
            if unstored:
                counted[STATUS_LABELS[Status.NOT_STARTED]] += unstored
            facts.municipal[year] = counted
        facts.evidence += [
            Evidence("gemeente", c.id, _cell_label(c))
            for c in cells
            if c.note or c.status != Status.NOT_STARTED.value
        ]
    facts.evidence += [
        Evidence("kerncijfer", i.id, _indicator_label(i)) for i in figures.for_action(action)
    ]
    return facts


def _update_label(update: ProgressUpdate) -> str:
    when, status = dutch_date(update.created_at), update.status_after_label
    return f"{when} · {status}: {short(update.text, LINE)}"


def _outcome_label(outcome: MeetingOutcome) -> str:
    kind = "Besluit" if outcome.kind == OutcomeKind.DECISION.value else "Actiepunt"
    meeting = outcome.meeting
    when = dutch_date(meeting.starts_at)
    return f"{kind} {meeting.series.name}, {when}: {short(outcome.text, LINE)}"


def _cell_label(cell: MunicipalityProgress) -> str:
    note = f": {short(cell.note, 80)}" if cell.note else ""
    return f"{cell.municipality.name} {cell.year} · {STATUS_LABELS[Status(cell.status)]}{note}"


def _indicator_label(indicator: Indicator) -> str:
    latest = max(indicator.values, key=lambda v: v.year, default=None)
    value = f" (laatst {latest.year}: {latest.value})" if latest else ""
    return f"{indicator.name}, {indicator.source}{value}"


#: Per kind: the model and how its row is worded (the same words as on the form).
_LABELLERS = {
    "voortgang": (ProgressUpdate, _update_label),
    "besluit": (MeetingOutcome, _outcome_label),
    "gemeente": (MunicipalityProgress, _cell_label),
    "kerncijfer": (Indicator, _indicator_label),
}


def evidence_labels(evidence: list[EvaluationEvidence]) -> dict[str, str]:
    """``kind:id`` -> words, for the evidence of many evaluations at once (one query per
    kind); a piece deleted since has no words and is left out."""
    wanted: dict[str, set[int]] = {}
    for piece in evidence:
        wanted.setdefault(piece.kind, set()).add(piece.ref_id)
    labels = {}
    for kind, ids in wanted.items():
        model, label = _LABELLERS[kind]
        for row in db.session.scalars(select(model).where(model.id.in_(ids))):
            labels[f"{kind}:{row.id}"] = label(row)
    return labels
