"""Beheerders: the stored texts with findings, and taking a text out ("afschermen")."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from tracker.access import admin_required
from tracker.audit.services import record
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.privacy.guard import WHO_LABELS, check, highlight
from tracker.privacy.models import PrivacyConfirmation
from tracker.redaction import services as redaction
from tracker.redaction.forms import RedactForm
from tracker.redaction.scan import find_all, latest_scan
from tracker.redaction.targets import TARGETS


@admin_required
def index():
    """Every stored text in which the guard finds personal data, hard findings first."""
    results, checked = find_all()
    results.sort(key=lambda r: (not r.is_hard, r.stored.where))
    return render_template(
        "redaction/index.html",
        results=results,
        checked=checked,
        last_scan=latest_scan(),
        form=FlaskForm(),
        who_labels=WHO_LABELS,
        quick_reason=QUICK_REASON,
    )


#: The reason the one-click "Naam afschermen" on the privacy page gives.
QUICK_REASON = "Naam na controle door de beheerder afgeschermd."


@admin_required
def review_confirmation(confirmation_id: int):
    """A beheerder looked at a confirmed name and finds it in order."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    confirmation = db.get_or_404(PrivacyConfirmation, confirmation_id)
    confirmation.reviewed_at = utcnow()
    confirmation.reviewed_by_id = current_user.id
    record(
        "privacy.reviewed",
        current_user,
        confirmation.field,
        f"Bevestigde naam gezien (bevestigd als {WHO_LABELS.get(confirmation.who, '?')})",
    )
    db.session.commit()
    flash("De bevestiging is als gezien gemarkeerd.", "info")
    return redirect(url_for("redaction.index"))


def _target_row(key: str, row_id: int):
    target = TARGETS.get(key)
    if target is None:
        abort(404)
    return target, db.get_or_404(target.model, row_id)


@admin_required
def redact(key: str, row_id: int):
    """Replace a stored text by a marker (who, when, why) and erase it everywhere."""
    target, row = _target_row(key, row_id)
    text = getattr(row, target.column) or ""
    endpoint, args = target.page(row)
    back = url_for(endpoint, **args)
    if target.is_redacted(text):
        flash("Deze tekst is al afgeschermd.", "info")
        return redirect(back)
    form = RedactForm()
    if form.validate_on_submit():
        done = redaction.redact(target, row, form.reason.data, current_user, utcnow())
        db.session.commit()
        flash(
            f"De tekst is afgeschermd en uit {done.copies_erased} kopie(ën) gewist "
            "(rapportages, auditlog, e-mails).",
            "info",
        )
        return redirect(back)
    return render_template(
        "redaction/redact.html",
        form=form,
        target=target,
        where=target.describe(row),
        marked=highlight(text, check(text)),
        back=back,
    ), (400 if form.errors else 200)
