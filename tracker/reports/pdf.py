"""The report as PDF, made with WeasyPrint from the same data and template as the page."""

from __future__ import annotations

import logging

from flask import render_template

from tracker.reports.chart import status_chart


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


def report_pdf(report: dict) -> bytes:
    html = render_template("reports/pdf.html", report=report, chart=status_chart(report["themes"]))
    return render_pdf(html)
