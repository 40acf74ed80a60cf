"""The forms for a plan: a new draft based on another, a draft's own texts, adopting."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, ValidationError

from tracker.forms import DutchForm, DutchRowForm, decision_field, max_length, required
from tracker.privacy.guard import PrivacyCheckedForm
from tracker.text import as_written

if TYPE_CHECKING:
    from tracker.plan.models import Plan

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: The period at a short name's end (``rotterdam-2024-2026``).
SLUG_PERIOD = re.compile(r"-\d{4}-\d{4}$")
#: A year or a period at a title's end: the tracker puts the period there itself.
TRAILING_YEARS = re.compile(r"\s(?:19|20)\d\d(?:\s*[-–—/]\s*(?:19|20)\d\d)?\W*$")
#: A theme's introduction: the adopted plan's longest is under 2,000 characters.
INTRODUCTION_MAX = 10000


def bare_title(title: str) -> str:
    """A title without a year or period at its end, to propose for the next plan (drafts
    made before the form refused them kept the years in their title)."""
    return TRAILING_YEARS.sub("", title).strip()


def _year(label: str) -> IntegerField:
    return IntegerField(
        label,
        validators=[required(), NumberRange(2000, 2100, "Geef een jaartal tussen 2000 en 2100.")],
    )


class _PlanForm(PrivacyCheckedForm, DutchForm):
    """A plan's title, short name and period, as a new draft and a draft's edit both ask them."""

    privacy_fields = ("title",)
    structured_fields = ("slug",)
    title = StringField(
        "Titel",
        validators=[required(), max_length(200)],
        description="Zonder jaartallen: de periode komt er vanzelf achter.",
    )
    slug = StringField(
        "Korte naam (in adressen)",
        validators=[required(), max_length(80)],
        description="Kleine letters, cijfers en streepjes, bijvoorbeeld rotterdam-2027-2030.",
    )
    start_year = _year("Eerste jaar")
    end_year = _year("Laatste jaar")

    def propose_after(self, base: Plan) -> None:
        """The plan after ``base``: its title without years, the period right after it and
        as long, and its short name with that period."""
        length = base.end_year - base.start_year
        start, end = base.end_year + 1, base.end_year + 1 + length
        self.title.data = bare_title(base.title)
        self.start_year.data, self.end_year.data = start, end
        self.slug.data = f"{SLUG_PERIOD.sub('', base.slug)}-{start}-{end}"

    def validate_slug(self, field):
        field.data = (field.data or "").strip().lower()
        if not SLUG_RE.match(field.data):
            raise ValidationError(
                "Alleen kleine letters, cijfers en streepjes (zoals rotterdam-2027-2030)."
            )

    def validate_title(self, field):
        if TRAILING_YEARS.search(field.data or ""):
            period = f"{self.start_year.data}-{self.end_year.data}"
            shown = f" ({period})" if self.start_year.data and self.end_year.data else ""
            raise ValidationError(
                f"Laat de jaartallen weg: de tracker zet de periode{shown} zelf achter de titel."
            )

    def validate_end_year(self, field):
        if self.start_year.data and field.data and field.data < self.start_year.data:
            raise ValidationError("Het laatste jaar ligt vóór het eerste.")


class NewPlanForm(_PlanForm):
    base = SelectField("Op basis van", choices=[], validators=[required()])


class ThemeRowForm(DutchRowForm):
    """One theme of a draft; a row left as it was shown is neither read nor saved."""

    privacy_fields = ("title", "introduction")
    number = HiddenField()
    title = StringField("Titel van het thema", validators=[required(), max_length(200)])
    introduction = TextAreaField(
        "Inleiding", validators=[max_length(INTRODUCTION_MAX)], render_kw={"rows": 8}
    )
    #: The theme as stored (title, introduction), set by the view before validating.
    stored: tuple[str, str] = ("", "")

    @property
    def is_changed(self) -> bool:
        shown = (as_written(self.title.data), as_written(self.introduction.data))
        return shown != tuple(as_written(text) for text in self.stored)

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) if self.is_changed else True


class DraftForm(_PlanForm):
    """A draft's own texts: what the next plan says, before it is adopted."""

    privacy_fields = ("title", "subtitle")
    structured_fields = ("slug", "version", "draft")
    subtitle = StringField(
        "Ondertitel (optioneel)",
        validators=[max_length(200)],
        description="Bij de titel op het overzicht, de openbare pagina en de rapportages, "
        "zoals “Samen sterk tegen mensenhandel”.",
    )
    themes = FieldList(FormField(ThemeRowForm))
    #: The draft's version the form showed.
    version = HiddenField()
    #: The draft the form was opened on (its id): found again when a colleague has changed
    #: its short name, and so its address, since.
    draft = HiddenField()


class PublishForm(DutchForm):
    """Adopting a draft: optionally the meeting decision (the RVO's) that adopted it."""

    decision = decision_field("Besluit dat het plan vaststelt (optioneel)")
