"""The beheerder's choice of what is public, and an owner's proposal of a public line."""

from __future__ import annotations

from wtforms import BooleanField, FieldList, FormField, HiddenField, TextAreaField

from tracker.forms import CheckboxList, DutchRowForm, max_length, required
from tracker.privacy.guard import PrivacyCheckedForm
from tracker.progress.forms import VersionedForm

#: A public line is a sentence or two, not an update.
LINE_MAX = 400


class LineRowForm(DutchRowForm):
    """One action's public line; a row left as it was shown is not saved."""

    privacy_fields = ("text",)
    code = HiddenField()
    version = HiddenField()
    text = TextAreaField("Openbare regel", validators=[max_length(LINE_MAX)])
    shown = HiddenField()
    #: "1" when an owner's proposal waits: saving the row approves it, changed or not.
    pending = HiddenField()

    @property
    def is_changed(self) -> bool:
        text, shown = (self.text.data or "").strip(), (self.shown.data or "").strip()
        return text != shown or self.pending.data == "1"

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) if self.is_changed else True


class PublicationForm(PrivacyCheckedForm, VersionedForm):
    is_open = BooleanField("De openbare pagina is open voor iedereen")
    figures = CheckboxList("Kerncijfers op de openbare pagina")
    borging_items = CheckboxList("Borging op de pagina per gemeente")
    lines = FieldList(FormField(LineRowForm))


class ProposalForm(PrivacyCheckedForm, VersionedForm):
    privacy_fields = ("text",)
    text = TextAreaField(
        "Voorstel voor de openbare regel",
        validators=[required(), max_length(LINE_MAX)],
        description="Eén of twee zinnen voor raadsleden en inwoners: wat deze actie doet en "
        "hoe ver ze is. Geen namen, geen zaken. Een beheerder keurt het voorstel goed.",
    )
