"""Writing the report's own words: /rapportage/tekst."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.conflicts import StaleEdit
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.plan import queries
from tracker.reports import narrative
from tracker.reports.forms import report_text_form

STALE_MESSAGE = (
    "Iemand anders heeft de rapportagetekst gewijzigd nadat u de pagina opende. Uw tekst is "
    "niet opgeslagen en staat nog in het formulier; vergelijk hem met de nieuwe tekst hieronder "
    "en sla daarna opnieuw op."
)


def write_text():
    """The texts per theme and the asks to the RVO, shown in every report until frozen."""
    if not narrative.can_write(current_user):
        abort(403)
    plan = queries.current_plan()
    if plan is None:
        abort(404)
    draft = narrative.draft_of(plan)
    form = report_text_form(plan.themes)
    if not form.is_submitted() and draft is not None:
        form.asks.data = draft.asks
        for field in form.theme_fields():
            field.data = draft.theme_texts.get(field.name.removeprefix("theme_"), "")
    if not form.is_submitted():
        form.version.data = str(draft.version if draft else 0)
    if not form.validate_on_submit():
        return render_template("reports/text_form.html", form=form, draft=draft, plan=plan), (
            400 if form.errors else 200
        )
    texts = {f.name.removeprefix("theme_"): f.data or "" for f in form.theme_fields()}
    try:
        saved = narrative.save(
            plan,
            current_user._get_current_object(),
            theme_texts=texts,
            asks=form.asks.data or "",
            expected_version=int(form.version.data),
            now=utcnow(),
        )
    except StaleEdit:
        db.session.expire_all()
        draft = narrative.draft_of(plan)
        form.version.data = str(draft.version if draft else 0)
        return render_template(
            "reports/text_form.html", form=form, draft=draft, plan=plan, stale_message=STALE_MESSAGE
        ), 409
    db.session.commit()
    flash(
        "De rapportagetekst is opgeslagen." if saved else "Er was niets gewijzigd.",
        "info",
    )
    return redirect(url_for("reports.report") + "#kop-stand")
