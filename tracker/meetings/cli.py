"""CLI for meetings and reminders: import an .ics file, run one tick, run the scheduler,
and the development server with the scheduler inside it."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import or_, select

from tracker.dates import utcnow
from tracker.extensions import db
from tracker.meetings.models import MeetingSeries
from tracker.meetings.services import import_ics

meetings_cli = AppGroup("meetings", help="Meetings.")
reminders_cli = AppGroup("reminders", help="The e-mail outbox.")


@meetings_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--series", "series_name", required=True, help="Series name or code.")
def import_command(file: Path, series_name: str):
    """Import meetings from an .ics file into a series; known UIDs are skipped."""
    series = db.session.scalar(
        select(MeetingSeries).where(
            or_(MeetingSeries.code == series_name, MeetingSeries.name == series_name)
        )
    )
    if series is None:
        names = ", ".join(db.session.scalars(select(MeetingSeries.name)))
        raise click.ClickException(f"Onbekend overleg '{series_name}'. Bekend: {names}.")
    report = import_ics(file.read_bytes(), series, None, utcnow(), current_app.config["TIMEZONE"])
    db.session.commit()
    click.echo(report.summary())
    for problem in report.refused + report.problems:
        click.echo(f"  - {problem}")
    if report.refused or not (report.created or report.skipped):
        raise SystemExit(1)  # nothing could be imported: scripts must notice


@reminders_cli.command("send-due")
def send_due_command():
    """Run one scheduler tick: plan, expire, and send what is due."""
    from tracker.notifications.sending import send_due_notifications

    sent = send_due_notifications(utcnow())
    click.echo(f"{sent} bericht(en) verstuurd.")


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the scheduler as its own process (production)."""
    from tracker.scheduler import run_blocking

    click.echo("Scheduler gestart; stop met Ctrl-C.")
    run_blocking(current_app._get_current_object())


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def serve_command(host: str, port: int):
    """Development server with the scheduler running inside it."""
    from werkzeug.serving import run_simple

    from tracker.privacy.detect import warm_up
    from tracker.scheduler import start_background

    app = current_app._get_current_object()
    warm_up()  # the privacy guard's name lists load while the server starts
    scheduler = start_background(app)
    click.echo(f"Tracker op http://{host}:{port} (scheduler draait mee); stop met Ctrl-C.")
    try:
        # run_simple, not app.run: Flask ignores app.run() inside a `flask` command.
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        scheduler.shutdown(wait=False)
