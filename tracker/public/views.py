"""The public page (``/openbaar``), per municipality, as JSON and CSV; the beheerder's
choice of what is public and its preview; an owner's proposal of a public line.

The public URLs answer 404 while the plan's page is closed. They use no session and set no
cookie; a proxy may keep them for a few minutes (``Cache-Control: public``), and a client
that sends the ETag back gets 304 without the page being built."""

from __future__ import annotations

import csv
import io

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.access import admin_required
from tracker.accounts.auth import can_report_on
from tracker.conditional import conditional
from tracker.conflicts import StaleEdit
from tracker.dates import local_today, utcnow
from tracker.extensions import db
from tracker.figures import services as figures
from tracker.municipalities import borging
from tracker.params import parse_int
from tracker.plan import queries
from tracker.plan.views import require_municipality, require_plan
from tracker.public import services
from tracker.public.forms import ProposalForm, PublicationForm
from tracker.public.models import Publication
from tracker.web import download
from tracker.xlsx import neutralise

#: How long a proxy or browser may keep a public page before asking again (seconds).
PUBLIC_MAX_AGE = 300
PUBLIC_CACHE = f"public, max-age={PUBLIC_MAX_AGE}"

STALE_MESSAGE = (
    "Iemand anders heeft de openbare pagina gewijzigd nadat u dit formulier opende. Er is niets "
    "opgeslagen; uw invoer staat er nog. Sla opnieuw op om haar te bewaren."
)


def _open_plan():
    """The region's current plan if its public page is open; else 404 (for everyone)."""
    plan, publication = services.current_plan_and_publication()
    if publication is None or not publication.is_open:
        abort(404)
    return plan, publication


def _page(data: dict, preview: bool = False):
    return render_template("public/page.html", data=data, preview=preview)


@conditional(cache_control=PUBLIC_CACHE)
def page():
    plan, publication = _open_plan()
    return _page(services.page_data(plan, publication, local_today()))


@conditional(cache_control=PUBLIC_CACHE)
def municipality(code: str):
    plan, publication = _open_plan()
    place = require_municipality(code)
    data = services.page_data(plan, publication, local_today(), place)
    return _page(data)


@conditional(cache_control=PUBLIC_CACHE)
def data_json():
    plan, publication = _open_plan()
    return services.page_data(plan, publication, local_today())


@conditional(cache_control=PUBLIC_CACHE)
def data_csv():
    plan, publication = _open_plan()
    data = services.page_data(plan, publication, local_today())
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([[neutralise(v) for v in row] for row in services.csv_rows(data)])
    response = download(
        buffer.getvalue().encode(), "text/csv", "actieplan-openbaar.csv", PUBLIC_CACHE
    )
    response.headers["Link"] = f'<{services.LICENCE_URL}>; rel="license"'
    return response


@admin_required
def preview():
    """Exactly what an anonymous visitor sees, also while the page is closed."""
    plan = require_plan()
    publication = services.publication_of(plan) or Publication(
        plan_id=plan.id, figures=[], borging_items=[]
    )
    code = request.args.get("gemeente")
    place = require_municipality(code) if code else None
    data = services.page_data(plan, publication, local_today(), place)
    return _page(data, preview=True)


def _fill_lines(form: PublicationForm, actions, lines) -> None:
    for action in actions:
        line = lines.get(action.id)
        form.lines.append_entry(
            {
                "code": action.code,
                "version": str(line.version if line else 0),
                "text": (line.proposal or line.text) if line else "",
                "shown": line.text if line else "",
                "pending": "1" if line and line.proposal else "",
            }
        )


@admin_required
def settings():
    """What the public page shows: open or closed, the kerncijfers, the borging items and
    every action's public line (proposals by owners are filled in, to approve)."""
    plan = require_plan()
    publication = services.publication_of(plan)
    actions = queries.plan_actions(plan)
    lines = services.lines_of([a.id for a in actions])
    form = PublicationForm(formdata=None if request.method == "GET" else request.form)
    form.figures.choices = [(i.code, f"{i.name} ({i.source})") for i in figures.all_indicators()]
    form.borging_items.choices = [(item.key, item.label) for item in borging.ITEMS]
    if request.method == "GET":
        form.version.data = str(publication.version if publication else 0)
        form.is_open.data = bool(publication and publication.is_open)
        form.figures.data = list(publication.figures) if publication else []
        form.borging_items.data = list(publication.borging_items) if publication else []
        _fill_lines(form, actions, lines)
    by_code = {a.code: a for a in actions}
    if any(entry.form.code.data not in by_code for entry in form.lines):
        abort(400)  # a row naming no action of the plan: not a form this page made
    context = {"plan": plan, "actions": by_code, "lines": lines}
    if request.method == "GET" or not form.validate():
        status = 400 if request.method == "POST" else 200
        return render_template("public/settings.html", form=form, **context), status
    now = utcnow()
    try:
        services.save_settings(
            plan,
            publication,
            is_open=form.is_open.data,
            figures=form.figures.data or [],
            borging_items=form.borging_items.data or [],
            version=parse_int(form.version.data) or 0,
            author=current_user,
            now=now,
        )
        for entry in form.lines:
            row = entry.form
            action = by_code[row.code.data]
            if row.is_changed:
                services.approve_line(
                    action,
                    lines.get(action.id),
                    row.text.data or "",
                    parse_int(row.version.data) or 0,
                    current_user,
                    now,
                )
    except StaleEdit:
        db.session.expire_all()
        return render_template(
            "public/settings.html", form=form, stale_message=STALE_MESSAGE, **context
        ), 409
    db.session.commit()
    flash("De keuze voor de openbare pagina is opgeslagen.", "info")
    return redirect(url_for("public.settings"))


def propose(code: str):
    """An owner proposes the public line of an action; a beheerder approves it."""
    plan = require_plan()
    action = queries.get_action(plan, code)
    if action is None:
        abort(404)
    if not can_report_on(current_user, action):
        abort(403)
    line = services.lines_of([action.id]).get(action.id)
    form = ProposalForm()
    if not form.validate_on_submit():
        return render_template("public/propose.html", form=form, action=action, line=line), 400
    try:
        services.propose_line(
            action, line, form.text.data, parse_int(form.version.data) or 0, current_user, utcnow()
        )
    except StaleEdit:
        db.session.expire_all()
        return render_template(
            "public/propose.html", form=form, action=action, line=line, stale_message=STALE_MESSAGE
        ), 409
    db.session.commit()
    flash("Uw voorstel voor de openbare regel staat klaar voor een beheerder.", "info")
    return redirect(url_for("progress.action", code=action.code) + "#openbaar")


def proposal_form(action) -> tuple[ProposalForm, object]:
    """The proposal form for the action page, with the line as it stands."""
    line = services.lines_of([action.id]).get(action.id)
    form = ProposalForm(formdata=None)
    form.version.data = str(line.version if line else 0)
    form.text.data = (line.proposal or line.text) if line else ""
    return form, line
