"""The form for a new plan based on another."""

from __future__ import annotations

import re

from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, ValidationError

from tracker.forms import DutchForm, decision_field, max_length, required
from tracker.privacy.guard import PrivacyCheckedForm

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: A year or a period at a title's end: the tracker puts the period there itself.
TRAILING_YEARS = re.compile(r"\s(?:19|20)\d\d(?:\s*[-–—/]\s*(?:19|20)\d\d)?\W*$")


class NewPlanForm(PrivacyCheckedForm, DutchForm):
    privacy_fields = ("title",)
    structured_fields = ("slug",)
    base = SelectField("Op basis van", choices=[], validators=[required()])
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
    start_year = IntegerField(
        "Eerste jaar",
        validators=[required(), NumberRange(2000, 2100, "Geef een jaartal tussen 2000 en 2100.")],
    )
    end_year = IntegerField(
        "Laatste jaar",
        validators=[required(), NumberRange(2000, 2100, "Geef een jaartal tussen 2000 en 2100.")],
    )

    def validate_title(self, field):
        if TRAILING_YEARS.search(field.data or ""):
            period = f"{self.start_year.data}-{self.end_year.data}"
            shown = f" ({period})" if self.start_year.data and self.end_year.data else ""
            raise ValidationError(
                f"Laat de jaartallen weg: de tracker zet de periode{shown} zelf achter de titel."
            )

    def validate_slug(self, field):
        field.data = (field.data or "").strip().lower()
        if not SLUG_RE.match(field.data):
            raise ValidationError(
                "Alleen kleine letters, cijfers en streepjes (zoals rotterdam-2027-2030)."
            )


class PublishForm(DutchForm):
    """Adopting a draft: optionally the meeting decision (the RVO's) that adopted it."""

    decision = decision_field("Besluit dat het plan vaststelt (optioneel)")
