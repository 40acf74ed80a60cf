"""The evaluation's forms: opening the round, one action's evaluation, a knelpunt, and the
next plan drafted from the advice."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from tracker.dates import local_today
from tracker.evaluation.models import ADVICE_LABELS, RESULT_LABELS, Advice, KnelpuntStatus
from tracker.forms import (
    NOTE_MAX,
    UPDATE_TEXT_MAX,
    CheckboxList,
    DutchForm,
    choices,
    input_required,
    max_length,
    required,
    within_calendar,
)
from tracker.plan.forms import NewPlanForm
from tracker.privacy.guard import PrivacyCheckedForm
from tracker.progress.forms import VersionedForm


class RoundForm(DutchForm):
    """Open the round, or move its deadline."""

    deadline = DateField(
        "Termijn voor de eigenaren",
        validators=[input_required(), within_calendar()],
        description="Tot wanneer de eigenaren hun acties evalueren. Een week ervoor krijgen "
        "wie nog acties open hebben een herinnering; na het verzetten een met de nieuwe "
        "termijn, ook wie er al een had.",
    )


class EvaluationForm(PrivacyCheckedForm, VersionedForm):
    privacy_fields = ("delivered", "effect", "helped", "hindered", "advice_reason", "new_text")
    result = RadioField(
        "Resultaat",
        choices=choices([(r.value, label) for r, label in RESULT_LABELS.items()]),
        validate_choice=False,
    )
    delivered = TextAreaField(
        "Wat heeft de actie opgeleverd?", validators=[required(), max_length(UPDATE_TEXT_MAX)]
    )
    effect = TextAreaField(
        "Welk effect had dat?",
        validators=[max_length(UPDATE_TEXT_MAX)],
        description="Voor slachtoffers, de aanpak of de samenwerking; ook als dat (nog) niet "
        "te zien is.",
    )
    helped = TextAreaField("Wat hielp?", validators=[max_length(NOTE_MAX)])
    hindered = TextAreaField(
        "Wat belemmerde?",
        validators=[max_length(NOTE_MAX)],
        description="Een belemmering die blijft, registreert u daarna als knelpunt.",
    )
    advice = RadioField(
        "Advies voor het volgende plan",
        choices=choices([(a.value, label) for a, label in ADVICE_LABELS.items()]),
        validate_choice=False,
    )
    advice_reason = TextAreaField(
        "Waarom dit advies?", validators=[required(), max_length(NOTE_MAX)]
    )
    new_text = TextAreaField(
        "Voorgestelde nieuwe tekst (bij aanpassen)",
        validators=[max_length(UPDATE_TEXT_MAX)],
        description="Zo komt de actie in het concept van het volgende plan; daar is ze nog "
        "te herzien.",
    )
    evidence = CheckboxList(
        "Onderbouwing", refused="Kies de onderbouwing uit de lijst; laad de pagina opnieuw."
    )

    def validate_result(self, field):
        if field.data not in {r.value for r in RESULT_LABELS}:
            raise ValidationError("Kies het resultaat.")

    def validate_advice(self, field):
        if field.data not in {a.value for a in ADVICE_LABELS}:
            raise ValidationError("Kies een advies.")

    def validate_new_text(self, field):
        if self.advice.data == Advice.ADJUST.value and not (field.data or "").strip():
            raise ValidationError(
                "Bij 'Aanpassen': schrijf hoe de actie in het volgende plan moet luiden."
            )
        if self.advice.data != Advice.ADJUST.value and (field.data or "").strip():
            raise ValidationError(
                "Een nieuwe tekst hoort bij 'Aanpassen'; kies dat advies of maak dit veld leeg."
            )


KNELPUNT_STATUS_CHOICES = choices([(s.value, s.label) for s in KnelpuntStatus])


class KnelpuntForm(PrivacyCheckedForm, VersionedForm):
    privacy_fields = ("what", "solver_text", "resolution")
    what = TextAreaField("Wat is het knelpunt?", validators=[required(), max_length(NOTE_MAX)])
    since = DateField("Sinds", validators=[input_required(), within_calendar()])
    actions = CheckboxList("Welke acties blokkeert het?", refused="Kies de acties uit de lijst.")
    solver_party = SelectField("Wie kan het oplossen?", choices=[], validate_choice=False)
    solver_text = StringField(
        "Of in woorden",
        validators=[max_length(200)],
        description="Als het geen partij uit de lijst is, bijvoorbeeld 'het ministerie van SZW'.",
    )
    status = SelectField("Status", choices=KNELPUNT_STATUS_CHOICES, validate_choice=False)
    resolution = TextAreaField("Stand of oplossing", validators=[max_length(NOTE_MAX)])
    for_table = BooleanField("Voorstellen voor de agenda van de Regionale Tafel")

    def validate_since(self, field):
        if field.data and field.data > local_today():
            raise ValidationError("Een knelpunt bestaat al: kies vandaag of een eerdere datum.")

    def validate_actions(self, field):
        if not field.data:
            raise ValidationError("Kies minstens één actie die het knelpunt blokkeert.")

    def validate_solver_party(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Kies een partij uit de lijst.")

    def validate_status(self, field):
        if field.data not in {s.value for s in KnelpuntStatus}:
            raise ValidationError("Kies een status.")
        if field.data == KnelpuntStatus.SOLVED.value and not (self.resolution.data or "").strip():
            raise ValidationError("Zeg bij 'Opgelost' kort hoe het is opgelost.")


class DraftPlanForm(NewPlanForm):
    """The next plan from the evaluation's advice: made from the evaluated plan."""

    base = None
