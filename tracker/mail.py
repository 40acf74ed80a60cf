"""Sending e-mail: over SMTP when ``MAIL_SERVER`` is configured, else kept as .eml files in
``instance/outbox/`` so a first run shows what would have been sent.

Messages are built with Flask-Mail's ``Message`` and configured with its ``MAIL_*`` settings,
but delivered by ``smtp_deliver`` here: Flask-Mail's connection has no timeout, does not verify
the server certificate on STARTTLS and ignores recipients the server refuses.
"""

from __future__ import annotations

import functools
import io
import re
import smtplib
import ssl
import unicodedata
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from email.charset import QP, Charset
from email.encoders import encode_base64
from email.generator import BytesGenerator
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from email.utils import formatdate, parseaddr
from pathlib import Path

from flask import current_app, render_template
from flask_mail import Attachment, Message, sanitize_address

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
            and not _has_line_break(value)
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


#: How messages go on the wire: headers as Flask-Mail encoded them, CRLF line ends.
WIRE_POLICY = _WirePolicy(linesep="\r\n")


def message_bytes(message: Message) -> bytes:
    """The message as sent: its MIME tree (``_mime_tree``) written with the compat32 policy.
    Flask-Mail's ``as_bytes`` flattens with ``policy.SMTP``, whose header registry parses
    every header again while writing it: two thirds of the time a reminder took to send."""
    out = io.BytesIO()
    BytesGenerator(out, mangle_from_=False, policy=WIRE_POLICY).flatten(_mime_tree(message))
    return out.getvalue()


def _mime_tree(message: Message) -> MIMEBase:
    """Flask-Mail's message as MIME, laid out as Flask-Mail lays it out (the text, the HTML
    as its alternative, then the attachments), from the message's public fields.

    Built here rather than by Flask-Mail's private ``Message._message``: that parses and
    encodes the sender's address for every message (a third of the build) and leaves the
    boundaries to the generator, which then compiles a regular expression per message to
    search the text for them. Ours are "=_" and 24 hex digits: "=_" cannot occur in
    quoted-printable or base64, which is all the parts hold (``new_message``'s charset and
    the attachments below)."""
    charset = message.charset or "utf-8"
    texts = [MIMEText(message.body or "", "plain", charset)]
    texts += [MIMEText(content, subtype, charset) for subtype, content in message.alts.items()]
    body = texts[0] if len(texts) == 1 else MIMEMultipart("alternative", _boundary(), texts)
    parts = [_attachment_part(attachment) for attachment in message.attachments]
    mime = MIMEMultipart("mixed", _boundary(), [body, *parts]) if parts else body
    subject = message.subject or ""
    if subject:
        plain = subject.isascii() and not _has_line_break(subject)
        mime["Subject"] = subject if plain else Header(subject, "utf-8", header_name="Subject")
    mime["From"] = _address_header(message.sender)
    mime["To"] = ", ".join(dict.fromkeys(_address_header(r) for r in message.recipients))
    if message.cc:
        mime["Cc"] = ", ".join(dict.fromkeys(_address_header(r) for r in message.cc))
    if message.reply_to:
        mime["Reply-To"] = _address_header(message.reply_to)
    mime["Date"] = formatdate(message.date, localtime=True)
    mime["Message-ID"] = message.msgId
    for name, value in (message.extra_headers or {}).items():
        if _has_line_break(value):
            raise ValueError(f"line break in the {name} header")
        mime[name] = value
    mime.policy = WIRE_POLICY
    return mime


def _boundary() -> str:
    return f"=_{uuid.uuid4().hex[:24]}"  # short: the Content-Type stays one header line


def _has_line_break(value: str) -> bool:
    return "\r" in value or "\n" in value


#: An address as it is, when it is nothing but an ASCII address (no name, nothing to quote).
_BARE_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


@functools.lru_cache(maxsize=256)
def _named_address_header(address: str | tuple[str, str]) -> str:
    return sanitize_address(address)


def _address_header(address: str | tuple[str, str]) -> str:
    """An address as a header value: a bare ASCII address as it is, anything else through
    Flask-Mail's ``sanitize_address`` (the name encoded, an IDN domain in punycode), kept
    for the next message (the sender is the same on every one). A line break is refused."""
    if isinstance(address, str) and _BARE_ADDRESS.fullmatch(address):
        return address
    if _has_line_break(address if isinstance(address, str) else "".join(address)):
        raise ValueError("line break in an e-mail address")
    return _named_address_header(address)


def _attachment_part(attachment: Attachment) -> MIMEBase:
    """As Flask-Mail attaches a file: base64, with its file name (RFC 2231 when not ASCII)."""
    part = MIMEBase(*attachment.content_type.split("/", 1))
    part.set_payload(attachment.data)
    encode_base64(part)
    if attachment.filename is not None:
        filename = attachment.filename
        if current_app.extensions["mail"].ascii_attachments:
            filename = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
            filename = " ".join(filename.split())
        if not filename.isascii():
            filename = ("UTF8", "", filename)
        part.add_header("Content-Disposition", attachment.disposition, filename=filename)
    for key, value in attachment.headers.items():
        part.add_header(key, value)
    return part


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
