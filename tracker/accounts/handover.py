"""Handing over when someone leaves: who takes over their parties' actions, their links to
free-text owners and their pending e-mail. A leaver's actions must not go quiet.

What a person holds: the parties they are contact person or plaatsvervanger of, the party whose
only reporter they are (their own), and free-text owners linked to them by name. Deactivating
them moves all of it to the successor; the outbox withdraws their pending e-mail (on
``signals.handed_over``), and the scheduler plans the successor's (reminders, update requests
and actiepunt reminders follow party membership, which the successor now has). The caller
commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select

from tracker.accounts.membership import active_users_for_parties
from tracker.accounts.models import User
from tracker.accounts.signals import handed_over, holdings_asked
from tracker.audit.services import record
from tracker.extensions import db
from tracker.plan.models import OwnerLink, Party


@dataclass
class Holdings:
    contact_of: list[Party] = field(default_factory=list)
    deputy_of: list[Party] = field(default_factory=list)
    #: Parties (their own) where they are the only active person able to report.
    sole_reporter_of: list[Party] = field(default_factory=list)
    links: list[OwnerLink] = field(default_factory=list)
    #: What other packages say the user holds (``signals.holdings_asked``), one line each.
    elsewhere: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.contact_of or self.deputy_of or self.sole_reporter_of or self.links)

    def describe(self) -> list[str]:
        """In Dutch, one line per kind, for the deactivation form."""
        lines = []
        if self.contact_of:
            lines.append("contactpersoon van " + ", ".join(p.short_name for p in self.contact_of))
        if self.deputy_of:
            lines.append("plaatsvervanger bij " + ", ".join(p.short_name for p in self.deputy_of))
        if self.sole_reporter_of:
            names = ", ".join(p.short_name for p in self.sole_reporter_of)
            lines.append(f"de enige die voor {names} rapporteert")
        if self.links:
            names = ", ".join(sorted({link.owner.label for link in self.links}))
            lines.append(f"gekoppeld als rapporteur van: {names}")
        return lines + self.elsewhere


def holdings(user: User) -> Holdings:
    parties = db.session.scalars(
        select(Party).where(or_(Party.contact_id == user.id, Party.deputy_id == user.id))
    ).all()
    result = Holdings(
        contact_of=[p for p in parties if p.contact_id == user.id],
        deputy_of=[p for p in parties if p.deputy_id == user.id],
        links=list(db.session.scalars(select(OwnerLink).where(OwnerLink.user_id == user.id))),
        elsewhere=[line for _, line in holdings_asked.send(user) if line],
    )
    own = user.party_id
    if (
        own
        and user.is_enabled
        and own not in {p.id for p in parties}
        and active_users_for_parties({own}).get(own, 0) <= 1
    ):
        result.sole_reporter_of.append(user.party)
    return result


def hand_over(user: User, successor: User | None, actor: User | None) -> Holdings:
    """Move what ``user`` holds to ``successor`` (None: nobody, on purpose; their actions then
    show on the list without a reporter) and withdraw their pending e-mail."""
    held = holdings(user)
    if successor is not None:
        for party in held.contact_of + held.sole_reporter_of:
            if party.contact_id in (None, user.id):
                party.contact_id = successor.id
            if party.deputy_id == successor.id:
                party.deputy_id = None
        for party in held.deputy_of:
            party.deputy_id = None if party.contact_id == successor.id else successor.id
        for link in held.links:
            duplicate = db.session.scalar(
                select(OwnerLink.id).where(
                    OwnerLink.owner_id == link.owner_id, OwnerLink.user_id == successor.id
                )
            )
            if duplicate:
                db.session.delete(link)
            else:
                link.user_id = successor.id
    else:
        for party in held.contact_of:
            party.contact_id = None
        for party in held.deputy_of:
            party.deputy_id = None
        for link in held.links:
            db.session.delete(link)
    handed_over.send(user)
    record(
        "user.handover",
        actor,
        user.email,
        f"Overgedragen aan {successor.name}" if successor else "Niet overgedragen",
        successor=successor.email if successor else None,
        held=held.describe(),
    )
    return held
