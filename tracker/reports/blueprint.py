"""Every URL of ``tracker.reports``: its blueprint and the view behind each route."""

from __future__ import annotations

from flask import Blueprint

from tracker.reports import meeting_pack, uploads, views, writing

bp = Blueprint("reports", __name__)

bp.get("/rapportage")(views.report)
bp.get("/rapportage.pdf")(views.report_pdf_download)
bp.get("/rapportage/volledig.pdf")(views.report_complete_pdf)
bp.get("/rapportage/bijlage-<int:number>.pdf")(views.report_annex_pdf)
bp.get("/export.xlsx")(views.export_xlsx)
bp.get("/rapportage.docx")(views.export_docx)
bp.get("/export.csv")(views.export_csv)
bp.post("/rapportages")(views.freeze)
bp.get("/rapportages")(views.snapshots)
bp.get("/rapportages/<int:snapshot_id>")(views.snapshot)
bp.get("/rapportages/<int:snapshot_id>.pdf")(views.snapshot_pdf)
bp.get("/rapportages/<int:snapshot_id>/bijlage-<int:number>.pdf")(views.snapshot_annex_pdf)
bp.get("/rapportages/vergelijk")(views.compare_snapshots)
bp.post("/rapportages/<int:snapshot_id>/verwijderen")(views.delete_snapshot)

bp.get("/vergaderingen/<int:meeting_id>/stukken.pdf")(meeting_pack.meeting_pack)

bp.route("/export/upload", methods=["GET", "POST"])(uploads.upload)
bp.post("/export/upload/<token>")(uploads.apply_upload)

bp.route("/rapportage/tekst", methods=["GET", "POST"])(writing.write_text)
