"""``flask --app tracker reminders send-due``: one scheduler tick, for cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.dates import utcnow
from tracker.notifications.sending import send_due_notifications
from tracker.text import counted

reminders_cli = AppGroup("reminders", help="The e-mail outbox.")


@reminders_cli.command("send-due")
def send_due_command():
    """Run one scheduler tick: plan, expire, and send what is due."""
    sent = send_due_notifications(utcnow())
    click.echo(counted(sent, "bericht", "berichten") + " verstuurd.")
