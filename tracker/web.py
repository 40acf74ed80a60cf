"""Things every page shares: Jinja filters, the security headers and the NUL-byte guard."""

from __future__ import annotations

import io
import re
from datetime import date

from flask import (
    Flask,
    abort,
    has_request_context,
    render_template,
    request,
    send_file,
)
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from tracker.accounts.models import Role
from tracker.audit.models import kind_label
from tracker.dates import (
    app_timezone,
    dutch_date,
    dutch_datetime,
    dutch_weekday_datetime,
    iso_dutch_date,
    iso_dutch_datetime,
)
from tracker.figures.chart import trend_from_data
from tracker.plan.models import SIGNAL_LABELS, STATUS_LABELS, Signal, Status
from tracker.text import lead, short
from tracker.urls import external_url

_LIST_ITEM = re.compile(r"^[-•▪] ")


def paragraphs(text: str | None) -> Markup:
    """Render plan prose: blank-line separated paragraphs, '- ' lists and short headings."""
    html = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(_LIST_ITEM.match(line) for line in lines):
            items = "".join(f"<li>{escape(_LIST_ITEM.sub('', line))}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        elif len(lines) == 1 and len(lines[0]) < 60 and lines[0][-1] not in ".:;!?":
            html.append(f"<h3>{escape(lines[0])}</h3>")
        else:
            html.append(f"<p>{escape(' '.join(lines))}</p>")
    return Markup("".join(html))  # noqa: S704 - every piece above is escaped


#: Baseline headers on every response: no inline script, no framing, no sniffing.
SECURITY_HEADERS = (
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)
#: Over HTTPS (as the request arrived, or as trusted proxies say it did) HSTS as well.
SECURE_HEADERS = (
    *SECURITY_HEADERS,
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
)


class SecurityHeaders:
    """WSGI middleware: each of the security headers a response does not set itself is added
    to it, error pages and static files included. Added to the header list as it goes out
    rather than in an ``after_request`` hook, where werkzeug's ``Headers.setdefault`` was a
    measurable part of a cheap response's cost. Wrapped inside
    ``ProxyFix``, so the scheme it sees is the one the trusted proxies report."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        extra = SECURE_HEADERS if environ.get("wsgi.url_scheme") == "https" else SECURITY_HEADERS

        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers.extend(header for header in extra if header[0].lower() not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


ERROR_TEXTS = {
    400: ("Verzoek niet begrepen", "Het verzoek was onvolledig of ongeldig."),
    403: ("Geen toegang", "U heeft geen rechten voor deze pagina of handeling."),
    404: ("Niet gevonden", "Deze pagina bestaat niet (meer)."),
    405: ("Niet toegestaan", "Deze handeling is op deze pagina niet mogelijk."),
    413: (
        "Bestand te groot",
        "Het bestand is groter dan de tracker aanneemt (5 MB). Upload een export van de "
        "tracker of een agendabestand van één overleg.",
    ),
    429: (
        "Even geduld",
        "Te veel mislukte pogingen vanaf dit adres. Probeer het over een kwartier opnieuw.",
    ),
    500: ("Er ging iets mis", "Er ging iets mis aan onze kant. Probeer het later opnieuw."),
}


def error_page(exc: HTTPException):
    """Dutch error pages; JSON for the API."""
    code = exc.code or 500
    title, text = ERROR_TEXTS.get(code, (exc.name, exc.description))
    if isinstance(exc, CSRFError):
        title = "Formulier verlopen"
        text = (
            "Het formulier was verlopen of niet compleet (beveiligingscode ontbreekt). "
            "Ga terug, laad de pagina opnieuw en probeer het nog eens."
        )
    # What the exception says beyond its body (Allow on a 405, Retry-After on a 429).
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    if request.path.startswith("/api/"):
        return {"error": {"status": code, "message": text}}, code, headers
    return render_template("error.html", title=title, text=text, code=code), code, headers


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(data: bytes, mimetype: str, filename: str, cache_control: str = "private, no-cache"):
    """A file to save, named by Flask's ``send_file`` (RFC 6266, a name outside ASCII too).
    Private to the asker unless said otherwise: everything behind the login is someone's
    own view, which a shared cache must not keep."""
    response = send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename
    )
    response.headers["Cache-Control"] = cache_control
    return response


def refuse_nul_bytes():
    """A NUL byte is never meaningful in a URL or a form, and PostgreSQL refuses it in text
    (a 500 deep in a query): answer 400 before any view runs. The query string is checked as
    it came (a NUL can only arrive there as ``%00``), keys and repeated values included, so a
    GET does not parse its arguments for this."""
    if "\x00" in request.path or b"%00" in request.query_string or b"\x00" in request.query_string:
        abort(400)
    if request.method == "POST" and any(
        "\x00" in value for item in request.form.lists() for value in (item[0], *item[1])
    ):
        abort(400)


#: Blueprints whose pages read one plan: links between them keep the ``?plan=`` being read.
PLAN_BLUEPRINTS = {"dashboard", "plan", "progress", "reports", "api"}


def keep_plan_arg(endpoint: str, values: dict) -> None:
    """Someone reading an archived plan or a draft stays in it while following links."""
    if "plan" in values or not has_request_context() or "plan" not in request.args:
        return  # (``in`` first: MultiDict.get raises and catches a KeyError when it misses)
    slug = request.args["plan"].strip()
    if slug and endpoint and endpoint.partition(".")[0] in PLAN_BLUEPRINTS:
        values["plan"] = slug[:80]


def status_badge(status: str) -> Markup:
    """A status as the coloured badge every list shows (a filter: cheaper than a macro)."""
    label = STATUS_LABELS[Status(status)]
    return Markup(f'<span class="badge status-{escape(status)}">{escape(label)}</span>')  # noqa: S704


def signal_badge(signal: str | None) -> Markup:
    if not signal:
        return _NO_SIGNAL
    label = SIGNAL_LABELS[Signal(signal)]
    return Markup(f'<span class="badge signal-{escape(signal)}">{escape(label)}</span>')  # noqa: S704


_NO_SIGNAL = Markup(
    '<span class="muted" aria-hidden="true">–</span>'
    '<span class="visually-hidden">geen signaal</span>'
)


def register_web(app: Flask) -> None:
    app.url_defaults(keep_plan_arg)
    # First of all before-request hooks, so not even the login wall sees such a request.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_nul_bytes)
    for code in ERROR_TEXTS:
        app.register_error_handler(code, error_page)
    app.jinja_env.filters["dutch_date"] = lambda value: dutch_date(
        date.fromisoformat(value) if isinstance(value, str) else value, app_timezone()
    )
    app.jinja_env.filters["dutch_datetime"] = lambda value: dutch_datetime(value, app_timezone())
    app.jinja_env.filters["dutch_weekday_datetime"] = lambda value: dutch_weekday_datetime(
        value, app_timezone()
    )
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["lead"] = lead
    # Not Jinja's truncate: "…" after a whole word, as the lists built in Python write it.
    app.jinja_env.filters["short"] = short
    # Report data is stored as JSON, so its dates arrive as ISO strings.
    app.jinja_env.filters["iso_dutch_date"] = iso_dutch_date
    app.jinja_env.filters["iso_dutch_datetime"] = iso_dutch_datetime
    app.jinja_env.filters["status_label"] = lambda value: STATUS_LABELS[Status(value)]
    app.jinja_env.filters["signal_label"] = lambda value: (
        SIGNAL_LABELS[Signal(value)] if value else "Geen signaal"
    )
    app.jinja_env.filters["status_badge"] = status_badge
    app.jinja_env.filters["signal_badge"] = signal_badge
    app.jinja_env.filters["audit_kind"] = kind_label
    app.jinja_env.globals["STATUSES"] = list(Status)
    app.jinja_env.globals["SIGNALS"] = list(Signal)
    app.jinja_env.globals["ROLES"] = list(Role)
    app.jinja_env.globals["external_url"] = external_url
    app.jinja_env.globals["figure_trend"] = trend_from_data
    app.wsgi_app = SecurityHeaders(app.wsgi_app)
