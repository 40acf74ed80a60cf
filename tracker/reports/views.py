"""The RVO progress report: page, PDF, Excel/CSV, the Excel round trip and snapshots."""

from __future__ import annotations

from datetime import date

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from tracker.access import admin_required
from tracker.audit.services import record
from tracker.conditional import conditional
from tracker.dates import app_timezone, dutch_date, end_of_day_utc, local_today, utcnow
from tracker.extensions import db
from tracker.figures import services as figures
from tracker.meetings import outcomes
from tracker.meetings.services import standings
from tracker.params import parse_int
from tracker.plan import queries
from tracker.plan.models import Municipality, Party, PartyKind, Plan
from tracker.plan.regions import in_region
from tracker.privacy.guard import mask_free_text
from tracker.reports import exports, narrative, services, word
from tracker.reports.chart import status_chart
from tracker.reports.forms import ReportFilterForm
from tracker.reports.models import ReportSnapshot
from tracker.reports.pdf import annex_filename, annex_pdf, complete_pdf, report_pdf, report_theme
from tracker.reports.services import (
    Comparison,
    ReportParams,
    build_report,
    compare,
    previous_snapshot_day,
)
from tracker.web import DOCX, XLSX, download


def parse_params(args) -> tuple[ReportParams, dict]:
    """Report parameters from the query string, with Dutch messages per invalid field."""
    form = ReportFilterForm(args)
    errors = form.problems()
    return form.params(), errors


def _meeting_figures(reference_date: date) -> list[dict]:
    """The meeting series in the peildatum's year, as they stood at the end of that day (or
    now, for a report on today)."""
    as_of = min(utcnow(), end_of_day_utc(reference_date, app_timezone()))
    today = min(local_today(), reference_date)
    return [
        {
            "name": item.series.name,
            "action": item.series.action.code if item.series.action else "",
            "held": item.standing.held,
            "planned": item.standing.planned,
            "required": item.standing.required,
            "flag": item.standing.flag_label or "",
        }
        for item in standings(reference_date.year, today, as_of)
    ]


def _comparison(params: ReportParams, plan) -> Comparison | None:
    """Page 1 compares with the 'sinds' date, else with the previous frozen report."""
    if params.since:
        return Comparison(params.since, f"sinds {dutch_date(params.since)}")
    previous = previous_snapshot_day(plan, params.reference_date)
    if previous is None:
        return None
    return Comparison(previous, f"sinds de vorige vastgelegde rapportage ({dutch_date(previous)})")


def _follow_ups(data: dict, params: ReportParams) -> list[dict]:
    """Open actiepunten for page 1: all of them, or with a filter those about an action in
    the report or owned by the chosen party."""
    codes = {row["code"] for theme in data["themes"] for row in theme["rows"]}
    filtered = params.theme or params.party or params.municipality
    return [
        outcomes.as_data(item, params.reference_date)
        for item in outcomes.open_follow_ups()
        if not filtered
        or codes & {a.code for a in item.actions}
        or (params.party and item.party and item.party.code == params.party)
    ]


def current_report(params: ReportParams, plan=None) -> dict:
    """The report of ``plan`` (the page's plan when not given) as it may leave the tracker:
    hard findings of the privacy guard masked (``privacy_masked`` says how many texts),
    whatever slipped into the stored texts."""
    plan = plan or queries.current_plan()
    if plan is None:
        abort(404)
    data = build_report(
        plan,
        params,
        timezone=app_timezone(),
        stale_days=current_app.config["UPDATE_DUE_DAYS"],
        made_by=current_user.name,
        made_at=utcnow(),
        meeting_figures=_meeting_figures(params.reference_date),
        comparison=_comparison(params, plan),
    )
    data["narrative"] = narrative.as_data(narrative.draft_of(plan))
    data["follow_ups"] = _follow_ups(data, params)
    indicators = figures.all_indicators()
    data["figures"] = [figures.as_data(i, plan.id) for i in indicators if i.in_report]
    data["figure_chapter"] = figures.report_chapter(
        indicators,
        plan.id,
        {theme.number: theme.title for theme in plan.themes},
        theme=params.theme,
        municipality=data["municipality"],
    )
    masked, count = mask_free_text(data)
    masked["privacy_masked"] = count
    return masked


def _audit_export(kind: str, what: str, params: ReportParams | None = None) -> None:
    """Who saw or took which report: every view, print, download and export."""
    details = params.as_query() if params else {}
    record(kind, current_user, what, "Rapportage bekeken of geëxporteerd", **details)
    db.session.commit()


def _filter_choices():
    parties = db.session.scalars(
        select(Party)
        .where(Party.kind != PartyKind.MUNICIPALITY.value, in_region(Party))
        .order_by(Party.short_name)
    ).all()
    municipalities = db.session.execute(
        select(Municipality.code, Municipality.name)
        .where(in_region(Municipality))
        .order_by(Municipality.name)
    ).all()
    return parties, municipalities


def _caps(url_args: dict) -> dict:
    """How much of the long lists the page shows: their first items with "toon alle"
    (``?volledig=1``), or everything."""
    if request.args.get("volledig") == "1":
        return {"cap": None, "annex_cap": None, "full_url": None}
    return {
        "cap": services.LIST_CAP,
        "annex_cap": services.ANNEX_CAP,
        "full_url": url_for(request.endpoint, **url_args, volledig=1),
    }


def report():
    """The progress report for a reference date, optionally since the previous report
    (per user: it names who made it)."""
    params, errors = parse_params(request.args)
    plan = queries.current_plan()
    data = current_report(params, plan)
    parties, municipalities = _filter_choices()
    page = render_template(
        "reports/report.html",
        report=data,
        chart=status_chart(data["themes"]),
        errors=errors,
        args=request.args,
        params=params,
        parties=parties,
        municipalities=municipalities,
        plan=plan,
        snapshot=None,
        can_write_text=narrative.can_write(current_user),
        caps=_caps(data["params"]),
    )
    # Every view of the report is audited (after rendering: the commit expires what it read).
    _audit_export("report.view", "Rapportage (pagina, ook om af te drukken)", params)
    return page, (400 if errors else 200)


def _valid_params(values=None) -> ReportParams:
    """The report's parameters from the query string (or a posted form); 400 when invalid."""
    params, errors = parse_params(request.args if values is None else values)
    if errors:
        abort(400)
    return params


def _file_stem(params: ReportParams) -> str:
    return f"voortgang-actieplan-{params.reference_date.isoformat()}"


def _theme_or_404(report: dict, number: int) -> dict:
    theme = report_theme(report, number)
    if theme is None:
        abort(404)
    return theme


@conditional()
def report_pdf_download():
    """The summary; the annex is a PDF per theme (below)."""
    params = _valid_params()
    pdf = report_pdf(current_report(params), _file_stem(params))
    _audit_export("report.pdf", "Rapportage als pdf", params)
    return download(pdf, "application/pdf", f"{_file_stem(params)}.pdf")


@conditional()
def report_complete_pdf():
    """The whole report in one PDF: what the report page offers first."""
    params = _valid_params()
    pdf = complete_pdf(current_report(params))
    _audit_export("report.complete", "Volledige rapportage als pdf", params)
    return download(pdf, "application/pdf", f"{_file_stem(params)}-volledig.pdf")


@conditional()
def report_annex_pdf(number: int):
    """A theme's annex to the summary: its actions in full, same parameters."""
    params = _valid_params()
    data = current_report(params)
    pdf = annex_pdf(data, _theme_or_404(data, number))
    _audit_export("report.annex", f"Bijlage thema {number} als pdf", params)
    return download(pdf, "application/pdf", annex_filename(_file_stem(params), number))


@conditional()
def export_xlsx():
    params = _valid_params()
    data = exports.to_xlsx(current_report(params))
    _audit_export("export.xlsx", "Export als Excel", params)
    return download(data, XLSX, f"{_file_stem(params)}.xlsx")


@conditional()
def export_docx():
    """The report as a Word document, to finish in Word before it goes to the RVO."""
    params = _valid_params()
    data = word.to_docx(current_report(params))
    _audit_export("report.docx", "Rapportage als Word-document", params)
    return download(data, DOCX, f"{_file_stem(params)}.docx")


@conditional()
def export_csv():
    params = _valid_params()
    data = exports.to_csv(current_report(params))
    _audit_export("export.csv", "Export als CSV", params)
    return download(data, "text/csv; charset=utf-8", f"{_file_stem(params)}.csv")


# Snapshots -----------------------------------------------------------------------------------


def freeze():
    """ "Rapportage vastleggen": store the report and its PDF exactly as handed over."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    params = _valid_params(request.form)
    data = current_report(params)
    snapshot = ReportSnapshot(
        plan_id=queries.current_plan().id,
        created_by_id=current_user.id,
        created_at=utcnow(),
        title=f"Voortgangsrapportage peildatum {dutch_date(params.reference_date)}",
        reference_date=params.reference_date,
        params=params.as_query(),
        data=data,
        pdf=b"",
    )
    db.session.add(snapshot)
    db.session.flush()  # the id names the PDF's annexes
    snapshot.pdf = report_pdf(data, snapshot.file_stem)
    record("report.freeze", current_user, snapshot.title, "Rapportage vastgelegd")
    db.session.commit()
    flash("De rapportage is vastgelegd.", "info")
    return redirect(url_for("reports.snapshot", snapshot_id=snapshot.id))


def snapshots():
    plan = queries.current_plan()
    rows = db.session.scalars(
        select(ReportSnapshot)
        .where(ReportSnapshot.plan_id == (plan.id if plan else None))
        .order_by(ReportSnapshot.created_at.desc())
    ).all()
    return render_template("reports/snapshots.html", snapshots=rows, form=FlaskForm())


def _snapshot_or_404(snapshot_id: int) -> ReportSnapshot:
    """A frozen report of a plan the asker may read (their region's)."""
    item = db.get_or_404(ReportSnapshot, snapshot_id)
    visible = queries.visible_plans().where(Plan.id == item.plan_id).with_only_columns(Plan.id)
    if db.session.scalar(visible) is None:
        abort(404)
    return item


def snapshot(snapshot_id: int):
    item = _snapshot_or_404(snapshot_id)
    _audit_export("snapshot.view", item.title)
    return render_template(
        "reports/report.html",
        report=item.data,
        chart=status_chart(item.data["themes"]),
        errors={},
        args={},
        params=None,
        parties=[],
        municipalities=[],
        plan=queries.current_plan(),
        snapshot=item,
        caps=_caps({"snapshot_id": item.id}),
    )


@conditional(period=None)
def snapshot_pdf(snapshot_id: int):
    item = _snapshot_or_404(snapshot_id)
    _audit_export("snapshot.pdf", item.title)
    return download(item.pdf, "application/pdf", f"{item.file_stem}.pdf")


@conditional(period=None)
def snapshot_annex_pdf(snapshot_id: int, number: int):
    """A theme's annex to a frozen report, made from its frozen data."""
    item = _snapshot_or_404(snapshot_id)
    pdf = annex_pdf(item.data, _theme_or_404(item.data, number))
    _audit_export("snapshot.annex", f"{item.title}, bijlage thema {number}")
    return download(pdf, "application/pdf", annex_filename(item.file_stem, number))


def compare_snapshots():
    """What changed in status and signal between two snapshots."""
    a, b = parse_int(request.args.get("a")), parse_int(request.args.get("b"))
    if a is None or b is None:
        abort(400)
    old, new = _snapshot_or_404(a), _snapshot_or_404(b)
    if old.reference_date > new.reference_date:
        old, new = new, old
    return render_template(
        "reports/compare.html",
        old=old,
        new=new,
        differences=compare(old.data, new.data),
        text_differences=narrative.compare(
            old.data.get("narrative"),
            new.data.get("narrative"),
            {str(t["number"]): t["title"] for t in new.data["themes"]},
        ),
        figure_differences=figures.compare(
            old.data.get("figures", []), new.data.get("figures", [])
        ),
    )


@admin_required
def delete_snapshot(snapshot_id: int):
    item = _snapshot_or_404(snapshot_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    record(
        "report.delete",
        current_user,
        item.title,
        "Vastgelegde rapportage verwijderd",
        snapshot_id=item.id,
        reference_date=item.reference_date.isoformat(),
    )
    db.session.delete(item)
    db.session.commit()
    flash("De vastgelegde rapportage is verwijderd.", "info")
    return redirect(url_for("reports.snapshots"))
