"""The form for the report's own words."""

from __future__ import annotations

from wtforms import TextAreaField

from tracker.forms import max_length
from tracker.privacy.guard import PrivacyCheckedForm
from tracker.progress.forms import VersionedForm
from tracker.reports.narrative import ASKS_LABEL

THEME_TEXT_MAX = 2000


class ReportTextForm(PrivacyCheckedForm, VersionedForm):
    privacy_fields = ("asks",)
    asks = TextAreaField(
        ASKS_LABEL,
        description="Besluiten of steun die de portefeuillehouder het RVO vraagt; één per regel.",
        validators=[max_length(3000)],
    )

    def theme_fields(self) -> list:
        return [field for field in self if field.name.startswith("theme_")]


def report_text_form(themes, **kwargs) -> ReportTextForm:
    """The form with one text field per theme of the plan."""

    class PlanReportTextForm(ReportTextForm):
        privacy_fields = ("asks", *(f"theme_{theme.number}" for theme in themes))

    for theme in themes:
        setattr(
            PlanReportTextForm,
            f"theme_{theme.number}",
            TextAreaField(
                f"Thema {theme.number}: {theme.title}",
                description="Een korte toelichting op de stand van dit thema.",
                validators=[max_length(THEME_TEXT_MAX)],
            ),
        )
    return PlanReportTextForm(**kwargs)
