"""The outbox: one row per e-mail the tracker owes someone, the source of truth for sending."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import utcnow
from tracker.extensions import db


class NotificationKind(StrEnum):
    REMINDER = "herinnering"
    UPDATE_REQUEST = "voortgangsverzoek"
    CHANGED = "vergadering_gewijzigd"
    CANCELLED = "vergadering_geannuleerd"
    FOLLOW_UP = "actiepunt"
    AGENDA = "agenda"
    EVALUATION = "evaluatie"
    EVALUATION_REMINDER = "evaluatie_herinnering"

    @property
    def label(self) -> str:
        return {
            "herinnering": "Herinnering vergadering",
            "voortgangsverzoek": "Verzoek om voortgang",
            "vergadering_gewijzigd": "Vergadering gewijzigd",
            "vergadering_geannuleerd": "Vergadering geannuleerd",
            "actiepunt": "Herinnering actiepunt",
            "agenda": "Agenda vergadering",
            "evaluatie": "Verzoek om evaluatie",
            "evaluatie_herinnering": "Herinnering evaluatie",
        }[self.value]


class NotificationState(StrEnum):
    PENDING = "wachtend"
    SENDING = "bezig"
    SENT = "verstuurd"
    FAILED = "mislukt"
    EXPIRED = "verlopen"
    WITHDRAWN = "ingetrokken"


class Notification(db.Model):
    __table_args__ = (
        Index("ix_notification_state_due_at", "state", "due_at"),
        # "Is there a later reminder for this person?" (sending's _superseded), per row sent.
        Index(
            "ix_notification_meeting_recipient_kind",
            "meeting_id",
            "recipient_id",
            "kind",
            "offset_days",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    #: The meeting the e-mail is about; empty for an evaluation round's e-mails.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    #: The evaluation round an EVALUATION (or its reminder) e-mail asks to take part in.
    evaluation_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("evaluation_round.id", ondelete="CASCADE"), index=True
    )
    #: The actiepunt a FOLLOW_UP reminder is about (``meeting_id`` is then its meeting).
    outcome_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_outcome.id", ondelete="CASCADE"), index=True
    )
    #: Days before the meeting (reminders, update requests), the actiepunt's due date or the
    #: evaluation's deadline.
    offset_days: Mapped[int | None]
    #: (kind, meeting or round, recipient, offset or sequence): one row per e-mail, ever.
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20), default=NotificationState.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    #: When the current claim was taken or last renewed: the lease runs from here.
    claimed_at: Mapped[datetime | None]
    #: Which sender holds the claim; only that sender may send the row or mark it done.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(200))
    #: What was sent (kept for the outbox page when no SMTP server is configured).
    subject: Mapped[str | None] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    recipient = relationship("User", lazy="joined")
    meeting = relationship("Meeting", lazy="joined")
    outcome = relationship("MeetingOutcome")
    evaluation_round = relationship("EvaluationRound")

    @property
    def kind_enum(self) -> NotificationKind:
        return NotificationKind(self.kind)


def add_once(kind: NotificationKind, recipient_id: int, due_at: datetime, key: str, **about):
    """Put an e-mail in the outbox unless its dedupe key is there: a second scheduler
    planning the same e-mail at the same moment has then done it already (INSERT … ON
    CONFLICT DO NOTHING). ``about``: the meeting, actiepunt or evaluation round and the
    offset."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(Notification)
        .values(
            kind=kind.value,
            recipient_id=recipient_id,
            dedupe_key=key,
            due_at=due_at,
            state=NotificationState.PENDING.value,
            attempts=0,
            created_at=utcnow(),
            **about,
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )


def of_region():
    """WHERE clause: e-mails to people of the asker's region (outbox page, overview)."""
    from sqlalchemy import select

    from tracker.accounts.models import User
    from tracker.plan.regions import in_region

    return Notification.recipient_id.in_(select(User.id).where(in_region(User)))
