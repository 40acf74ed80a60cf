"""Command-line entry points: ``flask --app tracker seed`` and friends."""

from __future__ import annotations

import socket
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from tracker.backup import BackupError, backup, restore
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
    click.echo(f"Seeds geladen: {report.summary()}.")


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Write a consistent backup of the database to FILE (SQLite copy, or pg_dump's custom
    format on PostgreSQL), readable only by its owner."""
    try:
        backup(current_app.config["SQLALCHEMY_DATABASE_URI"], file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Back-up geschreven naar {file}.")


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace the database's contents with the backup in FILE. Stop the app and the
    scheduler first."""
    if not yes:
        click.confirm(
            "Alle gegevens in de database worden vervangen door de back-up. Doorgaan?",
            abort=True,
        )
    db.session.remove()
    db.engine.dispose()
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Back-up {file} teruggezet. Start de app en de scheduler opnieuw.")


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the scheduler as its own process (production): exactly one next to the web app."""
    from tracker.scheduler import run_blocking
    from tracker.urls import warn_without_base_url

    warn_without_base_url(current_app)
    click.echo("Scheduler gestart; stop met Ctrl-C.")
    run_blocking(current_app._get_current_object())


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def serve_command(host: str, port: int):
    """Development server with the scheduler running inside it."""
    from werkzeug import serving

    from tracker import scheduler
    from tracker.privacy.names import warm_up

    app = current_app._get_current_object()
    # Check the port first: one in use (5000 is AirPlay's on macOS) is said in Dutch, before
    # anything claims the tracker is running.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise click.ClickException(
                f"Poort {port} op {host} is bezet ({exc.strerror}). Kies een andere, "
                f"bijvoorbeeld: PORT={port + 1} ./dev serve"
            ) from exc
    server = serving.make_server(host, port, app, threaded=True)
    # Links in e-mails (also the scheduler's, outside any request) point to this server.
    app.config["BASE_URL"] = app.config["BASE_URL"] or f"http://{host}:{port}"
    warm_up()  # the privacy guard's name lists load while the server starts
    background = scheduler.start_background(app)
    click.echo(f"Tracker op http://{host}:{port} (scheduler draait mee); stop met Ctrl-C.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        background.shutdown(wait=False)


def register_cli(app: Flask) -> None:
    from tracker.accounts.cli import users_cli
    from tracker.meetings.cli import meetings_cli
    from tracker.notifications.cli import reminders_cli
    from tracker.redaction.cli import privacy_cli

    for command in (
        seed_command,
        privacy_cli,
        backup_command,
        restore_command,
        users_cli,
        meetings_cli,
        reminders_cli,
        scheduler_command,
        serve_command,
    ):
        app.cli.add_command(command)
