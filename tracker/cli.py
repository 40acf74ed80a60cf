"""Command-line entry points: ``flask --app tracker seed`` and friends."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from tracker.extensions import db
from tracker.seeding import SeedError, apply_seeds, read_seeds


def seeds_directory() -> Path:
    return Path(current_app.config["SEEDS_DIR"])


@click.command("seed")
@with_appcontext
@click.option(
    "--no-migrate", is_flag=True, help="Skip bringing the schema to the latest migration."
)
def seed_command(no_migrate: bool) -> None:
    """Migrate the database and load the plan, parties and municipalities from seeds/."""
    if not no_migrate:
        upgrade()
    directory = seeds_directory()
    try:
        data = read_seeds(directory)
    except SeedError as exc:
        click.echo(f"Seeds in {directory} afgekeurd, er is niets opgeslagen:", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(1) from exc
    try:
        report = apply_seeds(db.session, data)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if report.kept_revised:
        click.echo(
            "In de app herzien, daarom niet overschreven door de seeds: "
            + ", ".join(report.kept_revised)
        )
    if not report.changed:
        click.echo("Seeds geladen: niets gewijzigd.")
        return
    parts = [f"{n} {kind} nieuw" for kind, n in report.created.items()]
    parts += [f"{n} {kind} bijgewerkt" for kind, n in report.updated.items()]
    click.echo("Seeds geladen: " + ", ".join(parts) + ".")


def register_cli(app: Flask) -> None:
    from tracker.accounts.cli import users_cli
    from tracker.meetings.cli import (
        meetings_cli,
        reminders_cli,
        scheduler_command,
        serve_command,
    )

    for command in (
        seed_command,
        users_cli,
        meetings_cli,
        reminders_cli,
        scheduler_command,
        serve_command,
    ):
        app.cli.add_command(command)
