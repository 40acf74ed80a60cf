"""The report as PDF, made with WeasyPrint from the same data and template as the page."""

from __future__ import annotations

from flask import render_template

from tracker.reports.chart import status_chart


def report_pdf(report: dict) -> bytes:
    # Imported here: WeasyPrint needs Pango from the system, and the rest of the app should
    # start without it (the README names the Debian packages).
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_template("reports/pdf.html", report=report, chart=status_chart(report["themes"]))
    # No network and no files while rendering: only inline data: URLs may be fetched.
    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=1)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
