"""Forms for progress updates, per-municipality cells and plan revisions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, ValidationError

from tracker.forms import choices, input_required, max_length, optional_url, required
from tracker.params import parse_int
from tracker.plan.models import SIGNAL_LABELS, STATUS_LABELS
from tracker.plan.schedule import ScheduleKind, parse_planning
from tracker.privacy.guard import PrivacyCheckedForm

STATUS_CHOICES = choices((status.value, label) for status, label in STATUS_LABELS.items())
SIGNAL_CHOICES = choices(
    [("", "Geen signaal")] + [(s.value, label) for s, label in SIGNAL_LABELS.items()]
)


class VersionedForm(FlaskForm):
    #: The version of the object the form was shown with; a newer one means a stale save.
    version = HiddenField(validators=[input_required()])

    def validate_version(self, field):
        if parse_int(field.data) is None:
            raise ValidationError("Het formulier is onvolledig; laad de pagina opnieuw.")


class ProgressForm(PrivacyCheckedForm, VersionedForm):
    privacy_fields = ("text",)
    status = SelectField("Status", choices=STATUS_CHOICES, validators=[required()])
    signal = SelectField("Signaal", choices=SIGNAL_CHOICES)
    text = TextAreaField(
        "Wat is er gedaan en wat volgt?", validators=[required(), max_length(5000)]
    )
    link = StringField("Link (optioneel)", validators=[*optional_url(), max_length(500)])


class MunicipalityCellForm(PrivacyCheckedForm, VersionedForm):
    privacy_fields = ("note",)
    status = SelectField("Status", choices=STATUS_CHOICES, validators=[required()])
    note = TextAreaField("Toelichting", validators=[max_length(2000)])


OWNERS_HELP = (
    "Eén eigenaar per regel, in de volgorde van het plan: een partijcode (VAR, RIEC, "
    "gemeente-rotterdam), eventueel met rol tussen haakjes: 'VAR (secretaris)'. Zet een * voor "
    "de trekker als dat niet de eerste is. Vrije tekst die geen partij is: 'tekst: nader te "
    "bepalen netwerkpartners'."
)


class PlanTextForm(PrivacyCheckedForm, FlaskForm):
    privacy_fields = ("text", "planning", "owners_text", "owners", "reason")
    text = TextAreaField("Actie", validators=[required(), max_length(5000)])
    planning = StringField("Planning", validators=[required(), max_length(200)])
    owners_text = TextAreaField(
        "Wie (zoals in het plan)", validators=[required(), max_length(1000)]
    )
    owners = TextAreaField("Eigenaren", description=OWNERS_HELP, validators=[required()])
    is_per_municipality = BooleanField("Wordt door iedere gemeente uitgevoerd")
    reason = TextAreaField("Reden van de wijziging", validators=[required(), max_length(2000)])
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
