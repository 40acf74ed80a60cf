"""Creating accounts: one set of rules for the first-run setup, the beheerder's form and the
command line, so an address that is no address or a contributor without a party cannot get
in by one door when another refuses it. The caller commits."""

from __future__ import annotations

import secrets

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select

from tracker.accounts import services
from tracker.accounts.models import Role, User
from tracker.audit.services import record
from tracker.extensions import db
from tracker.plan.models import AF_PARTY, Municipality, Party, PartyKind


class AccountProblem(ValueError):
    """The account cannot be made; ``problems`` maps a field to a Dutch message."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def find_party(value: str) -> Party | None:
    """A party (not a municipality) by code or name, whatever the case: "riec", "RIEC"."""
    value = (value or "").strip().lower()
    return db.session.scalar(
        select(Party).where(
            Party.kind != PartyKind.MUNICIPALITY.value,
            or_(
                func.lower(Party.code) == value,
                func.lower(Party.short_name) == value,
                func.lower(Party.name) == value,
            ),
        )
    )


def find_municipality(value: str) -> Municipality | None:
    """A municipality by code or name, whatever the case: "schiedam", "Capelle aan den IJssel"."""
    value = (value or "").strip().lower()
    return db.session.scalar(
        select(Municipality).where(
            or_(func.lower(Municipality.code) == value, func.lower(Municipality.name) == value)
        )
    )


def party_choices_text() -> str:
    codes = db.session.scalars(
        select(Party.code).where(Party.kind != PartyKind.MUNICIPALITY.value).order_by(Party.code)
    )
    return ", ".join(codes)


def municipality_choices_text() -> str:
    return ", ".join(db.session.scalars(select(Municipality.name).order_by(Municipality.name)))


def account_problems(
    *,
    email: str,
    name: str,
    role: str,
    party: str | None,
    municipality: str | None,
    editing: User | None = None,
) -> dict[str, str]:
    """Everything wrong with these account details, per field (empty when all is well);
    ``editing`` is the account being changed (its own address is not taken)."""
    problems = {}
    try:
        validate_email(email or "", check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        problems["email"] = "Vul een geldig e-mailadres in, bijvoorbeeld naam@gemeente.nl."
    else:
        existing = services.find_user_by_email(email)
        if existing is not None and existing is not editing:
            problems["email"] = "Er bestaat al een account met dit e-mailadres."
    if not (name or "").strip():
        problems["name"] = "Vul een naam in."
    if role not in {r.value for r in Role}:
        problems["role"] = f"Kies een rol: {', '.join(r.value for r in Role)}."
    found_party = find_party(party) if party else None
    if party and found_party is None:
        problems["party"] = f"Onbekende partij '{party}'. Kies uit: {party_choices_text()}."
    found_municipality = find_municipality(municipality) if municipality else None
    if municipality and found_municipality is None:
        problems["municipality"] = (
            f"Onbekende gemeente '{municipality}'. Kies uit: {municipality_choices_text()}."
        )
    if role == Role.CONTRIBUTOR.value and not (party or municipality):
        problems["role"] = (
            "Een bijdrager hoort bij een partij of een gemeente; kies er minstens één."
        )
    if found_party is not None and found_party.code == AF_PARTY and not municipality:
        problems["municipality"] = (
            "Een aandachtsfunctionaris hoort bij een gemeente; kies de gemeente."
        )
    return problems


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    party: str | None = None,
    municipality: str | None = None,
    password: str | None = None,
    actor: User | None = None,
    via: str,
) -> User:
    """Check and add an account. Without ``password`` the account gets a random one nobody
    knows (the invitation link lets the person choose theirs)."""
    problems = account_problems(
        email=email, name=name, role=role, party=party, municipality=municipality
    )
    if password is not None and (problem := services.password_problem(password, email)):
        problems["password"] = problem
    if problems:
        raise AccountProblem(problems)
    found_party = find_party(party) if party else None
    found_municipality = find_municipality(municipality) if municipality else None
    user = User(
        email=services.normalise_email(email),
        name=name.strip(),
        role=role,
        party=found_party,
        municipality=found_municipality,
        password_hash=services.hash_password(password or secrets.token_urlsafe(32)),
        # The region of the party or municipality, else the beheerder's who makes the
        # account; else (first-run setup, the command line) the installation's first region.
        region_id=next(
            (
                owner.region_id
                for owner in (found_municipality, found_party, actor)
                if owner is not None and getattr(owner, "region_id", None)
            ),
            None,
        ),
    )
    db.session.add(user)
    db.session.flush()
    record("user.create", actor, user.email, f"Account aangemaakt ({via})", role=role)
    return user
