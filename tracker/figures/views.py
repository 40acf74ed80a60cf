"""``/kerncijfers``: the monitors' figures per year with their trends; beheerders add a new
year by form or Excel template and choose which figures go to the RVO report."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from tracker import previews
from tracker.access import admin_required
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.figures import services, workbook
from tracker.figures.chart import trend_svg
from tracker.figures.forms import TargetForm, ValueForm
from tracker.forms import UploadForm, choices
from tracker.params import parse_int
from tracker.plan import queries
from tracker.privacy.guard import import_problems
from tracker.web import XLSX, download


def index():
    """Every indicator by source (or one theme's, ``?thema=``): values per year, change,
    caveats, trend, linked actions."""
    indicators = services.all_indicators()
    themes = sorted({i.theme_number for i in indicators if i.theme_number})
    theme = parse_int(request.args.get("thema"), 1, 99)
    if request.args.get("thema") and theme not in themes:
        abort(404)
    if theme:
        indicators = [i for i in indicators if i.theme_number == theme]
    return render_template(
        "figures/index.html",
        themes=themes,
        theme=theme,
        groups=services.by_source(indicators),
        breakdowns=services.breakdowns(indicators),
        points={i.id: services.points(i) for i in indicators},
        trend=trend_svg,
        report_form=FlaskForm(),
        plan=queries.current_plan(),
    )


@admin_required
def add_value():
    """One figure for one year, typed in (a correction of a stored year replaces it)."""
    indicators = services.all_indicators()
    form = ValueForm()
    form.indicator.choices = choices(
        [("", "Kies het kerncijfer")]
        + [(i.code, f"{i.name} ({i.area}) · {i.source}") for i in indicators]
    )
    if request.method == "GET" and request.args.get("kerncijfer"):
        form.indicator.data = request.args["kerncijfer"]
    if form.validate_on_submit():
        indicator = next(i for i in indicators if i.code == form.indicator.data)
        added, _ = services.save_values(
            [
                services.NewValue(
                    indicator,
                    form.year.data,
                    form.value.data,
                    form.monitor.data.strip(),
                    (form.section.data or "").strip(),
                    (form.caveat.data or "").strip(),
                    form.comparable.data,
                )
            ],
            current_user,
            utcnow(),
        )
        db.session.commit()
        verb = "toegevoegd" if added else "bijgewerkt"
        flash(f"{indicator.name} {form.year.data} is {verb}.", "info")
        return redirect(url_for("figures.index") + f"#kc-{indicator.code}")
    status = 400 if form.errors else 200
    return render_template("figures/value_form.html", form=form), status


@admin_required
def set_target(code: str):
    """A figure's direction ("meer is beter") and target, shown beside its trend."""
    indicator = next((i for i in services.all_indicators() if i.code == code), None)
    if indicator is None:
        abort(404)
    form = TargetForm(obj=indicator) if request.method == "GET" else TargetForm()
    if form.validate_on_submit():
        services.set_target(indicator, form.direction.data, form.target.data, current_user)
        db.session.commit()
        flash(f"Richting en doel van '{indicator.name}' opgeslagen.", "info")
        return redirect(url_for("figures.index") + f"#kc-{indicator.code}")
    status = 400 if form.errors else 200
    return render_template("figures/target_form.html", form=form, indicator=indicator), status


@admin_required
def choose_for_report():
    """Which figures go to the RVO report (the checkboxes on the page)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    known = {i.code for i in services.all_indicators()}
    chosen = set(request.form.getlist("in_report")) & known
    services.choose_for_report(chosen, current_user)
    db.session.commit()
    flash(f"{len(chosen)} kerncijfers gaan mee in de rapportage voor het RVO.", "info")
    return redirect(url_for("figures.index"))


@admin_required
def template():
    data = workbook.template(services.all_indicators())
    return download(data, XLSX, "kerncijfers-sjabloon.xlsx")


def _check_rows(rows) -> tuple[list[dict], list[str]]:
    """Each filled row against the indicators: all must be good, or nothing is saved."""
    indicators = {i.code: i for i in services.all_indicators()}
    changes, problems = [], []
    seen = set()
    for row in rows:
        where = f"Rij {row.row}"
        indicator = indicators.get(row.code)
        if indicator is None:
            problems.append(f"{where}: kerncijfer '{row.code}' bestaat niet; gebruik het sjabloon.")
            continue
        if (row.code, row.year) in seen:
            problems.append(f"{where}: {indicator.name} {row.year} staat twee keer in het bestand.")
        seen.add((row.code, row.year))
        for text, longest in ((row.monitor, 120), (row.section, 200), (row.caveat, 2000)):
            problems += import_problems(where, text, max_length=longest)
        stored = next((v.value for v in indicator.values if v.year == row.year), None)
        changes.append(
            {
                "code": row.code,
                "name": indicator.name,
                "area": indicator.area,
                "year": row.year,
                "value": row.value,
                "before": stored,
                "monitor": row.monitor,
                "section": row.section,
                "caveat": row.caveat,
                "comparable": row.comparable,
            }
        )
    return changes, problems


@admin_required
def upload():
    """Upload the filled-in template: all rows are checked, then a preview is shown."""
    form = UploadForm()
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("figures/upload.html", form=form, problems=[]), status
    filled = workbook.read(form.file.data.read(), max_rows=len(services.all_indicators()) + 500)
    changes, problems = _check_rows(filled.rows)
    problems = filled.problems + problems
    if not problems and not changes:
        problems = [
            "Er is geen Jaar en Waarde ingevuld; vul het sjabloon in en upload het opnieuw."
        ]
    if problems:
        return render_template("figures/upload.html", form=form, problems=problems), 400
    token = previews.save(current_user.id, changes)
    db.session.commit()
    return render_template(
        "figures/upload_preview.html", changes=changes, token=token, form=FlaskForm()
    )


@admin_required
def apply_upload(token: str):
    """Save a previewed upload, all or nothing."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    saved = previews.take(token, current_user.id)
    if saved is None:
        abort(404)
    indicators = {i.code: i for i in services.all_indicators()}
    missing = [c["code"] for c in saved if c["code"] not in indicators]
    if missing:
        problems = [
            f"Kerncijfer '{code}' bestaat niet meer; er is niets opgeslagen." for code in missing
        ]
        return render_template("figures/upload.html", form=UploadForm(), problems=problems), 409
    added, changed = services.save_values(
        [
            services.NewValue(
                indicators[c["code"]],
                c["year"],
                c["value"],
                c["monitor"],
                c["section"],
                c["caveat"],
                c["comparable"],
            )
            for c in saved
        ],
        current_user,
        utcnow(),
    )
    db.session.commit()
    flash(f"Kerncijfers opgeslagen: {added} nieuw, {changed} gewijzigd.", "info")
    return redirect(url_for("figures.index"))
