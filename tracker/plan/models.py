"""Domain model of the action plan: plans, themes, actions, their owners and the parties."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import utcnow
from tracker.extensions import db
from tracker.plan.schedule import Schedule, ScheduleKind, parse_planning

if TYPE_CHECKING:
    from tracker.accounts.models import User


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


class Region(db.Model):
    """A safety region running its own plans: it owns plans, parties, municipalities, meeting
    series and people's access, so a second region is a row here, not a fork."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class PlanState(StrEnum):
    DRAFT = "concept"
    PUBLISHED = "vastgesteld"


class Plan(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Natural key used by the seed loader, e.g. ``rotterdam-2024-2026``.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    subtitle: Mapped[str] = mapped_column(String(200), default="")
    #: The region's name as the plan writes it.
    region: Mapped[str] = mapped_column(String(200))
    start_year: Mapped[int]
    end_year: Mapped[int]
    introduction: Mapped[str] = mapped_column(Text, default="")
    #: The plan pages show unless another is asked for; at most one per region is current.
    is_current: Mapped[bool] = mapped_column(default=True)
    #: A draft ("concept") is edited by the beheerders and seen by nobody else until published.
    state: Mapped[str] = mapped_column(String(20), default=PlanState.PUBLISHED.value)
    #: The plan this one was made from ("Nieuw plan op basis van…").
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"))
    published_at: Mapped[datetime | None]
    #: The meeting decision (the RVO's besluit) that adopted the plan, if named.
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_outcome.id", ondelete="SET NULL", use_alter=True)
    )
    #: Optimistic concurrency: every write bumps it, and every save of a draft's texts
    #: (``copying.edit_draft``); a draft form based on an older one is refused.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    owning_region: Mapped[Region] = relationship(lazy="joined")
    predecessor: Mapped[Plan | None] = relationship(remote_side="Plan.id")
    decision = relationship("MeetingOutcome", foreign_keys=[decision_id])
    themes: Mapped[list[Theme]] = relationship(
        back_populates="plan", order_by="Theme.number", cascade="all, delete-orphan"
    )

    @property
    def period(self) -> str:
        return f"{self.start_year}-{self.end_year}"

    @property
    def is_draft(self) -> bool:
        return self.state == PlanState.DRAFT.value

    @property
    def is_archived(self) -> bool:
        return not self.is_draft and not self.is_current

    @property
    def state_label(self) -> str:
        if self.is_draft:
            return "Concept"
        return "Huidig plan" if self.is_current else "Archief"


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
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


#: The party of the aandachtsfunctionarissen: its people belong to a municipality, and a
#: municipality answers for what it owns.
AF_PARTY = "AF"


class Party(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable key used in seeds and filters (``VAR``, ``gemeente-rotterdam``).
    code: Mapped[str] = mapped_column(String(60), unique=True)
    short_name: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=PartyKind.ORGANISATION.value)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    #: The party's contact person for the plan and their plaatsvervanger (user ids); both
    #: may report on the party's actions and get its e-mail, so nothing goes quiet when one
    #: is away or leaves.
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL", use_alter=True)
    )
    deputy_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL", use_alter=True)
    )

    municipality: Mapped[Municipality | None] = relationship()
    contact: Mapped[User | None] = relationship(foreign_keys=[contact_id])
    deputy: Mapped[User | None] = relationship(foreign_keys=[deputy_id])


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
    #: When the tracker began following this action (it was seeded or added, or its plan was
    #: published): an action is "lang niet bijgewerkt" only once it has been followed longer
    #: than the report's stale period, so a plan just put in the tracker is not all red.
    tracked_since: Mapped[datetime | None] = mapped_column(default=utcnow)
    #: Set when a beheerder revises text, planning or owners in the app; the seed loader
    #: leaves those fields of a revised action alone.
    revised_at: Mapped[datetime | None]
    #: Parsed with the schedule: a set-up deadline after which the work is ongoing (2.10).
    then_ongoing: Mapped[bool] = mapped_column(default=False)
    #: The same action in the plan this one was copied from, so history reads across plans.
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("action.id"))
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
        return schedule_of(self)

    def set_planning(self, planning: str) -> None:
        """Store the planning text and its parsed schedule together, so they never disagree.
        Reads the action's text too ("Opzetten en onderhouden…"): set the text first."""
        schedule = parse_planning(planning, self.text or "")
        self.planning = planning
        self.schedule_kind = schedule.kind.value
        self.times_per_year = schedule.times_per_year
        self.season = schedule.season
        self.starts_on = schedule.starts_on
        self.due_on = schedule.due_on
        self.then_ongoing = schedule.then_ongoing

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def lead_owner(self) -> ActionOwner | None:
        return lead_of(self.owners)

    @property
    def is_regional(self) -> bool:
        """Carried by the region together: every municipality carries it out, or the
        aandachtsfunctionarissen (one or more in each of the 23) are among its owners."""
        return self.is_per_municipality or any(
            owner.party is not None and owner.party.code == AF_PARTY for owner in self.owners
        )

    def is_overdue(self, today: date) -> bool:
        return deadline_passed(self, self.status, today)


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
    #: For a free-text owner: the parties or named people who report for it.
    links: Mapped[list[OwnerLink]] = relationship(
        back_populates="owner", cascade="all, delete-orphan", order_by="OwnerLink.id"
    )

    @property
    def display_name(self) -> str:
        return self.party.short_name if self.party else self.label


class OwnerLink(db.Model):
    """A free-text owner ("(Centrum)gemeenten") linked by a beheerder to a party or a named
    contact who reports for it: exactly one of ``party_id`` and ``user_id`` is set."""

    __table_args__ = (UniqueConstraint("owner_id", "party_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("action_owner.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))

    owner: Mapped[ActionOwner] = relationship(back_populates="links")
    party: Mapped[Party | None] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship(lazy="joined")

    @property
    def display_name(self) -> str:
        return self.party.short_name if self.party else self.user.name


def schedule_of(action) -> Schedule:
    """The parsed schedule of an ``Action`` or a listing row (``rows.ActionRow``)."""
    return Schedule(
        kind=ScheduleKind(action.schedule_kind),
        times_per_year=action.times_per_year,
        season=action.season,
        starts_on=action.starts_on,
        due_on=action.due_on,
        then_ongoing=action.then_ongoing,
    )


def lead_of(owners: list):
    """The trekker: the owner marked lead, else the first listed."""
    return next((o for o in owners if o.is_lead), owners[0] if owners else None)


def deadline_passed(action: Action, status: str, today: date) -> bool:
    """The one rule for "Termijn verstreken": a due date before ``today`` and not closed. A
    set-up-and-maintain action (2.10) that has been set up is ongoing, not late."""
    if action.due_on is None or action.due_on >= today or Status(status).is_closed:
        return False
    return not (action.then_ongoing and status != Status.NOT_STARTED.value)
