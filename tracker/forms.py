"""Form building blocks shared by the feature packages: Dutch validator messages."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import Form, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import (
    URL,
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.params import DATE_RANGE_MESSAGE, EARLIEST_DATE, LATEST_DATE

REQUIRED = "Dit veld is verplicht."


class DutchMeta:
    locales = ("nl_NL", "nl")

    def get_translations(self, form):
        """WTForms' own Dutch catalogue, read once per process (``cache_translations``), not
        Flask-WTF's, which asks Flask-Babel; without the cache every form looked for the
        catalogue on disk again."""
        return DefaultMeta.get_translations(self, form)


class DutchForm(FlaskForm):
    """The base of every form here: WTForms' own messages ("Ongeldig getal.", "Ongeldige
    keuze.") in Dutch too, without Flask-Babel. Every text field is read by the privacy guard
    (``PrivacyCheckedForm``) unless it is one of ``structured_fields``: a validated syntax
    (a code, a slug, a list of days) that holds no words."""

    structured_fields: tuple[str, ...] = ()

    class Meta(DutchMeta):
        pass


class DutchRowForm(Form):
    """A repeated row of a DutchForm (a FieldList of FormField), with the same Dutch
    messages ("Ongeldige datum."): a row is a plain WTForms form, without Flask-WTF's
    CSRF, so it does not inherit its parent's Meta."""

    class Meta(DutchMeta):
        pass


def required():
    return DataRequired(message=REQUIRED)


def input_required():
    return InputRequired(message=REQUIRED)


class _MaxLength(Length):
    """A length check that does not put ``maxlength`` on the input: a browser would silently
    cut a longer paste there, and the writer would never know. The server says it instead."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field_flags = {}


#: The longest texts people write, here because imports hold them to the same limits.
UPDATE_TEXT_MAX = 5000  # a progress update
NOTE_MAX = 2000  # a municipal row's or a yearly commitment's note
AGENDA_MAX = 10000  # a meeting's agenda


def within_calendar():
    """A date field's bounds (``params.EARLIEST_DATE`` to ``LATEST_DATE``): beyond them, date
    arithmetic overflows."""

    def validate(form, field):
        if field.data is not None and not EARLIEST_DATE <= field.data <= LATEST_DATE:
            raise ValidationError(DATE_RANGE_MESSAGE)

    return validate


def max_length(n: int):
    return _MaxLength(
        max=n, message=f"Hoogstens {n} tekens; deze tekst heeft er %(length)d. Kort hem in."
    )


def email_address():
    """Syntax check only (no DNS: the server may have no network). The reserved ``.test``
    domain is accepted, because examples and test accounts use it."""

    def validate(form, field):
        try:
            validate_email(field.data or "", check_deliverability=False, test_environment=True)
        except EmailNotValidError as exc:
            raise ValidationError(
                "Vul een geldig e-mailadres in, bijvoorbeeld naam@gemeente.nl."
            ) from exc

    return validate


def same_as(field: str):
    return EqualTo(field, message="De twee wachtwoorden zijn niet gelijk.")


def optional_url():
    return [Optional(), URL(message="Vul een volledige link in, beginnend met https://.")]


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxList(SelectMultipleField):
    """Several choices as a list of checkboxes (an evaluation's evidence, the actions a
    knelpunt blocks, what the public page shows); the view sets the choices. A value the
    form did not offer (a page gone stale, a forged post) is refused with ``refused``."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, refused="Kies uit de lijst; laad de pagina opnieuw.", **kwargs):
        super().__init__(label, choices=[], **kwargs)
        self.refused = refused

    def pre_validate(self, form):
        offered = {value for value, *_ in self.choices}
        if any(value not in offered for value in self.data or []):
            raise ValidationError(self.refused)


def decision_field(label: str = "Besluit dat deze wijziging neemt (optioneel)"):
    """The meeting decision that made a change to the plan (optional; the view lists the
    region's recent besluiten with ``set_decision_choices``)."""
    return SelectField(
        label,
        choices=[],
        default="",  # a form posted without it (a script, an older page) names none
        description="Kies het besluit van de Regionale Tafel of het RVO, als dat er is; het "
        "staat dan bij de geschiedenis van de actie.",
    )


def set_decision_choices(form, options: list[tuple[str, str]]) -> None:
    form.decision.choices = choices([("", "Geen besluit genoemd"), *options])


class UploadForm(DutchForm):
    """An .xlsx file made from one of the tracker's own spreadsheets, filled in."""

    file = FileField(
        "Ingevuld Excel-bestand (.xlsx)",
        validators=[
            FileRequired(message="Kies het ingevulde Excel-bestand."),
            FileAllowed(["xlsx"], message="Alleen .xlsx-bestanden uit de tracker."),
        ],
    )
