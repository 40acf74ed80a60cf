"""The upload form of the Excel round trip."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired


class UploadForm(FlaskForm):
    file = FileField(
        "Ingevuld Excel-bestand (.xlsx)",
        validators=[
            FileRequired(message="Kies het ingevulde Excel-bestand."),
            FileAllowed(["xlsx"], message="Alleen .xlsx-bestanden uit de export van de tracker."),
        ],
    )
