"""The guard on everything people type or import: forms refuse hard findings and ask for a
confirmation when a text only seems to hold a name; imports list each finding as a row error.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum
from functools import lru_cache
from textwrap import shorten
from urllib.parse import unquote_plus

from flask import g
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import BooleanField, FieldList, SelectField

from tracker.accounts.models import User
from tracker.audit.services import record
from tracker.extensions import db
from tracker.forms import choices
from tracker.plan.models import Action, Municipality, Party, Theme
from tracker.privacy.detect import find_personal_data, mask, segments
from tracker.privacy.findings import Finding, FindingKind
from tracker.privacy.models import PrivacyConfirmation
from tracker.privacy.words import KNOWN_WORDS, VENUE_WORDS

CONFIRMATION = "Ik heb gecontroleerd: dit gaat niet over een slachtoffer of een zaak"


def domain_allowlist() -> frozenset[str]:
    """Lower-cased words that are never someone's name here: parties, municipalities, every
    word of the plan itself, the lists of ``privacy.words``, and the names of the tracker's
    own people (its users, the parties' contacts among them): a colleague is no case. Once
    per request."""
    if "privacy_allowlist" not in g:
        texts = [
            *db.session.scalars(select(Party.short_name)),
            *db.session.scalars(select(Party.name)),
            *municipality_names(),
            *db.session.scalars(select(Theme.title)),
            *db.session.scalars(select(Action.text)),
            *db.session.scalars(select(User.name)),
        ]
        words = {w.lower() for text in texts for w in re.findall(r"[A-Za-zÀ-ÿ]{2,}", text or "")}
        g.privacy_allowlist = frozenset(words) | KNOWN_WORDS
    return g.privacy_allowlist


def municipality_names() -> frozenset[str]:
    """The region's municipalities, places for the age-and-place rule. Once per request."""
    if "privacy_places" not in g:
        g.privacy_places = frozenset(db.session.scalars(select(Municipality.name)))
    return g.privacy_places


#: A meeting's location is a place: the address of a town hall is no personal data.
VENUE_KINDS = frozenset({FindingKind.ADDRESS, FindingKind.POSTCODE})


class Reading(StrEnum):
    """How the guard reads a field."""

    #: Free text: hard findings refused, names and ages asked about.
    FREE = "vrije tekst"
    #: A meeting place: addresses and postcodes are what it holds.
    VENUE = "locatie"
    #: The name of one of the tracker's own people (an account): identifiers only.
    PERSON = "naam van een gebruiker"
    #: A link: identifiers only, in the URL as read with its escapes undone.
    LINK = "link"


def check(text: str | None, *, reading: Reading = Reading.FREE) -> list[Finding]:
    """Personal data in ``text``, with the domain's own words allowed. In a meeting place
    (``VENUE``) addresses, postcodes and the names of rooms are allowed too; a person's name
    field and a link are read for hard findings only."""
    if reading is Reading.LINK:
        text = link_as_text(text or "")
    findings = find_personal_data(text or "", domain_allowlist(), municipality_names())
    if reading is Reading.VENUE:
        return [f for f in findings if f.kind not in VENUE_KINDS and not _room_name(text, f)]
    if reading in (Reading.PERSON, Reading.LINK):
        return [f for f in findings if f.is_hard]
    return findings


def _room_name(text: str, finding: Finding) -> bool:
    """In a meeting place, a name after a room or building word names the room ("Zaal
    Erasmus", "zaal De Maas")."""
    if finding.kind is not FindingKind.NAME or finding.is_hard:
        return False
    words = text[: finding.start].split()[-1:] + finding.text.split()[:1]
    return any(word.strip(",.:;()").lower() in VENUE_WORDS for word in words)


def link_as_text(url: str) -> str:
    """A URL as words: escapes undone and its separators spaces, so that
    ``?bsn=111222333&tel=0612345678`` reads as "bsn 111222333 tel 0612345678"."""
    return re.sub(r"[?&=/#+_;:]", " ", unquote_plus(url))


def describe(findings: list[Finding]) -> str:
    """'BSN “123456782”, telefoonnummer “06-12345678”' for messages (a long stretch, such
    as a text the guard could not read in time, by its first words)."""
    return ", ".join(f"{f.label} “{shorten(f.text, 60, placeholder='…')}”" for f in findings)


def hard_message(findings: list[Finding]) -> str:
    return (
        "Deze tekst bevat persoonsgegevens die hier niet thuishoren: "
        f"{describe(findings)}. Haal ze weg; de tracker bevat nooit zaak- of "
        "slachtoffergegevens."
    )


def soft_message(findings: list[Finding]) -> str:
    return (
        f"Deze tekst lijkt een naam of leeftijd te bevatten: {describe(findings)}. Gaat het om "
        "een collega, een spreker, een organisatie of een plek, vink dan hieronder aan dat u "
        "het heeft gecontroleerd en kies wie of wat het is."
    )


def highlight(text: str, findings: list[Finding]) -> Markup:
    """The text with each finding in a ``<mark>`` naming its kind (escaped throughout)."""
    html = []
    for part, finding in segments(text, findings):
        if finding is None:
            html.append(str(escape(part)))
        else:
            html.append(
                f'<mark title="{escape(finding.label)}">{escape(part)}</mark>'
                f'<span class="visually-hidden"> ({escape(finding.label)})</span>'
            )
    return Markup("".join(html))  # noqa: S704 - every piece is escaped above


#: The answer to "Wie of wat is het?" when a name is confirmed: a name in the tracker is
#: someone in a professional role or no person at all (a concert hall), never a case.
WHO_LABELS = {
    "collega": "Een collega of contactpersoon van een partner",
    "spreker": "Een spreker, trainer of onderzoeker",
    "bestuurder": "Een bestuurder of ambtsdrager in functie",
    "anders": "Iemand anders in een zakelijke rol",
    "geen_persoon": "Geen persoon: een organisatie, zaal of plek",
}
WHO_CHOICES = [("", "Kies wie of wat het is"), *WHO_LABELS.items()]


class PrivacyCheckedForm:
    """Mixin for a FlaskForm with text fields, each read by the guard as its form declares:
    ``privacy_fields`` (free text), ``venue_fields`` (a meeting place), ``person_fields``
    (an account's name), ``link_fields`` (a URL); ``structured_fields`` hold a validated
    syntax (codes, slugs) and are not read. Fields of repeated sub-forms are read by their
    sub-form's ``privacy_fields`` and ``link_fields``, unless the row says it is unchanged
    (``is_changed``: it is not saved). After the form's own validation: a field that failed it
    (too long) is not read; hard findings are an error on the field (the text stays, the
    findings marked); names and ages are an error until ``privacy_confirmed`` is ticked and
    "wie is het?" answered, and then recorded (``PrivacyConfirmation``) with the save."""

    privacy_fields: tuple[str, ...] = ()
    venue_fields: tuple[str, ...] = ()
    person_fields: tuple[str, ...] = ()
    link_fields: tuple[str, ...] = ()
    structured_fields: tuple[str, ...] = ()
    privacy_confirmed = BooleanField(CONFIRMATION)
    privacy_who = SelectField(
        "Wie of wat is het?", choices=choices(WHO_CHOICES), validate_choice=False
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        #: Field name -> (its label, the text with the findings marked).
        self.privacy_highlights: dict[str, tuple[str, Markup]] = {}
        self.needs_privacy_confirmation = False
        self.privacy_confirmations: list[tuple[str, str]] = []
        for field, reading in self._read_fields():
            valid &= self._privacy_check(field, reading)
        if self.needs_privacy_confirmation:
            valid = False
        if valid and self.privacy_confirmations:
            self._record_confirmations()
        return valid

    def _read_fields(self):
        declared = {name: Reading.FREE for name in self.privacy_fields}
        declared |= {name: Reading.VENUE for name in self.venue_fields}
        declared |= {name: Reading.PERSON for name in self.person_fields}
        declared |= {name: Reading.LINK for name in self.link_fields}
        for name, reading in declared.items():
            yield getattr(self, name), reading
        for field in self:  # repeated rows (FieldList of FormField) read by their own list
            for entry in field if isinstance(field, FieldList) else ():
                sub = getattr(entry, "form", None)
                if sub is None or isinstance(sub, PrivacyCheckedForm):
                    continue
                if not getattr(sub, "is_changed", True):
                    continue  # a row left as it was shown is not saved, so not read
                for name in getattr(sub, "privacy_fields", ()):
                    yield getattr(sub, name), Reading.FREE
                for name in getattr(sub, "link_fields", ()):
                    yield getattr(sub, name), Reading.LINK

    def _privacy_check(self, field, reading: Reading) -> bool:
        text = field.data or ""
        if field.errors or not text.strip():  # too long, say: its content is not read
            return True
        findings = check(text, reading=reading)
        if not findings:
            return True
        if reading is Reading.LINK:  # the findings' places are in the link as read
            text = link_as_text(text)
        hard = [f for f in findings if f.is_hard]
        if hard:
            field.errors = [*field.errors, hard_message(hard)]
            self.privacy_highlights[field.name] = (field.label.text, highlight(text, hard))
            return False
        if not self.privacy_confirmed.data or self.privacy_who.data not in WHO_LABELS:
            message = soft_message(findings)
            if self.privacy_confirmed.data:
                message += " Kies ook wie of wat het is."
            field.errors = [*field.errors, message]
            self.privacy_highlights[field.name] = (field.label.text, highlight(text, findings))
            self.needs_privacy_confirmation = True
            return False
        self.privacy_confirmations.append((field.label.text, text.strip()))
        return True

    def _record_confirmations(self) -> None:
        """Kept with the save that follows (the view commits; a refused save rolls it back)."""
        user = current_user if current_user and current_user.is_authenticated else None
        who = WHO_LABELS[self.privacy_who.data]
        for label, text in self.privacy_confirmations:
            db.session.add(
                PrivacyConfirmation(
                    confirmed_by_id=user.id if user else None,
                    field=label[:200],
                    text_digest=text_digest(text),
                    who=self.privacy_who.data,
                )
            )
            record("privacy.confirmed", user, label, f"Naam bevestigd: {who}")


def text_digest(text: str) -> str:
    """How a confirmation names its text without holding it."""
    return hashlib.sha256(text.strip().encode()).hexdigest()


def import_problems(
    where: str, text: str | None, *, max_length: int, reading: Reading = Reading.FREE
) -> list[str]:
    """Row errors for an imported text: longer than the field takes (then its content is not
    read), or any finding, hard or soft: each stops the import."""
    if len(text or "") > max_length:
        return [
            f"{where}: hoogstens {max_length} tekens; deze tekst heeft er {len(text)}. Kort hem in."
        ]
    findings = check(text, reading=reading)
    if not findings:
        return []
    return [f"{where}: bevat persoonsgegevens ({describe(findings)}); haal ze weg."]


#: Keys under which a report holds free text (update texts, notes, action texts, evaluations).
FREE_TEXT_KEYS = frozenset(
    {"text", "short_text", "latest_update_text", "note", "asks", "what", "reason", "evidence"}
    | {"delivered", "effect", "helped", "hindered", "advice_reason", "new_text"}
)


@lru_cache(maxsize=8192)
def mask_hard(text: str) -> str:
    """``text`` with its personal data masked when it holds a hard finding: then the names and
    ages in it go too (beside a BSN or an address, a name is the person the case is about).
    A text with only a name is left alone; the beheerder sees it at /beheer/privacy. Hard
    findings do not depend on the allowlist, so the result is cached per text: a report
    renders the same texts again and again."""
    findings = find_personal_data(text)
    if not any(f.is_hard for f in findings):
        return text
    return mask(text, findings, hard_only=False)


def mask_free_text(value) -> tuple[object, int]:
    """A copy of nested report data with hard findings masked in its free-text values, and
    how many different texts were masked: defence in depth before anything leaves."""
    masked_texts: set[str] = set()

    def walk(item, key=None):
        if isinstance(item, dict):
            return {k: walk(v, k) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v, key) for v in item]
        if key in FREE_TEXT_KEYS and isinstance(item, str):
            masked = mask_hard(item)
            if masked != item:
                masked_texts.add(item)
            return masked
        return item

    return walk(value), len(masked_texts)
