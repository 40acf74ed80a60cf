"""The query-string filters (``/acties``, the API, the report) as WTForms forms over
``request.args``: one field and one Dutch message per parameter, so every page that filters
reads a parameter the same way."""

from __future__ import annotations

from collections.abc import Mapping

from wtforms import Field, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from tracker.forms import DutchForm
from tracker.params import parse_date, parse_int
from tracker.plan.models import Signal, Status
from tracker.plan.queries import MAX_QUERY_LENGTH, NO_SIGNAL, SORT_KEYS, ActionFilter, party_code


def strip(value):
    return value.strip() if isinstance(value, str) else value


class Number(IntegerField):
    """A whole number in [low, high]; anything else (letters, "²", 33 digits) gets
    ``message``."""

    def __init__(self, message: str, low: int, high: int, **kwargs):
        super().__init__(validators=[Optional(), NumberRange(low, high, message)], **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = parse_int(text)
        if text and self.data is None:
            raise ValueError(self.message)


class Day(Field):
    """An ISO date between 2000 and 2100 (``params.parse_date``), or nothing."""

    def process_formdata(self, valuelist):
        self.data, problem = parse_date(valuelist[0] if valuelist else None)
        if problem:
            raise ValueError(problem)


def one_of(values, message: str):
    """The value is one of ``values``; ``message`` may name the {value} and the {allowed}."""

    def validate(form, field):
        if field.data and field.data not in values:
            allowed = ", ".join(values)
            raise ValidationError(message.format(value=field.data[:40], allowed=allowed))

    return validate


def _known_party(form, field):
    """A party code in any letter case (``rctm`` is RCTM), kept as it is stored."""
    if field.data:
        code = party_code(field.data)
        if code is None:
            raise ValidationError(f"Partij '{field.data[:60]}' is onbekend.")
        field.data = code


#: Parameters that name something stored (a party): an unknown name is well-formed, so the
#: API answers 404 for it (as for an unknown plan) rather than 400.
NAMING_PARAMETERS = {"partij"}


class QueryForm(DutchForm):
    """A form over a query string: no CSRF (a GET changes nothing) and nothing it reads is
    stored (so the privacy guard has nothing to read). Every filter takes ``thema`` and
    ``partij``."""

    structured_fields = ("partij",)
    thema = Number("Kies een themanummer (een getal, bijvoorbeeld 3).", 1, 99)
    partij = StringField(filters=[strip], validators=[_known_party])

    def __init__(self, args: Mapping):
        super().__init__(formdata=args, meta={"csrf": False})

    def problems(self) -> dict[str, str]:
        """Validated: {parameter: its Dutch message}, empty when all is well."""
        self.validate()
        return {name: messages[0] for name, messages in self.errors.items()}


class ActionFilterForm(QueryForm):
    structured_fields = ("partij", "q", "status", "signaal", "sorteer", "richting")
    q = StringField(
        filters=[strip],
        validators=[
            Length(
                max=MAX_QUERY_LENGTH,
                message=f"De zoektekst mag hoogstens {MAX_QUERY_LENGTH} tekens lang zijn.",
            )
        ],
    )
    status = StringField(
        filters=[strip],
        validators=[
            one_of([s.value for s in Status], "Status '{value}' is onbekend; kies uit {allowed}.")
        ],
    )
    signaal = StringField(
        filters=[strip],
        validators=[
            one_of(
                [*(s.value for s in Signal), NO_SIGNAL],
                "Signaal '{value}' is onbekend; kies uit {allowed}.",
            )
        ],
    )
    niet_bijgewerkt_sinds = Day()
    sorteer = StringField(
        filters=[strip], validators=[one_of(list(SORT_KEYS), "Sorteren kan op {allowed}.")]
    )
    richting = StringField(
        filters=[strip],
        validators=[one_of(["op", "af"], "De richting is op (oplopend) of af (aflopend).")],
    )
    jaar = Number("Geef een jaartal van vier cijfers, bijvoorbeeld 2025.", 2000, 2100)

    def action_filter(self) -> ActionFilter:
        """The filter the (valid) parameters ask for."""
        return ActionFilter(
            theme=self.thema.data,
            party=self.partij.data or None,
            status=Status(self.status.data) if self.status.data else None,
            signal=self.signaal.data or None,
            year=self.jaar.data,
            query=self.q.data or None,
            not_updated_since=self.niet_bijgewerkt_sinds.data,
            sort=self.sorteer.data or "code",
            descending=self.richting.data == "af",
        )
