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
from concurrent.futures import Future, ThreadPoolExecutor
from email.charset import QP, Charset
from email.generator import BytesGenerator
from email.policy import compat32
from email.utils import parseaddr
from pathlib import Path

from flask import current_app, render_template
from flask_mail import BadHeaderError, Message

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


#: How a message goes on the wire: compat32 with CRLF line ends, its headers as Flask-Mail
#: encoded them, folded only past SMTP's 998 characters (folding them again at 78 would put
#: Flask-Mail's encoded subject on a line of its own).
WIRE_POLICY = compat32.clone(linesep="\r\n", max_line_length=998)


def message_bytes(message: Message) -> bytes:
    """The message as sent: Flask-Mail's own MIME tree (``Message._message``, what its
    ``as_bytes`` writes), refused as Flask-Mail refuses a header injection. Written with
    ``WIRE_POLICY`` rather than ``policy.SMTP``: that one parses every header again while
    writing it, which halved the sending rate (to about 270 reminders a second)."""
    extra = message.extra_headers or {}
    if message.has_bad_headers() or any(map(_has_line_break, (*extra, *extra.values()))):
        raise BadHeaderError("line break in a header")
    out = io.BytesIO()
    BytesGenerator(out, mangle_from_=False, policy=WIRE_POLICY).flatten(message._message())
    return out.getvalue()


def _has_line_break(value: str) -> bool:
    return "\r" in value or "\n" in value


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
    the next ones, opened again when the server has closed it. Use as a context manager.

    The SMTP conversation runs on a thread of the connection's own, one message at a time
    and in order: ``send_soon`` hands a message over and returns, so the caller builds the
    next message while this one's four round trips wait for the server (the wait releases
    the GIL). The settings are read when the connection is made (in the app context)."""

    def __init__(self):
        self._config = dict(current_app.config)
        self._smtp: smtplib.SMTP | None = None
        self._wire: ThreadPoolExecutor | None = None

    def __enter__(self) -> SmtpConnection:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _open(self) -> smtplib.SMTP:
        config = self._config
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
        """Waits for the messages handed over, then says goodbye to the server."""
        if self._wire is not None:
            self._wire.shutdown(wait=True)
            self._wire = None
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def send(self, message: Message) -> None:
        """Deliver one message and wait for the server's answer (see ``send_soon``)."""
        self.send_soon(message).result()

    def send_soon(self, message: Message) -> Future:
        """Start delivering one message; the future raises DeliveryError when the server
        refuses any recipient or cannot be reached (the connection is then dropped, the
        next message reconnects). The message is written out here, in the caller's thread."""
        envelope = (parseaddr(message.sender)[1], list(message.send_to), message_bytes(message))
        if self._wire is None:
            self._wire = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smtp")
        return self._wire.submit(self._transmit, *envelope)

    def _transmit(self, sender: str, recipients: list[str], data: bytes) -> None:
        try:
            try:
                if self._smtp is None:
                    self._smtp = self._open()
                refused = self._smtp.sendmail(sender, recipients, data)
            except smtplib.SMTPServerDisconnected:
                self._smtp = self._open()  # the server closed an idle connection: once more
                refused = self._smtp.sendmail(sender, recipients, data)
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
    deliver_soon(message, name, connection).result()


def deliver_soon(
    message: Message, name: str | None = None, connection: SmtpConnection | None = None
) -> Future:
    """``deliver``, returning at once where a batch's connection can take the message over
    (``SmtpConnection.send_soon``); the future holds the outcome."""
    if smtp_configured() and connection is not None:
        return connection.send_soon(message)
    done: Future = Future()
    try:
        if smtp_configured():
            smtp_deliver(message)
        else:
            stamp = f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
            path = keep_as_eml(message, name or stamp)
            current_app.logger.info("No MAIL_SERVER: kept %s in the outbox folder", path.name)
    except DeliveryError as exc:
        done.set_exception(exc)
    else:
        done.set_result(None)
    return done


def send_now(subject: str, recipient: str, template: str, **context) -> Message:
    """Send one message to one recipient right away (login links and the like). These carry
    secrets, so they are never stored in the database outbox."""
    text, html = render_email(template, **context)
    message = new_message(subject, recipient, text, html)
    deliver(message)
    return message
