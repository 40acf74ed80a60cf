"""The report's filters and the form for its own words."""

from __future__ import annotations

from sqlalchemy import select
from wtforms import StringField, TextAreaField, ValidationError

from tracker.dates import local_today
from tracker.extensions import db
from tracker.forms import max_length
from tracker.plan.filters import Day, QueryForm, strip
from tracker.plan.models import Municipality
from tracker.plan.regions import in_region
from tracker.privacy.guard import PrivacyCheckedForm
from tracker.progress.forms import VersionedForm
from tracker.reports.narrative import ASKS_LABEL
from tracker.reports.services import ReportParams

THEME_TEXT_MAX = 2000


def _known_municipality(form, field):
    if field.data and (
        db.session.scalar(
            select(Municipality.id).where(Municipality.code == field.data, in_region(Municipality))
        )
        is None
    ):
        raise ValidationError(f"Gemeente '{field.data[:40]}' is onbekend.")


class ReportFilterForm(QueryForm):
    """``peildatum`` (today when empty), ``sinds``, ``thema``, ``partij``, ``gemeente``."""

    structured_fields = ("partij", "gemeente")
    peildatum = Day()
    sinds = Day()
    gemeente = StringField(filters=[strip], validators=[_known_municipality])

    def validate_sinds(self, field):
        if field.data and field.data >= (self.peildatum.data or local_today()):
            raise ValidationError("De datum 'sinds' moet vóór de peildatum liggen.")

    def params(self) -> ReportParams:
        """The report's parameters; what did not validate is left out."""
        valid = {name: field.data for name, field in self._fields.items() if not field.errors}
        return ReportParams(
            reference_date=valid.get("peildatum") or local_today(),
            since=valid.get("sinds"),
            theme=valid.get("thema"),
            party=valid.get("partij") or None,
            municipality=valid.get("gemeente") or None,
        )


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
