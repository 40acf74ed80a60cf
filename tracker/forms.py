"""Form building blocks shared by the feature packages: Dutch validator messages."""

from __future__ import annotations

from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Email, EqualTo, InputRequired, Length, Optional

REQUIRED = "Dit veld is verplicht."


def required():
    return DataRequired(message=REQUIRED)


def input_required():
    return InputRequired(message=REQUIRED)


def max_length(n: int):
    return Length(max=n, message=f"Hoogstens {n} tekens.")


def email_address():
    return Email(message="Vul een geldig e-mailadres in, bijvoorbeeld naam@gemeente.nl.")


def same_as(field: str):
    return EqualTo(field, message="De twee wachtwoorden zijn niet gelijk.")


def optional_url():
    return [Optional(), URL(message="Vul een volledige link in, beginnend met https://.")]


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
