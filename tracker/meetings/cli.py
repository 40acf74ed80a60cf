"""``flask --app tracker meetings import``: meetings from an .ics file."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import or_, select

from tracker.dates import app_timezone, utcnow
from tracker.extensions import db
from tracker.meetings.models import MeetingSeries
from tracker.meetings.services import import_ics

meetings_cli = AppGroup("meetings", help="Meetings.")


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
    report = import_ics(file.read_bytes(), series, None, utcnow(), app_timezone())
    db.session.commit()
    click.echo(report.summary())
    for problem in report.refused + report.problems:
        click.echo(f"  - {problem}")
    if report.refused or not (report.created or report.skipped):
        raise SystemExit(1)  # nothing could be imported: scripts must notice
