"""Forms for meetings and meeting series."""

from __future__ import annotations

import re

from flask import g
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from tracker.dates import app_timezone, dutch_date, local_to_utc, utcnow
from tracker.extensions import db
from tracker.forms import (
    AGENDA_MAX,
    DutchForm,
    choices,
    input_required,
    max_length,
    required,
    within_calendar,
)
from tracker.meetings.models import OutcomeKind
from tracker.params import parse_int
from tracker.plan.models import Party
from tracker.plan.queries import current_plan
from tracker.plan.regions import in_region
from tracker.privacy.guard import PrivacyCheckedForm

#: The series is chosen, never defaulted: the list starts with the RVO (the mayors' council).
CHOOSE_SERIES = "Kies het overleg."


class MeetingForm(PrivacyCheckedForm, DutchForm):
    privacy_fields = ("location", "agenda")
    venue_fields = ("location",)
    series = SelectField("Overleg", choices=[], validators=[DataRequired(CHOOSE_SERIES)])
    day = DateField(
        "Datum",
        validators=[input_required(), within_calendar()],
        render_kw={"placeholder": "jjjj-mm-dd"},
    )
    start = TimeField("Begintijd", validators=[input_required()])
    end = TimeField("Eindtijd", validators=[input_required()])
    location = StringField("Locatie", validators=[max_length(300)])
    agenda = TextAreaField("Agenda", validators=[max_length(AGENDA_MAX)])
    offer_already_held = False
    #: Offered when the date lies in the past: record a meeting that already took place.
    already_held = BooleanField("Deze vergadering is al geweest: leg haar vast als gehouden")

    def validate_end(self, field):
        self._check_exists(field)
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError("De eindtijd moet na de begintijd liggen.")

    def _check_exists(self, field):
        timezone = app_timezone()
        if (
            self.day.data
            and field.data
            and local_to_utc(self.day.data, field.data, timezone) is None
        ):
            raise ValidationError(
                f"{field.data:%H:%M} bestaat niet op {dutch_date(self.day.data)}: de klok gaat "
                "dan een uur vooruit (zomertijd). Kies een andere tijd."
            )

    def validate_start(self, field):
        self._check_exists(field)
        timezone = app_timezone()
        if not (self.day.data and field.data):
            return
        # Never None here: ``_check_exists`` refused a time the clock skips.
        starts_at = local_to_utc(self.day.data, field.data, timezone)
        if self.already_held.data and starts_at > utcnow():
            raise ValidationError(
                f"{dutch_date(self.day.data)} om {field.data:%H:%M} ligt in de toekomst: een "
                "vergadering die nog moet komen, kan niet al gehouden zijn. Haal het vinkje "
                "weg of kies de datum waarop zij is gehouden."
            )
        if not self.already_held.data and starts_at < utcnow():
            self.offer_already_held = True
            raise ValidationError(
                f"{dutch_date(self.day.data)} om {field.data:%H:%M} ligt in het verleden: een "
                "geplande vergadering moet nog komen. Kies een latere datum, of vink hieronder "
                "aan dat de vergadering al is geweest."
            )


class HeldForm(DutchForm):
    """ "Als gehouden vastleggen": what was decided is recorded as outcomes afterwards."""


OUTCOME_KINDS = choices((kind.value, kind.label) for kind in OutcomeKind)


class OutcomeForm(PrivacyCheckedForm, DutchForm):
    """A decision (besluit) or a follow-up (actiepunt: who, and by when) of a held meeting."""

    privacy_fields = ("text",)
    structured_fields = ("action_codes",)
    kind = RadioField("Soort", choices=OUTCOME_KINDS, default=OutcomeKind.DECISION.value)
    text = TextAreaField("Tekst", validators=[required(), max_length(2000)])
    action_codes = StringField(
        "Acties waar het over gaat (optioneel)",
        description="Codes uit het plan, gescheiden door komma's, bijvoorbeeld 2.4, 3.6.",
        validators=[max_length(200)],
    )
    #: Checked in ``validate``: only an actiepunt needs one.
    party = SelectField(
        "Wie voert het actiepunt uit?", choices=[], coerce=str, validate_choice=False
    )
    due_on = DateField("Uiterlijk klaar op", validators=[Optional(), within_calendar()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.data == OutcomeKind.FOLLOW_UP.value:
            known = {choice.value for choice in self.party.choices if choice.value}
            if self.party.data not in known:
                self.party.errors = [*self.party.errors, "Kies wie het actiepunt uitvoert."]
                valid = False
            if not self.due_on.data:
                self.due_on.errors = [*self.due_on.errors, "Kies een datum."]
                valid = False
        return valid


class OptionalSelectField(SelectField):
    """A choice that may be left out: missing or empty is "none"; anything else must be one
    of the choices."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist or [""])

    def pre_validate(self, form):
        if self.data:
            super().pre_validate(form)


class AgendaItemForm(PrivacyCheckedForm, DutchForm):
    """One agenda point; actions, theme, presenter and minutes are optional."""

    privacy_fields = ("title",)
    structured_fields = ("action_codes",)
    title = StringField("Agendapunt", validators=[required(), max_length(300)])
    action_codes = StringField(
        "Acties (optioneel)",
        description="Codes uit het plan, gescheiden door komma's, bijvoorbeeld 2.4, 3.6.",
        validators=[max_length(200)],
    )
    theme = OptionalSelectField("Thema (optioneel)", choices=[], coerce=str)
    presenter = OptionalSelectField("Wie licht toe? (optioneel)", choices=[], coerce=str)
    duration = IntegerField(
        "Minuten (optioneel)",
        validators=[Optional(), NumberRange(min=1, max=240, message="Kies 1 tot 240 minuten.")],
    )


def action_codes(text: str) -> list[str]:
    """'2.4, 3.6 en 1.1' -> ['2.4', '3.6', '1.1']: every code-shaped part, in order, once."""
    found = re.findall(r"\b\d{1,2}\.\d{1,2}\b", text or "")
    return list(dict.fromkeys(found))


class CancelForm(PrivacyCheckedForm, DutchForm):
    privacy_fields = ("reason",)
    reason = TextAreaField("Reden van annuleren", validators=[max_length(2000)])


def _days_list(form, field):
    parts = [p.strip() for p in (field.data or "").split(",") if p.strip()]
    if not parts or not all(parse_int(p, 0, 365) is not None for p in parts):
        raise ValidationError(
            "Geef een of meer aantallen dagen (0 tot 365), gescheiden door komma's, bijv. 14, 2."
        )


class SeriesForm(PrivacyCheckedForm, DutchForm):
    privacy_fields = ("name", "reminder_subject", "reminder_intro")
    structured_fields = ("reminder_days", "version")
    #: The series' version the form showed (empty for a new series).
    version = HiddenField()
    name = StringField("Naam", validators=[required(), max_length(200)])
    action = SelectField("Hoort bij actie", choices=[])
    min_per_year = IntegerField(
        "Minimaal aantal per jaar",
        validators=[input_required(), NumberRange(min=0, max=52, message="Kies 0 tot 52.")],
    )
    chair = SelectField("Voorzitter (partij)", choices=[])
    secretary = SelectField("Secretaris (partij)", choices=[])
    participants = SelectMultipleField("Deelnemende partijen", choices=[], validators=[Optional()])
    reminder_days = StringField(
        "Herinneringen, dagen vooraf",
        validators=[required(), _days_list, max_length(40)],
        description="Bijv. '14, 2': een herinnering 14 en 2 dagen vóór de vergadering, om 09:00.",
    )
    sends_update_request = BooleanField(
        "Eigenaren van acties vooraf om een voortgangsupdate vragen"
    )
    tracks_attendance = BooleanField(
        "Aanwezigheid per gemeente bijhouden",
        description="Na elke gehouden vergadering vinkt de secretaris de gemeenten aan die er "
        "waren; de gemeentepagina's tellen dat tegen het minimum per jaar.",
    )
    update_request_days = IntegerField(
        "Verzoek om update, dagen vooraf",
        validators=[input_required(), NumberRange(min=1, max=90, message="Kies 1 tot 90.")],
    )
    reminder_subject = StringField(
        "Eigen onderwerp van de herinnering (optioneel)",
        validators=[max_length(200)],
        description="Gebruik {naam} en {datum}, bijv. 'Uitnodiging {naam} {datum}'.",
    )
    reminder_intro = TextAreaField(
        "Eigen inleiding van de herinnering (optioneel)", validators=[max_length(2000)]
    )

    def validate_reminder_subject(self, field):
        try:
            (field.data or "").format(naam="x", datum="y")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValidationError("Gebruik alleen {naam} en {datum} tussen accolades.") from exc


class ImportForm(DutchForm):
    series = SelectField("Overleg", choices=[], validators=[DataRequired(CHOOSE_SERIES)])
    file = FileField(
        "Agendabestand (.ics)",
        validators=[
            FileRequired(message="Kies een .ics-bestand."),
            FileAllowed(["ics"], message="Alleen .ics-bestanden (iCalendar)."),
        ],
    )


def _party_choices(empty: str):
    """The region's parties as choices, read once per request (the meeting page has two
    forms that list them)."""
    if "region_parties" not in g:
        g.region_parties = db.session.execute(
            select(Party.code, Party.short_name).where(in_region(Party)).order_by(Party.short_name)
        ).all()
    return choices([("", empty)] + [tuple(row) for row in g.region_parties])


def outcome_form() -> OutcomeForm:
    """The decision/follow-up form with the parties to choose from."""
    form = OutcomeForm()
    form.party.choices = _party_choices("Kies een partij")
    return form


def agenda_form() -> AgendaItemForm:
    """The agenda item form with the plan's themes and the parties to choose from."""
    form = AgendaItemForm()
    plan = current_plan()
    themes = plan.themes if plan else []
    form.theme.choices = choices(
        [("", "Geen thema")] + [(str(t.number), f"{t.number}. {t.title}") for t in themes]
    )
    form.presenter.choices = _party_choices("Niemand in het bijzonder")
    return form
