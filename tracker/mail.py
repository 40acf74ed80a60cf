"""Sending e-mail: over SMTP when ``MAIL_SERVER`` is configured, else kept as .eml files in
``instance/outbox/`` so a first run shows what would have been sent."""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import current_app, render_template
from flask_mail import Message

from tracker.dates import utcnow
from tracker.extensions import mail


def render_email(template: str, **context) -> tuple[str, str]:
    """The text and HTML bodies from ``templates/email/<template>.txt`` and ``.html``."""
    return (
        render_template(f"email/{template}.txt", **context),
        render_template(f"email/{template}.html", **context),
    )


def outbox_dir() -> Path:
    path = Path(current_app.instance_path) / "outbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def send_now(subject: str, recipient: str, template: str, **context) -> Message:
    """Send one message to one recipient right away (login links and the like)."""
    text, html = render_email(template, **context)
    message = Message(
        subject=subject,
        recipients=[recipient],
        body=text,
        html=html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    if current_app.config.get("MAIL_SERVER"):
        mail.send(message)
    else:
        name = f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        (outbox_dir() / name).write_bytes(message.as_bytes())
        current_app.logger.info("No MAIL_SERVER: kept %s for %s in outbox/", name, recipient)
    return message
