"""What the privacy guard finds: a kind of personal data at a span of the text, hard (refused,
no override) or soft (to be looked at and confirmed)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FindingKind(StrEnum):
    NAME = "naam"
    AGE = "leeftijd"
    BSN = "bsn"
    PHONE = "telefoon"
    EMAIL = "email"
    IBAN = "iban"
    ADDRESS = "adres"
    POSTCODE = "postcode"
    BIRTH_DATE = "geboortedatum"
    #: An age or birth year beside a place, a residence status or a form of exploitation:
    #: no name, yet it points to one person in a small place.
    IDENTIFYING = "herleidbaar"
    UNCHECKED = "niet_gecontroleerd"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def is_hard(self) -> bool:
        """Hard kinds are refused; soft ones (a name, an age, what could not be read in
        time) need a look and a confirmation, unless the context makes them hard."""
        return self not in (FindingKind.NAME, FindingKind.AGE, FindingKind.UNCHECKED)


LABELS = {
    FindingKind.NAME: "naam",
    FindingKind.AGE: "leeftijd",
    FindingKind.BSN: "BSN",
    FindingKind.PHONE: "telefoonnummer",
    FindingKind.EMAIL: "e-mailadres",
    FindingKind.IBAN: "IBAN",
    FindingKind.ADDRESS: "adres",
    FindingKind.POSTCODE: "postcode",
    FindingKind.BIRTH_DATE: "geboortedatum",
    FindingKind.IDENTIFYING: "herleidbare combinatie",
    FindingKind.UNCHECKED: "niet te controleren tekst",
}


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    start: int
    end: int
    text: str
    #: Why a soft kind is hard here ("bij een slachtoffer- of zaakwoord"); empty otherwise.
    hard_because: str = ""

    @property
    def is_hard(self) -> bool:
        return bool(self.hard_because) or self.kind.is_hard

    @property
    def label(self) -> str:
        return f"{self.kind.label} {self.hard_because}".strip()
