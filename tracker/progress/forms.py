"""Forms for progress updates, per-municipality cells and plan revisions."""

from __future__ import annotations

from datetime import date

from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, ValidationError

from tracker.forms import (
    NOTE_MAX,
    UPDATE_TEXT_MAX,
    DutchForm,
    choices,
    decision_field,
    input_required,
    max_length,
    optional_url,
    required,
    within_calendar,
)
from tracker.params import parse_int
from tracker.plan.models import SIGNAL_LABELS, STATUS_LABELS
from tracker.plan.schedule import ScheduleKind, parse_planning
from tracker.privacy.guard import PrivacyCheckedForm

STATUS_CHOICES = choices((status.value, label) for status, label in STATUS_LABELS.items())
SIGNAL_CHOICES = choices(
    [("", "Geen signaal")] + [(s.value, label) for s, label in SIGNAL_LABELS.items()]
)


class VersionedForm(DutchForm):
    #: The version of the object the form was shown with; a newer one means a stale save.
    version = HiddenField(validators=[input_required()])

    def validate_version(self, field):
        if parse_int(field.data) is None:
            raise ValidationError("Het formulier is onvolledig; laad de pagina opnieuw.")


class ProgressForm(PrivacyCheckedForm, VersionedForm):
    privacy_fields = ("text",)
    link_fields = ("link",)
    status = SelectField("Status", choices=STATUS_CHOICES, validators=[required()])
    signal = SelectField("Signaal", choices=SIGNAL_CHOICES)
    text = TextAreaField(
        "Wat is er gedaan en wat volgt?", validators=[required(), max_length(UPDATE_TEXT_MAX)]
    )
    link = StringField("Link (optioneel)", validators=[*optional_url(), max_length(500)])


class MunicipalityCellForm(PrivacyCheckedForm, VersionedForm):
    privacy_fields = ("note",)
    status = SelectField("Status", choices=STATUS_CHOICES, validators=[required()])
    note = TextAreaField("Toelichting", validators=[max_length(NOTE_MAX)])


class CommitmentForm(PrivacyCheckedForm, VersionedForm):
    """One year of a yearly action. ``year`` and ``today`` are set by the view."""

    privacy_fields = ("note",)
    status = SelectField("Status dit jaar", choices=STATUS_CHOICES, validators=[required()])
    delivered_on = DateField("Uitgevoerd op", validators=[Optional(), within_calendar()])
    note = TextAreaField("Toelichting", validators=[max_length(NOTE_MAX)])

    year: int
    today: date

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        field = self.delivered_on
        if self.status.data == "afgerond" and field.data is None and not field.errors:
            field.errors.append("Vul de datum in waarop het is uitgevoerd.")
            return False
        return valid

    def validate_delivered_on(self, field):
        if field.data is None:  # not a date: the field's own message says so
            return
        if self.status.data != "afgerond":
            raise ValidationError("Een uitvoeringsdatum hoort bij de status Afgerond.")
        if field.data.year != self.year:
            raise ValidationError(f"Kies een datum in {self.year}.")
        if field.data > self.today:
            raise ValidationError("De uitvoeringsdatum kan niet in de toekomst liggen.")


#: Empty owner rows offered below the filled ones (more with "Meer eigenaren").
SPARE_OWNER_ROWS = 2


class OwnerRowForm(Form):
    """One owner: a party from the list, or a description when no party fits. Its texts are
    read by the privacy guard of the form it is a row of."""

    privacy_fields = ("label", "role")
    party = SelectField("Partij", choices=[], validate_choice=False)
    label = StringField("Of: omschrijving", validators=[max_length(300)])
    role = StringField("Rol (optioneel)", validators=[max_length(120)])


class PlanTextForm(PrivacyCheckedForm, DutchForm):
    privacy_fields = ("text", "planning", "owners_text", "reason")
    text = TextAreaField("Actie", validators=[required(), max_length(5000)])
    planning = StringField("Planning", validators=[required(), max_length(200)])
    owners_text = TextAreaField(
        "Wie (zoals in het plan)", validators=[required(), max_length(1000)]
    )
    owners = FieldList(FormField(OwnerRowForm), min_entries=1)
    #: The index of the trekker's row.
    lead = RadioField("Trekker", choices=[], validate_choice=False)
    is_per_municipality = BooleanField("Wordt door iedere gemeente uitgevoerd")
    reason = TextAreaField("Reden van de wijziging", validators=[required(), max_length(2000)])
    decision = decision_field()
    #: Set when the planning is not recognised and the beheerder confirmed it anyway.
    accept_unparsed = BooleanField("Planning toch opslaan zoals geschreven")

    def validate_planning(self, field):
        unparsed = parse_planning(field.data or "").kind is ScheduleKind.UNPARSED
        if unparsed and not self.accept_unparsed.data:
            raise ValidationError(
                "Deze planning wordt niet herkend (bijv. 'Doorlopend', 'Jaarlijks', 'Q3 2025', "
                "'2025 - 2026', 'Minimaal 2x per jaar'). Pas hem aan, of vink hieronder aan dat "
                "hij zo opgeslagen moet worden."
            )

    def set_party_choices(self, parties) -> None:
        """The party pickers list every party, organisations first."""
        options = [("", "Geen partij (omschrijving)")] + [
            (p.code, p.short_name if p.short_name == p.name else f"{p.short_name}: {p.name}")
            for p in parties
        ]
        for entry in self.owners:
            entry.form.party.choices = choices(options)

    def add_spare_rows(self, count: int = SPARE_OWNER_ROWS) -> None:
        for _ in range(count):
            self.owners.append_entry()


class RevisionForm(PlanTextForm, VersionedForm):
    pass


class NewActionForm(PlanTextForm):
    theme = SelectField("Thema", choices=[], coerce=str, validators=[required()])
    number = IntegerField(
        "Nummer binnen het thema",
        validators=[input_required(), NumberRange(min=1, max=999, message="Kies 1 tot 999.")],
    )


class DropActionForm(PrivacyCheckedForm, VersionedForm):
    privacy_fields = ("reason",)
    reason = TextAreaField("Waarom vervalt deze actie?", validators=[required(), max_length(2000)])
    decision = decision_field()
