"""Sending e-mail: over SMTP when ``MAIL_SERVER`` is configured, else kept as .eml files in
``instance/outbox/`` so a first run shows what would have been sent.

Messages are built with Flask-Mail's ``Message`` and configured with its ``MAIL_*`` settings,
but delivered by ``smtp_deliver`` here: Flask-Mail's connection has no timeout, does not verify
the server certificate on STARTTLS and ignores recipients the server refuses.
"""

from __future__ import annotations

import functools
import io
import smtplib
import ssl
import uuid
from email.charset import QP, Charset
from email.generator import BytesGenerator
from email.header import Header
from email.policy import Compat32
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


class _WirePolicy(Compat32):
    """compat32 with CRLF line ends, and a short ASCII header written as it is: compat32
    sends every header through ``Header.encode``, which returns such a header unchanged but
    costs a millisecond a message over some twenty headers."""

    def _fold(self, name, value, sanitize):
        if (
            isinstance(value, str)
            and value.isascii()
            and len(name) + len(value) + 2 <= 78
            and not any(char in value for char in "\r\n")
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


#: How messages go on the wire: headers as Flask-Mail encoded them, CRLF line ends.
WIRE_POLICY = _WirePolicy(linesep="\r\n")


def message_bytes(message: Message) -> bytes:
    """The message as sent. Flask-Mail's ``as_bytes`` flattens with ``policy.SMTP``, whose
    header registry parses every header again while writing it: two thirds of the time a
    reminder takes to send. Its headers are already encoded, so the compat32 policy writes
    them as they are; only a non-ASCII subject is set again as an encoded word (compat32
    would write it raw)."""
    mime = message._message()  # Flask-Mail's MIME tree: the one thing its API does not name
    mime.policy = WIRE_POLICY
    for part in mime.walk():
        if part.is_multipart():
            # Without a boundary the generator makes one and compiles a regular expression
            # per message to search the text for it. "=_" cannot occur in quoted-printable or
            # base64, and every part of ours is one of those (text parts: ``new_message``;
            # attachments: Flask-Mail), so this boundary is never in the text.
            part.set_boundary(f"=_{uuid.uuid4().hex[:24]}")  # short: one header line
    subject = message.subject
    if subject and not (subject.isascii() and not any(char in subject for char in "\r\n")):
        mime.replace_header("Subject", Header(subject, "utf-8", header_name="Subject"))
    out = io.BytesIO()
    BytesGenerator(out, mangle_from_=False, policy=WIRE_POLICY).flatten(mime)
    return out.getvalue()


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


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The verifying TLS context, built once per process (loading the CA store is the slow
    part of a TLS connection), and only when a connection uses TLS."""
    return ssl.create_default_context()


class SmtpConnection:
    """One SMTP connection for a batch of messages: opened at the first message, reused for
    the next ones, opened again when the server has closed it. Use as a context manager."""

    def __init__(self):
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpConnection:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _open(self) -> smtplib.SMTP:
        config = current_app.config
        host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25))
        timeout = float(config.get("MAIL_TIMEOUT", 30))
        if config.get("MAIL_USE_SSL"):
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=tls_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=tls_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def send(self, message: Message) -> None:
        """Deliver one message; raise DeliveryError when the server refuses any recipient
        or cannot be reached (the connection is then dropped, the next message reconnects)."""
        sender = parseaddr(message.sender)[1]
        try:
            try:
                if self._smtp is None:
                    self._smtp = self._open()
                refused = self._smtp.sendmail(sender, message.send_to, message_bytes(message))
            except smtplib.SMTPServerDisconnected:
                self._smtp = self._open()  # the server closed an idle connection: once more
                refused = self._smtp.sendmail(sender, message.send_to, message_bytes(message))
        except smtplib.SMTPRecipientsRefused as exc:
            self._reset()
            raise DeliveryError(f"Ontvanger geweigerd: {_describe(exc.recipients)}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise DeliveryError(f"SMTP-fout: {exc}") from exc
        if refused:
            raise DeliveryError(f"Ontvanger geweigerd: {_describe(refused)}")

    def _reset(self) -> None:
        """After a refused message the connection is still good for the next one."""
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None


def smtp_deliver(message: Message) -> None:
    """Deliver one message over its own connection (mail sent outside a batch)."""
    with SmtpConnection() as connection:
        connection.send(message)


def _describe(refused: dict) -> str:
    return "; ".join(
        f"{addr} ({code} {msg.decode(errors='replace')})" for addr, (code, msg) in refused.items()
    )


def keep_as_eml(message: Message, name: str) -> Path:
    path = outbox_dir() / f"{name}.eml"
    write_private(path, message_bytes(message))
    return path


def deliver(
    message: Message, name: str | None = None, connection: SmtpConnection | None = None
) -> None:
    """SMTP when configured (over ``connection`` when a batch holds one), else an .eml file
    under ``instance/outbox``."""
    if smtp_configured():
        if connection is not None:
            connection.send(message)
        else:
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
