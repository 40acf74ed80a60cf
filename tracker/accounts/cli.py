"""``flask --app tracker users ...``: create, list and deactivate accounts from a shell."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from tracker.accounts import handover, services, users
from tracker.accounts.models import Role, User
from tracker.audit.services import record
from tracker.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--party", help="Party code or name, e.g. VAR, AF or RIEC.")
@click.option("--municipality", help="Municipality code or name, e.g. schiedam or Schiedam.")
@click.option("--password", help="Asked for (twice, hidden) when not given.")
def create_user(email, name, role, party, municipality, password):
    """Create an account. Everything is checked before the password is asked."""
    details = {
        "email": email,
        "name": name,
        "role": role,
        "party": party,
        "municipality": municipality,
    }
    if problems := users.account_problems(**details):
        raise click.ClickException(" ".join(problems.values()))
    if password is None:
        password = click.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)
    try:
        user = users.create_user(**details, password=password, via="CLI")
    except users.AccountProblem as exc:
        raise click.ClickException(" ".join(exc.problems.values())) from exc
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
@click.option("--successor", help="E-mail of who takes over their parties, links and e-mail.")
def deactivate_user(email, successor):
    """Switch an account off, end its sessions and hand over what it holds."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"Geen account voor {email}.")
    taker = None
    if successor:
        taker = services.find_user_by_email(successor)
        if taker is None or not taker.is_enabled or taker.id == user.id:
            raise click.ClickException(f"Geen ander actief account voor {successor}.")
    held = handover.holdings(user)
    if held and taker is None:
        click.echo(f"Let op: niemand neemt over ({'; '.join(held.describe())}).")
    handover.hand_over(user, taker, None)
    user.is_enabled = False
    user.version += 1  # a beheerder's form opened before this no longer saves
    user.end_sessions()
    record("user.deactivate", None, user.email, "Uitgeschakeld via de CLI")
    db.session.commit()
    click.echo(f"Account uitgeschakeld: {user.email}.")
