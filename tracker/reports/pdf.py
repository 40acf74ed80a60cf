"""The report as PDF, made with WeasyPrint from the same data and templates as the page: a
summary, and the annex (every action in full) as one PDF per theme.

Why split: WeasyPrint lays out about ten pages a second here, and the annex grows with the
plan (at 100 times the real plan's size one PDF took 85 s). The summary stays a few pages
at any size: its long lists show their first ``services.LIST_CAP`` items and name the
annexes, which hold every action.
"""

from __future__ import annotations

import logging

from flask import render_template

from tracker.reports import services
from tracker.reports.chart import status_chart

#: Attention points page 1 of a PDF holds, with their latest update quoted: more and "Gevraagd
#: van het RVO" would be pushed to a page 2 of its own.
PAGE_ONE_POINTS = 4


def render_pdf(html: str) -> bytes:
    """A PDF of ``html``, without network or files: only inline data: URLs may be fetched."""
    # WeasyPrint logs each step and each page at INFO ("Creating layout - Page 12"), its
    # own stylesheets as it imports them too: noise in the app's log.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    # Imported here: WeasyPrint needs Pango from the system, and the rest of the app should
    # start without it (the README names the Debian packages).
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=1)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def warm_up() -> None:
    """Make one small PDF now. WeasyPrint sets up Pango and the fonts on first use (0.7 s),
    which each worker's first report paid; ``tracker.wsgi`` calls this before gunicorn forks,
    so every worker starts with it done. Where Pango is missing (the app runs without PDFs)
    this says so in the log and the app starts anyway."""
    try:
        render_pdf("<p>Voortgang actieplan</p>")
    except (ImportError, OSError) as error:
        logging.getLogger(__name__).warning("PDFs unavailable (WeasyPrint): %s", error)


def annex_filename(stem: str, theme_number: int) -> str:
    """The file name of a theme's annex, next to the summary's ``<stem>.pdf``."""
    return f"{stem}-bijlage-thema-{theme_number}.pdf"


def report_theme(report: dict, number: int) -> dict | None:
    """The theme ``number`` as the report holds it (its rows and counts), if it is in it."""
    return next((theme for theme in report["themes"] if theme["number"] == number), None)


def report_pdf(report: dict, stem: str) -> bytes:
    """The summary PDF; ``stem`` is its file name without ``.pdf`` (the annexes are named
    after it)."""
    html = render_template(
        "reports/pdf.html",
        report=report,
        chart=status_chart(report["themes"]),
        annex_files={t["number"]: annex_filename(stem, t["number"]) for t in report["themes"]},
        cap=services.LIST_CAP,
        points_cap=min(PAGE_ONE_POINTS, services.LIST_CAP),
    )
    return render_pdf(html)


def complete_pdf(report: dict) -> bytes:
    """The whole report as one document to hand over: the summary, a contents page, and
    every action in full (about twenty pages for the plan)."""
    html = render_template(
        "reports/complete_pdf.html",
        report=report,
        chart=status_chart(report["themes"]),
        cap=services.LIST_CAP,
        points_cap=min(PAGE_ONE_POINTS, services.LIST_CAP),
    )
    return render_pdf(html)


def annex_pdf(report: dict, theme: dict) -> bytes:
    """One theme's annex: every action of ``theme`` (one of ``report["themes"]``) in full."""
    return render_pdf(render_template("reports/annex_pdf.html", report=report, theme=theme))
