"""Finding personal data in Dutch free text. Pure: no Flask, no database.

Names and addresses come from ``deduce`` (UMC Utrecht's de-identifier for Dutch text: rules
and lookup lists shipped in the package, no network, no model). Numbers with a checksum are
confirmed by ``python-stdnum`` (BSN eleven-test, IBAN mod-97) and phone numbers by
``phonenumbers`` (Google's libphonenumber), so "123456789" or "2024-2025" are not findings.
A few patterns deduce does not cover (postcodes alone, "geboren op …") are regular
expressions here.

Deduce builds its lookup structures once per installation (one to two minutes, cached in
its package folder; ``flask --app tracker privacy warm`` does it at install time) and loads
them once per process (seconds): ``warm_up()`` starts that in the background at start-up.
"""

from __future__ import annotations

import gc
import re
import threading
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn


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

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def is_hard(self) -> bool:
        """Hard findings are refused; soft ones (a name, an age) need a confirmation."""
        return self not in (FindingKind.NAME, FindingKind.AGE)


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
}


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    start: int
    end: int
    text: str

    @property
    def is_hard(self) -> bool:
        return self.kind.is_hard


_POSTCODE = re.compile(r"\b[1-9][0-9]{3} ?(?!SA|SD|SS)[A-Z]{2}\b")
_BSN_CANDIDATE = re.compile(r"(?<![\d.])(\d{4}\.?\d{2}\.?\d{3}|\d{3}\.\d{3}\.\d{3})(?![\d.]\d)")
_IBAN_CANDIDATE = re.compile(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
#: Dutch mobile numbers, also in ranges libphonenumber does not (yet) know as assigned.
_MOBILE = re.compile(r"(?<![\d+])(?:\+31|0031|0)[\s-]?6(?:[\s-]?\d){8}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
_DATE = (
    rf"(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:19|20)?\d{{2}}|\d{{1,2}} (?:{_MONTHS}) (?:19|20)\d{{2}})"
)
_BIRTH_DATE = re.compile(
    rf"\b(?:geboren(?: op)?|geb\.?|geboortedatum:?|gebdat\.?:?)\s*({_DATE})", re.IGNORECASE
)
_STREET = re.compile(
    r"\b[A-Z][a-zé'-]+(?:straat|laan|weg|plein|singel|kade|gracht|dijk|steeg|dreef|pad|hof|"
    r"park|plantsoen|kwartier|markt|haven)\s+\d{1,4}(?:\s?[a-zA-Z]\b|-\d+)?"
)

_lock = threading.Lock()
_loading = threading.Lock()


@cache
def _load_deduce():
    """Deduce's name and address lists: four and a half million Python objects that live as
    long as the process. Built with the garbage collector paused (it walked the growing
    lists 17 times: 5.8 s instead of 1.7 s), then frozen out of it (``gc.freeze``): a full
    collection walked them all, 2.7 s with the GIL held, stalling every thread of a web
    worker or the scheduler whenever one came due (the scheduler benchmark, in a process
    that had loaded them, sent 402 reminders a second instead of 506). A collection in a
    gunicorn worker forked from a ``--preload`` master no longer touches them either, as
    Python's documentation advises before a fork. What the build left as garbage is
    collected once before freezing, so nothing that should go is kept for ever."""
    from deduce import Deduce

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        deduce = Deduce()
    finally:
        if was_enabled:
            gc.enable()
    gc.collect()
    gc.freeze()
    return deduce


def _deduce():
    """The de-identifier, built once per process (seconds, from deduce's own cache)."""
    with _loading:  # one build, however many threads ask at once
        return _load_deduce()


def load() -> None:
    """Load deduce now (before gunicorn forks its workers, with ``--preload``)."""
    _deduce()


def warm_up() -> threading.Thread:
    """Load deduce in a background thread, so the first check does not wait for it."""
    thread = threading.Thread(target=_deduce, name="privacy-warm-up", daemon=True)
    thread.start()
    return thread


def _deduce_findings(text: str) -> list[Finding]:
    with _lock:  # deduce's annotators are not documented as thread-safe
        annotations = list(_deduce().deidentify(text).annotations)
    findings = []
    for annotation in annotations:
        tag, span = annotation.tag, annotation.text
        start, end = annotation.start_char, annotation.end_char
        if tag in ("persoon", "patient") and re.search(r"[A-Z][a-z]", span):
            findings.append(Finding(FindingKind.NAME, start, end, span))
        elif tag == "locatie" and re.search(r"\d", span):
            findings.append(Finding(FindingKind.ADDRESS, start, end, span))
        elif tag == "leeftijd":
            findings.append(Finding(FindingKind.AGE, start, end, span))
        elif tag == "emailadres":
            findings.append(Finding(FindingKind.EMAIL, start, end, span))
    return findings


def _pattern_findings(text: str) -> list[Finding]:
    findings = []
    for match in _BSN_CANDIDATE.finditer(text):
        if stdnum_bsn.is_valid(match.group(1).replace(".", "")):
            findings.append(Finding(FindingKind.BSN, *match.span(1), match.group(1)))
    for match in _IBAN_CANDIDATE.finditer(text):
        if stdnum_iban.is_valid(match.group(0)):
            findings.append(Finding(FindingKind.IBAN, *match.span(), match.group(0)))
    for match in phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.VALID):
        findings.append(Finding(FindingKind.PHONE, match.start, match.end, match.raw_string))
    for kind, pattern, group in (
        (FindingKind.PHONE, _MOBILE, 0),
        (FindingKind.EMAIL, _EMAIL, 0),
        (FindingKind.POSTCODE, _POSTCODE, 0),
        (FindingKind.BIRTH_DATE, _BIRTH_DATE, 1),
        (FindingKind.ADDRESS, _STREET, 0),
    ):
        for match in pattern.finditer(text):
            findings.append(Finding(kind, *match.span(group), match.group(group)))
    return findings


def _tokens(text: str) -> list[str]:
    return re.findall(r"[A-Za-zÀ-ÿ]{2,}", text)


def _allowed(finding: Finding, allowlist: frozenset[str]) -> bool:
    """A soft finding made only of words the domain uses (parties, municipalities, the plan's
    own vocabulary) is no finding: "Gemeente Capelle", "Week tegen Mensenhandel"."""
    if finding.is_hard:
        return False
    if finding.kind is FindingKind.AGE:
        return False
    capitalised = [t for t in _tokens(finding.text) if t[0].isupper()]
    return all(t.lower() in allowlist for t in capitalised)


def _merge(findings: list[Finding]) -> list[Finding]:
    """Overlapping findings become one: hard before soft, then the longer span."""
    ordered = sorted(findings, key=lambda f: (not f.is_hard, -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for finding in ordered:
        if all(finding.end <= k.start or finding.start >= k.end for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def find_personal_data(text: str, allowlist: frozenset[str] = frozenset()) -> list[Finding]:
    """Every stretch of ``text`` that looks like personal data, in text order."""
    if not text or not text.strip():
        return []
    findings = _pattern_findings(text) + _deduce_findings(text)
    return _merge([f for f in findings if not _allowed(f, allowlist)])


def mask(text: str, findings: list[Finding], *, hard_only: bool = True) -> str:
    """``text`` with each (hard) finding replaced by a marker naming its kind."""
    for finding in sorted(findings, key=lambda f: f.start, reverse=True):
        if hard_only and not finding.is_hard:
            continue
        marker = f"[{finding.kind.label} afgeschermd]"
        text = text[: finding.start] + marker + text[finding.end :]
    return text


def segments(text: str, findings: list[Finding]) -> list[tuple[str, Finding | None]]:
    """``text`` cut into plain stretches and findings, for highlighting."""
    parts, position = [], 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start > position:
            parts.append((text[position : finding.start], None))
        parts.append((text[finding.start : finding.end], finding))
        position = finding.end
    if position < len(text):
        parts.append((text[position:], None))
    return parts
