"""Domain model of the action plan: plans, themes, actions, their owners and the parties."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.plan.schedule import Schedule, ScheduleKind, parse_planning


class Status(StrEnum):
    NOT_STARTED = "niet_gestart"
    IN_PROGRESS = "lopend"
    DONE = "afgerond"
    DROPPED = "vervallen"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_closed(self) -> bool:
        return self in (Status.DONE, Status.DROPPED)


STATUS_LABELS = {
    Status.NOT_STARTED: "Niet gestart",
    Status.IN_PROGRESS: "Lopend",
    Status.DONE: "Afgerond",
    Status.DROPPED: "Vervallen",
}


class Signal(StrEnum):
    ON_TRACK = "op_koers"
    ATTENTION = "aandacht"
    BEHIND = "achterstand"

    @property
    def label(self) -> str:
        return SIGNAL_LABELS[self]


SIGNAL_LABELS = {
    Signal.ON_TRACK: "Op koers",
    Signal.ATTENTION: "Aandacht",
    Signal.BEHIND: "Achterstand",
}


class PartyKind(StrEnum):
    ORGANISATION = "organisatie"
    ROLE_GROUP = "rolgroep"
    MUNICIPALITY = "gemeente"


class Plan(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Natural key used by the seed loader, e.g. ``rotterdam-2024-2026``.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    subtitle: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str] = mapped_column(String(200))
    start_year: Mapped[int]
    end_year: Mapped[int]
    introduction: Mapped[str] = mapped_column(Text, default="")
    #: The plan pages show unless another is asked for; at most one is current.
    is_current: Mapped[bool] = mapped_column(default=True)

    themes: Mapped[list[Theme]] = relationship(
        back_populates="plan", order_by="Theme.number", cascade="all, delete-orphan"
    )

    @property
    def period(self) -> str:
        return f"{self.start_year}-{self.end_year}"


class Theme(db.Model):
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")
    #: Theme 3's table of risk sectors and risk groups per form of exploitation.
    risk_table: Mapped[list | None] = mapped_column(JSON, default=None)

    plan: Mapped[Plan] = relationship(back_populates="themes")
    actions: Mapped[list[Action]] = relationship(
        back_populates="theme", order_by="Action.number", cascade="all, delete-orphan"
    )


class Municipality(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Party(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable key used in seeds and filters (``VAR``, ``gemeente-rotterdam``).
    code: Mapped[str] = mapped_column(String(60), unique=True)
    short_name: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=PartyKind.ORGANISATION.value)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))

    municipality: Mapped[Municipality | None] = relationship()


class Action(db.Model):
    __table_args__ = (UniqueConstraint("theme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id"))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    #: The planning exactly as written in the plan; the schedule columns are parsed from it.
    planning: Mapped[str] = mapped_column(String(200))
    schedule_kind: Mapped[str] = mapped_column(String(20))
    times_per_year: Mapped[int | None]
    season: Mapped[str | None] = mapped_column(String(20))
    starts_on: Mapped[date | None]
    due_on: Mapped[date | None]
    #: The plan's "Wie" column as written; ``owners`` is its structured form.
    owners_text: Mapped[str] = mapped_column(Text, default="")
    #: Carried out by every municipality, so progress is also kept per municipality and year.
    is_per_municipality: Mapped[bool] = mapped_column(default=False)
    #: Current state, denormalised from the latest progress update for cheap listing.
    status: Mapped[str] = mapped_column(String(20), default=Status.NOT_STARTED.value)
    signal: Mapped[str | None] = mapped_column(String(20))
    last_update_at: Mapped[datetime | None]
    #: Set when a beheerder revises text, planning or owners in the app; the seed loader
    #: leaves those fields of a revised action alone.
    revised_at: Mapped[datetime | None]
    #: Optimistic concurrency: every write bumps it; a form based on an older one is refused.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    theme: Mapped[Theme] = relationship(back_populates="actions")
    owners: Mapped[list[ActionOwner]] = relationship(
        back_populates="action", order_by="ActionOwner.position", cascade="all, delete-orphan"
    )

    @property
    def code(self) -> str:
        return f"{self.theme.number}.{self.number}"

    @property
    def schedule(self) -> Schedule:
        return Schedule(
            kind=ScheduleKind(self.schedule_kind),
            times_per_year=self.times_per_year,
            season=self.season,
            starts_on=self.starts_on,
            due_on=self.due_on,
        )

    def set_planning(self, planning: str) -> None:
        """Store the planning text and its parsed schedule together, so they never disagree."""
        schedule = parse_planning(planning)
        self.planning = planning
        self.schedule_kind = schedule.kind.value
        self.times_per_year = schedule.times_per_year
        self.season = schedule.season
        self.starts_on = schedule.starts_on
        self.due_on = schedule.due_on

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def signal_enum(self) -> Signal | None:
        return Signal(self.signal) if self.signal else None

    @property
    def lead_owner(self) -> ActionOwner | None:
        """The trekker: the owner marked lead, else the first listed."""
        return next((o for o in self.owners if o.is_lead), self.owners[0] if self.owners else None)

    def is_overdue(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today and not self.status_enum.is_closed


class ActionOwner(db.Model):
    """One entry of an action's owner list: a party, or free text that names no single party."""

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"))
    position: Mapped[int]
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    #: Free-text owner ("nader te bepalen netwerkpartners") when ``party_id`` is empty.
    label: Mapped[str | None] = mapped_column(String(300))
    #: Role in brackets in the plan: "voorzitter", "secretaris", "ondersteuning"...
    role: Mapped[str | None] = mapped_column(String(120))
    is_lead: Mapped[bool] = mapped_column(default=False)

    action: Mapped[Action] = relationship(back_populates="owners")
    party: Mapped[Party | None] = relationship(lazy="joined")

    @property
    def display_name(self) -> str:
        return self.party.short_name if self.party else self.label
