"""One form for a municipality: this year's rows of the every-municipality actions and its
borging items, each a row; a row left as it was shown is neither checked nor saved."""

from __future__ import annotations

from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError

from tracker.dates import local_today
from tracker.forms import (
    NOTE_MAX,
    DutchForm,
    DutchRowForm,
    choices,
    max_length,
    optional_url,
    within_calendar,
)
from tracker.municipalities.borging import LEVEL_LABELS, STATE_LABELS, UNKNOWN
from tracker.plan.filters import Number, one_of, strip
from tracker.privacy.guard import PrivacyCheckedForm
from tracker.progress.forms import STATUS_CHOICES

#: Where a save goes back to: the municipality's page, or Mijn acties (a key, not a URL).
RETURN_TO = ("gemeente", "mijn-acties")


class CellRowForm(DutchRowForm):
    """This year's row of one every-municipality action: status and note."""

    privacy_fields = ("note",)
    code = HiddenField()
    version = HiddenField()
    status = RadioField("Status", choices=STATUS_CHOICES, validate_choice=False)
    note = TextAreaField("Toelichting", validators=[max_length(NOTE_MAX)])
    shown_status = HiddenField()
    shown_note = HiddenField()

    @property
    def is_changed(self) -> bool:
        return (self.status.data, (self.note.data or "").strip()) != (
            self.shown_status.data,
            (self.shown_note.data or "").strip(),
        )

    def validate_status(self, field):
        if field.data not in {choice.value for choice in STATUS_CHOICES}:
            raise ValidationError("Kies een status.")

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) if self.is_changed else True


class BorgingRowForm(DutchRowForm):
    """One borging item: yes, no or not known, since when, a link (the local plan) and a
    note. ``seen`` is the statement the row was shown with; statements never change, so
    it tells an edited row from an untouched one and a stale save from a fresh one."""

    privacy_fields = ("note",)
    link_fields = ("link",)
    item = HiddenField()
    seen = HiddenField()
    state = RadioField("Stand", choices=choices(STATE_LABELS.items()), validate_choice=False)
    on_date = DateField("Datum", validators=[Optional(), within_calendar()])
    link = StringField("Link", validators=[*optional_url(), max_length(500)])
    note = TextAreaField("Toelichting", validators=[max_length(NOTE_MAX)])

    #: Set by the view before validating: the item (``borging.Item``) and what was shown.
    item_def = None
    shown: tuple = (UNKNOWN, None, None, "")

    @property
    def values(self) -> tuple:
        state = self.state.data
        if self.item_def and self.item_def.is_visit:  # a day, or nothing said
            state = "ja" if self.on_date.data else UNKNOWN
        link = (self.link.data or "").strip() or None
        return (state, self.on_date.data, link, (self.note.data or "").strip())

    @property
    def is_changed(self) -> bool:
        return self.values != self.shown

    def validate_state(self, field):
        if field.data not in STATE_LABELS and not (self.item_def and self.item_def.is_visit):
            raise ValidationError("Kies Ja, Nee of Onbekend.")

    def validate_on_date(self, field):
        if field.data is None:
            return
        if field.data > local_today():
            raise ValidationError("Een datum in de toekomst kan niet: vul in wat er al is.")
        if not (self.item_def and self.item_def.is_visit) and self.state.data != "ja":
            raise ValidationError("Een datum hoort bij 'Ja'; laat hem leeg bij Nee of Onbekend.")

    def validate_link(self, field):
        if field.data and self.state.data != "ja":
            raise ValidationError("Een link hoort bij 'Ja'; laat hem leeg bij Nee of Onbekend.")

    def validate(self, extra_validators=None) -> bool:
        if not self.is_changed:
            return True
        valid = super().validate(extra_validators)
        is_visit = self.item_def and self.item_def.is_visit
        if is_visit and self.on_date.data is None and not self.on_date.errors:
            self.on_date.errors = ["Vul de datum van het gesprek in."]
            valid = False
        return valid


class MunicipalForm(PrivacyCheckedForm, DutchForm):
    cells = FieldList(FormField(CellRowForm))
    items = FieldList(FormField(BorgingRowForm))
    return_to = HiddenField(default="gemeente")


class MatrixFilterForm(DutchForm):
    """``/gemeenten``'s query string: the year, a column with the level to show, the order."""

    structured_fields = ("kolom", "stand", "sorteer", "richting")
    jaar = Number("Geef een jaartal van vier cijfers, bijvoorbeeld 2025.", 2000, 2100)
    kolom = StringField(filters=[strip])
    stand = StringField(
        filters=[strip],
        validators=[one_of(list(LEVEL_LABELS), "Stand '{value}' is onbekend; kies uit {allowed}.")],
    )
    sorteer = StringField(filters=[strip])
    richting = StringField(
        filters=[strip],
        validators=[one_of(["op", "af"], "De richting is op (oplopend) of af (aflopend).")],
    )

    def __init__(self, args, column_keys: list[str]):
        super().__init__(formdata=args, meta={"csrf": False})
        self.column_keys = column_keys

    def validate_kolom(self, field):
        if field.data and field.data not in self.column_keys:
            raise ValidationError(f"Kolom '{field.data[:40]}' bestaat niet in dit overzicht.")

    def validate_sorteer(self, field):
        if field.data and field.data not in [*self.column_keys, "naam"]:
            raise ValidationError(f"Sorteren op '{field.data[:40]}' kan niet.")
