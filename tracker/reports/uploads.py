"""The Excel round trip: upload the filled-in export, preview exactly what will change, and
save it all or nothing (routes on the reports blueprint)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from tracker import previews
from tracker.accounts.auth import can_report_on
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.forms import UploadForm
from tracker.plan import queries
from tracker.privacy.guard import import_problems
from tracker.progress.services import apply_batch
from tracker.progress.versions import StaleEdit
from tracker.reports import exports
from tracker.reports.views import bp


def _plan_changes(rows):
    """Validate every uploaded row against the database; returns (changes, problems)."""
    plan = queries.current_plan()
    changes, problems = [], []
    for row in rows:
        action = queries.get_action(plan, row.code)
        problems += import_problems(f"Actie {row.code}", row.text)
        if action is None:
            problems.append(f"Actie {row.code}: bestaat niet in het huidige plan.")
        elif not can_report_on(current_user, action):
            problems.append(f"Actie {row.code}: u mag over deze actie geen voortgang melden.")
        elif action.version != row.version:
            problems.append(
                f"Actie {row.code}: is gewijzigd sinds de export (iemand heeft haar "
                "bijgewerkt). Exporteer opnieuw en neem uw tekst over."
            )
        else:
            changes.append(
                {
                    "code": row.code,
                    "version": row.version,
                    "status": row.status,
                    "signal": row.signal,
                    "text": row.text,
                    "status_before": action.status,
                    "signal_before": action.signal,
                }
            )
    return changes, problems


@bp.route("/export/upload", methods=["GET", "POST"])
def upload():
    """Upload the filled-in export: everything is checked first and a preview shown."""
    form = UploadForm()
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("reports/upload.html", form=form, problems=[]), status
    plan = queries.current_plan()
    parsed = exports.read_upload(
        form.file.data.read(), max_rows=sum(queries.action_counts_by_theme(plan).values()) + 200
    )
    changes, problems = _plan_changes(parsed.rows)
    problems = parsed.problems + problems
    if not problems and not changes:
        problems = [
            "Er is niets ingevuld in de kolommen 'Nieuwe status', 'Nieuw signaal' en "
            "'Nieuwe voortgangstekst'."
        ]
    if problems:
        return render_template("reports/upload.html", form=form, problems=problems), 400
    token = previews.save(current_user.id, changes)
    return render_template(
        "reports/upload_preview.html", changes=changes, token=token, form=FlaskForm()
    )


@bp.post("/export/upload/<token>")
def apply_upload(token: str):
    """Apply a previewed upload, all or nothing."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    saved = previews.take(token, current_user.id)
    if saved is None:
        abort(404)
    rows = [
        exports.UploadRow(c["code"], c["version"], c["status"], c["signal"], c["text"])
        for c in saved
    ]
    changes, problems = _plan_changes(rows)
    if problems:
        return render_template("reports/upload.html", form=UploadForm(), problems=problems), 409
    plan = queries.current_plan()
    try:
        apply_batch(
            [(queries.get_action(plan, c["code"]), c) for c in changes],
            current_user._get_current_object(),
            utcnow(),
        )
    except StaleEdit:
        problems = [
            "Een van de acties is net door iemand anders bijgewerkt; er is niets opgeslagen. "
            "Exporteer opnieuw."
        ]
        return render_template("reports/upload.html", form=UploadForm(), problems=problems), 409
    db.session.commit()
    flash(f"{len(changes)} voortgangsupdate(s) uit het Excel-bestand opgeslagen.", "info")
    return redirect(url_for("reports.report"))
