"""Sending e-mail: over SMTP when ``MAIL_SERVER`` is configured, else kept as .eml files in
``instance/outbox/`` so a first run shows what would have been sent.

Messages are built with Flask-Mail's ``Message`` and configured with its ``MAIL_*`` settings,
but delivered by ``smtp_deliver`` here: Flask-Mail's connection has no timeout, does not verify
the server certificate on STARTTLS and ignores recipients the server refuses.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from email.charset import QP, Charset
from email.utils import parseaddr
from pathlib import Path

from flask import current_app, render_template
from flask_mail import Message

from tracker.dates import utcnow
from tracker.files import private_dir, write_private


def _quoted_printable() -> Charset:
    """UTF-8 bodies as quoted-printable: lines stay under SMTP's 998-character limit whatever
    the agenda or update text holds (Flask-Mail's default sends long 8-bit lines)."""
    charset = Charset("utf-8")
    charset.body_encoding = QP
    return charset


def new_message(subject: str, recipient: str, text: str, html: str) -> Message:
    """One message to one recipient (never a shared To list)."""
    return Message(
        subject=subject,
        recipients=[recipient],
        body=text,
        html=html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        charset=_quoted_printable(),
    )


class DeliveryError(Exception):
    """The message was not accepted for every recipient; retrying may help."""


def render_email(template: str, **context) -> tuple[str, str]:
    """The text and HTML bodies from ``templates/email/<template>.txt`` and ``.html``."""
    return (
        render_template(f"email/{template}.txt", **context),
        render_template(f"email/{template}.html", **context),
    )


def outbox_dir() -> Path:
    return private_dir(Path(current_app.instance_path) / "outbox")


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def smtp_deliver(message: Message) -> None:
    """Deliver over SMTP with a timeout and a verifying TLS context; raise DeliveryError when
    the server refuses any recipient or cannot be reached."""
    config = current_app.config
    host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25))
    timeout = float(config.get("MAIL_TIMEOUT", 30))
    context = ssl.create_default_context()
    try:
        if config.get("MAIL_USE_SSL"):
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=context)
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            sender = parseaddr(message.sender)[1]
            refused = smtp.sendmail(sender, message.send_to, message.as_bytes())
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"Ontvanger geweigerd: {_describe(exc.recipients)}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"SMTP-fout: {exc}") from exc
    if refused:
        raise DeliveryError(f"Ontvanger geweigerd: {_describe(refused)}")


def _describe(refused: dict) -> str:
    return "; ".join(
        f"{addr} ({code} {msg.decode(errors='replace')})" for addr, (code, msg) in refused.items()
    )


def keep_as_eml(message: Message, name: str) -> Path:
    path = outbox_dir() / f"{name}.eml"
    write_private(path, message.as_bytes())
    return path


def deliver(message: Message, name: str | None = None) -> None:
    """SMTP when configured, else an .eml file under ``instance/outbox``."""
    if smtp_configured():
        smtp_deliver(message)
    else:
        path = keep_as_eml(message, name or f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}")
        current_app.logger.info("No MAIL_SERVER: kept %s in the outbox folder", path.name)


def send_now(subject: str, recipient: str, template: str, **context) -> Message:
    """Send one message to one recipient right away (login links and the like). These carry
    secrets, so they are never stored in the database outbox."""
    text, html = render_email(template, **context)
    message = new_message(subject, recipient, text, html)
    deliver(message)
    return message
