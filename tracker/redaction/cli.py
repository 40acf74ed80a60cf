"""``flask --app tracker privacy scan`` and ``privacy warm``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.dates import dutch_date, utcnow
from tracker.extensions import db
from tracker.text import counted

privacy_cli = AppGroup("privacy", help="The privacy guard.")


@privacy_cli.command("scan")
def scan_command():
    """List every stored text with personal data (masked); exit 1 on a hard finding."""
    from tracker.redaction.scan import scan

    results = scan(utcnow())
    db.session.commit()
    for result in results:
        stored = result.stored
        when = dutch_date(stored.at) if stored.at else "–"
        strength = "HARD" if result.is_hard else "naam?"
        click.echo(f"{strength}\t{stored.where}\t{when}\t{result.kinds}\t{result.masked_excerpt}")
    hard = sum(r.is_hard for r in results)
    click.echo(
        counted(len(results), "tekst", "teksten") + f" met bevindingen, waarvan {hard} hard."
    )
    if hard:
        raise SystemExit(1)


@privacy_cli.command("warm")
def warm_command():
    """Build (once per installation) and load deduce's lookup lists."""
    from tracker.privacy.names import load

    load()
    click.echo("De lijsten van de privacycontrole zijn klaar.")
