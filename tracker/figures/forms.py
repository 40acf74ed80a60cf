"""Entering a figure by hand: one indicator, one year."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional

from tracker.figures.models import DIRECTIONS
from tracker.figures.services import FIRST_YEAR, LAST_YEAR
from tracker.forms import DutchForm, choices, input_required, max_length, required
from tracker.privacy.guard import PrivacyCheckedForm


class ValueForm(PrivacyCheckedForm, DutchForm):
    #: Only aggregates belong here: the texts go through the privacy guard.
    privacy_fields = ("monitor", "section", "caveat")
    #: Chosen, never defaulted: a value filed under the list's first figure would replace it.
    indicator = SelectField(
        "Kerncijfer", choices=[], validators=[DataRequired("Kies het kerncijfer.")]
    )
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


class TargetForm(DutchForm):
    """Which way is better for a figure, and an optional target (set by a beheerder)."""

    direction = SelectField(
        "Welke kant is beter?",
        choices=choices([("", "Niet gezegd"), *DIRECTIONS.items()]),
        description="Bijvoorbeeld: meer meldingen is beter, want het plan wil de "
        "meldingsbereidheid verhogen.",
    )
    target = IntegerField(
        "Doel (optioneel)",
        description="Het aantal dat de regio wil halen; leeg laten als er geen doel is.",
        validators=[
            Optional(),
            NumberRange(min=0, max=10_000_000, message="Vul een aantal in: 0 of meer."),
        ],
    )
