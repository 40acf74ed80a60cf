"""``flask --app tracker users ...``: create, list and deactivate accounts from a shell."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from tracker.accounts import services
from tracker.accounts.models import Role, User
from tracker.audit.services import record
from tracker.extensions import db
from tracker.plan.models import Municipality, Party

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--party", help="Party code, e.g. VAR or AF.")
@click.option("--municipality", help="Municipality code, e.g. schiedam.")
@click.password_option("--password", help="Asked for when not given.")
def create_user(email, name, role, party, municipality, password):
    """Create an account."""
    if services.find_user_by_email(email):
        raise click.ClickException(f"Er bestaat al een account voor {email}.")
    if problem := services.password_problem(password, email):
        raise click.ClickException(problem)
    user = User(
        email=services.normalise_email(email),
        name=name,
        role=role,
        password_hash=services.hash_password(password),
    )
    if party:
        user.party = db.session.scalar(select(Party).where(Party.code == party))
        if user.party is None:
            raise click.ClickException(f"Onbekende partij '{party}'.")
    if municipality:
        user.municipality = db.session.scalar(
            select(Municipality).where(Municipality.code == municipality)
        )
        if user.municipality is None:
            raise click.ClickException(f"Onbekende gemeente '{municipality}'.")
    if role == Role.CONTRIBUTOR.value and not (party or municipality):
        raise click.ClickException("Een bijdrager heeft een --party of --municipality nodig.")
    db.session.add(user)
    db.session.flush()
    record("user.create", None, user.email, "Account aangemaakt via de CLI", role=role)
    db.session.commit()
    click.echo(f"Account aangemaakt: {user.email} ({role}).")


@users_cli.command("list")
def list_users():
    """List accounts."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "actief" if user.is_enabled else "uitgeschakeld"
        where = ", ".join(
            x
            for x in (user.party and user.party.code, user.municipality and user.municipality.code)
            if x
        )
        click.echo(f"{user.email}\t{user.name}\t{user.role}\t{where}\t{state}")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_user(email):
    """Switch an account off and end its sessions."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"Geen account voor {email}.")
    user.is_enabled = False
    user.end_sessions()
    record("user.deactivate", None, user.email, "Uitgeschakeld via de CLI")
    db.session.commit()
    click.echo(f"Account uitgeschakeld: {user.email}.")
