"""The redaction form: why the text is taken out (checked by the guard itself)."""

from __future__ import annotations

from wtforms import TextAreaField

from tracker.forms import DutchForm, max_length, required
from tracker.privacy.guard import PrivacyCheckedForm


class RedactForm(PrivacyCheckedForm, DutchForm):
    privacy_fields = ("reason",)
    reason = TextAreaField(
        "Waarom wordt deze tekst afgeschermd?",
        validators=[required(), max_length(500)],
        description="Bijv. 'Bevatte gegevens over een slachtoffer'. Noem zelf geen gegevens.",
    )
