"""Entering a figure by hand: one indicator, one year."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange

from tracker.figures.services import FIRST_YEAR, LAST_YEAR
from tracker.forms import DutchForm, input_required, max_length, required
from tracker.privacy.guard import PrivacyCheckedForm


class ValueForm(PrivacyCheckedForm, DutchForm):
    #: Only aggregates belong here: the texts go through the privacy guard.
    privacy_fields = ("monitor", "section", "caveat")
    indicator = SelectField("Kerncijfer", choices=[], validators=[required()])
    year = IntegerField(
        "Jaar",
        validators=[
            input_required(),
            NumberRange(FIRST_YEAR, LAST_YEAR, message="Vul een jaartal in, bijvoorbeeld 2024."),
        ],
    )
    value = IntegerField(
        "Waarde (aantal)",
        validators=[
            input_required(),
            NumberRange(min=0, message="Vul een aantal in: een geheel getal, 0 of meer."),
        ],
    )
    monitor = StringField(
        "Bron (monitor of rapport)",
        description="Bijvoorbeeld 'Mensenhandelmonitor 2024'.",
        validators=[required(), max_length(120)],
    )
    section = StringField("Paragraaf", validators=[max_length(200)])
    caveat = TextAreaField(
        "Kanttekening van de monitor (optioneel)",
        description="Bijvoorbeeld dat de cijfers anders zijn geteld dan het jaar ervoor.",
        validators=[max_length(2000)],
    )
    comparable = BooleanField("Vergelijkbaar met het jaar ervoor", default=True)
