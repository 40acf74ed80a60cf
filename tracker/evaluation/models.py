"""The evaluation of a plan: one round per plan, one evaluation per action, and the
knelpunten (bottlenecks) that block actions."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import utcnow
from tracker.extensions import db
from tracker.plan.models import Action, Party, Plan


class Result(StrEnum):
    ACHIEVED = "bereikt"
    PARTLY = "deels"
    NOT_ACHIEVED = "niet"
    DROPPED = "vervallen"

    @property
    def label(self) -> str:
        return RESULT_LABELS[self]


RESULT_LABELS = {
    Result.ACHIEVED: "Bereikt",
    Result.PARTLY: "Deels bereikt",
    Result.NOT_ACHIEVED: "Niet bereikt",
    Result.DROPPED: "Vervallen",
}


class Advice(StrEnum):
    CONTINUE = "voortzetten"
    ADJUST = "aanpassen"
    STOP = "stoppen"
    TRANSFER = "overdragen"

    @property
    def label(self) -> str:
        return ADVICE_LABELS[self]

    @property
    def carries_over(self) -> bool:
        """Whether the action goes into the next plan (adjusted or as it is)."""
        return self in (Advice.CONTINUE, Advice.ADJUST)


ADVICE_LABELS = {
    Advice.CONTINUE: "Voortzetten",
    Advice.ADJUST: "Aanpassen",
    Advice.STOP: "Stoppen",
    Advice.TRANSFER: "Overdragen",
}


class EvaluationRound(db.Model):
    """A plan's evaluation, opened by a beheerder with a deadline for the owners."""

    __tablename__ = "evaluation_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), unique=True)
    deadline: Mapped[date]
    #: The deadline the round was opened with, once a beheerder moved it: the owners read
    #: that one in their first e-mail, so the pages and later e-mails name both.
    first_deadline: Mapped[date | None]
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    plan: Mapped[Plan] = relationship()
    opened_by = relationship("User")
    evaluations: Mapped[list[ActionEvaluation]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )

    @property
    def moved_from(self) -> date | None:
        """The first deadline, if the deadline now is another one."""
        return self.first_deadline if self.first_deadline != self.deadline else None

    def deadline_passed(self, today: date) -> bool:
        """The owners' deadline lies behind ``today`` (where the users live). They may still
        evaluate late; the round's e-mails no longer go out."""
        return today > self.deadline


class ActionEvaluation(db.Model):
    """What one action achieved over the plan's period and what the next plan should do
    with it. Rewritten by its owners and the beheerder until the report is made; every save
    bumps ``version``, and a save based on an older one is refused."""

    __tablename__ = "action_evaluation"
    __table_args__ = (UniqueConstraint("round_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_round.id", ondelete="CASCADE"))
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    result: Mapped[str] = mapped_column(String(20))
    delivered: Mapped[str] = mapped_column(Text, default="")
    effect: Mapped[str] = mapped_column(Text, default="")
    helped: Mapped[str] = mapped_column(Text, default="")
    hindered: Mapped[str] = mapped_column(Text, default="")
    advice: Mapped[str] = mapped_column(String(20))
    advice_reason: Mapped[str] = mapped_column(Text, default="")
    #: For "aanpassen": the action's text as the next plan should word it.
    new_text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    round: Mapped[EvaluationRound] = relationship(back_populates="evaluations")
    action: Mapped[Action] = relationship()
    author = relationship("User", lazy="joined")
    evidence: Mapped[list[EvaluationEvidence]] = relationship(
        cascade="all, delete-orphan", order_by="EvaluationEvidence.id", lazy="selectin"
    )

    @property
    def result_label(self) -> str:
        return Result(self.result).label

    @property
    def advice_enum(self) -> Advice:
        return Advice(self.advice)

    @property
    def advice_label(self) -> str:
        return Advice(self.advice).label


class EvaluationEvidence(db.Model):
    """One piece of evidence picked for an evaluation: an update, a municipal row, a meeting
    decision or a kerncijfer, by kind and id (see ``evidence.KINDS``)."""

    __tablename__ = "evaluation_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("action_evaluation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int]


class KnelpuntStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_behandeling"
    SOLVED = "opgelost"

    @property
    def label(self) -> str:
        return {"open": "Open", "in_behandeling": "In behandeling", "opgelost": "Opgelost"}[
            self.value
        ]


knelpunt_action = Table(
    "knelpunt_action",
    db.metadata,
    Column("knelpunt_id", ForeignKey("knelpunt.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", ForeignKey("action.id", ondelete="CASCADE"), primary_key=True),
)


class Knelpunt(db.Model):
    """A bottleneck that blocks actions: what it is, since when, who can solve it. Fed from
    updates and evaluations, proposed for the Regionale Tafel's agenda."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(Text)
    since: Mapped[date]
    solver_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="SET NULL"))
    #: Who can solve it when that is no single party ("de gemeenteraden", "het ministerie").
    solver_text: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default=KnelpuntStatus.OPEN.value)
    #: How it was solved, or where it stands.
    resolution: Mapped[str] = mapped_column(Text, default="")
    #: Proposed for the agenda of the Regionale Tafel ("Agenda voorstellen" picks it up).
    for_table: Mapped[bool] = mapped_column(default=False)
    source_update_id: Mapped[int | None] = mapped_column(
        ForeignKey("progress_update.id", ondelete="SET NULL")
    )
    source_evaluation_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_evaluation.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    actions: Mapped[list[Action]] = relationship(
        secondary=knelpunt_action, order_by="Action.id", lazy="selectin"
    )
    solver_party: Mapped[Party | None] = relationship(lazy="joined")
    created_by = relationship("User", lazy="joined")

    @property
    def status_enum(self) -> KnelpuntStatus:
        return KnelpuntStatus(self.status)

    @property
    def solver(self) -> str:
        names = [self.solver_party.short_name] if self.solver_party else []
        if self.solver_text:
            names.append(self.solver_text)
        return ", ".join(names) or "Nog niet bekend"
