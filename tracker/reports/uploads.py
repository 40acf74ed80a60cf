"""The Excel round trip: upload the filled-in export, preview exactly what will change, and
save it all or nothing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from tracker import previews
from tracker.accounts.auth import (
    can_edit_municipality,
    can_report_on,
    may_set_status,
    regional_status_message,
)
from tracker.conflicts import StaleEdit
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.forms import NOTE_MAX, UPDATE_TEXT_MAX, UploadForm
from tracker.plan import queries
from tracker.plan.models import Municipality
from tracker.plan.regions import in_region
from tracker.privacy.guard import import_problems
from tracker.progress import services
from tracker.reports import exports
from tracker.text import counted


def _what_is_saved(changes: list, municipal: list) -> str:
    """'1 voortgangsupdate en 2 standen per gemeente': the preview and the confirmation."""
    parts = []
    if changes:
        parts.append(counted(len(changes), "voortgangsupdate", "voortgangsupdates"))
    if municipal:
        parts.append(counted(len(municipal), "stand", "standen") + " per gemeente")
    return " en ".join(parts)


def _municipal_changes(rows) -> tuple[list[dict], list[str]]:
    """Validate the uploaded rows of the "Gemeenten" sheet like the cell form does."""
    plan = queries.current_plan()
    municipalities = {
        m.name: m for m in db.session.scalars(select(Municipality).where(in_region(Municipality)))
    }
    changes, problems = [], []
    for row in rows:
        where = f"Actie {row.code}, {row.municipality}"
        action = queries.get_action(plan, row.code)
        municipality = municipalities.get(row.municipality)
        if action is None or not action.is_per_municipality:
            problems.append(f"{where}: geen actie die iedere gemeente uitvoert.")
        elif municipality is None:
            problems.append(f"{where}: deze gemeente is onbekend.")
        elif not can_edit_municipality(current_user, municipality.id):
            problems.append(f"{where}: u mag de stand van deze gemeente niet wijzigen.")
        elif not plan.start_year <= row.year <= plan.end_year:
            problems.append(f"{where}: {row.year} valt buiten de looptijd van het plan.")
        elif found := import_problems(where, row.note, max_length=NOTE_MAX):
            problems += found
        else:
            cell = services.municipality_cells(action, row.year).get(municipality.id)
            if (cell.version if cell else 0) != row.version:
                problems.append(
                    f"{where}: is gewijzigd sinds de export (iemand heeft de stand bijgewerkt). "
                    "Exporteer opnieuw en neem uw tekst over."
                )
            else:
                changes.append(
                    {
                        "code": row.code,
                        "municipality": municipality.name,
                        "year": row.year,
                        "version": row.version,
                        "status": row.status,
                        "note": row.note,
                        "status_before": cell.status if cell else "niet_gestart",
                        "note_before": cell.note if cell else "",
                    }
                )
    return changes, problems


def _plan_changes(rows):
    """Validate every uploaded row against the database; returns (changes, problems)."""
    plan = queries.current_plan()
    changes, problems = [], []
    for row in rows:
        action = queries.get_action(plan, row.code)
        if action is None:
            problems.append(f"Actie {row.code}: bestaat niet in het huidige plan.")
        elif not can_report_on(current_user, action):
            problems.append(f"Actie {row.code}: u mag over deze actie geen voortgang melden.")
        elif found := import_problems(f"Actie {row.code}", row.text, max_length=UPDATE_TEXT_MAX):
            problems += found
        elif action.version != row.version:
            problems.append(
                f"Actie {row.code}: is gewijzigd sinds de export (iemand heeft haar "
                "bijgewerkt). Exporteer opnieuw en neem uw tekst over."
            )
        elif (row.status, row.signal) != (action.status, action.signal) and not may_set_status(
            current_user, action
        ):
            problems.append(regional_status_message(action))
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
    municipal, municipal_problems = _municipal_changes(parsed.municipal_rows)
    problems = parsed.problems + problems + municipal_problems
    if not problems and not changes and not municipal:
        problems = [
            "Er is niets ingevuld in de kolommen 'Nieuwe status', 'Nieuw signaal' en "
            "'Nieuwe voortgangstekst' (werkblad Acties) of 'Nieuwe status' en 'Nieuwe "
            "toelichting' (werkblad Gemeenten)."
        ]
    if problems:
        return render_template("reports/upload.html", form=form, problems=problems), 400
    token = previews.save(current_user.id, {"actions": changes, "municipal": municipal})
    db.session.commit()
    return render_template(
        "reports/upload_preview.html",
        changes=changes,
        municipal=municipal,
        saved=_what_is_saved(changes, municipal),
        token=token,
        form=FlaskForm(),
    )


def apply_upload(token: str):
    """Apply a previewed upload, all or nothing."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    saved = previews.take(token, current_user.id)
    if saved is None:
        abort(404)
    rows = [
        exports.UploadRow(c["code"], c["version"], c["status"], c["signal"], c["text"])
        for c in saved["actions"]
    ]
    cells = [
        exports.MunicipalUploadRow(
            c["code"], c["municipality"], c["year"], c["version"], c["status"], c["note"]
        )
        for c in saved["municipal"]
    ]
    changes, problems = _plan_changes(rows)
    municipal, municipal_problems = _municipal_changes(cells)
    problems += municipal_problems
    if problems:
        return render_template("reports/upload.html", form=UploadForm(), problems=problems), 409
    plan = queries.current_plan()
    author, now = current_user._get_current_object(), utcnow()
    municipalities = {
        m.name: m for m in db.session.scalars(select(Municipality).where(in_region(Municipality)))
    }
    try:
        services.apply_batch(
            [(queries.get_action(plan, c["code"]), c) for c in changes], author, now
        )
        for c in municipal:
            services.update_municipality_cell(
                queries.get_action(plan, c["code"]),
                municipalities[c["municipality"]],
                c["year"],
                author,
                status=c["status"],
                note=c["note"],
                expected_version=c["version"],
                now=now,
            )
    except StaleEdit:
        problems = [
            "Een van de acties is net door iemand anders bijgewerkt; er is niets opgeslagen. "
            "Exporteer opnieuw."
        ]
        return render_template("reports/upload.html", form=UploadForm(), problems=problems), 409
    db.session.commit()
    flash(f"{_what_is_saved(changes, municipal)} uit het Excel-bestand opgeslagen.", "info")
    return redirect(url_for("reports.report"))
