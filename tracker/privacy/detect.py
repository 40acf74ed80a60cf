"""Finding personal data in Dutch free text. Pure: no Flask, no database.

Names and addresses come from ``deduce`` (UMC Utrecht's de-identifier for Dutch text: rules
and lookup lists shipped in the package, no network, no model). Numbers with a checksum are
confirmed by ``python-stdnum`` (BSN eleven-test, IBAN mod-97) and phone numbers by
``phonenumbers`` (Google's libphonenumber), so "123456789" or "2024-2025" are not findings.
A few patterns deduce does not cover (postcodes alone, "geboren op …") are regular
expressions here.

Every check is linear in the text's length, whatever the text holds (anyone logged in can
send one): the patterns start only at a word's start and have bounded repeats, and deduce
reads the text in short pieces within a time budget (``_deduce_findings``).

Deduce builds its lookup structures once per installation (one to two minutes, cached in
its package folder; ``flask --app tracker privacy warm`` does it at install time) and loads
them once per process (seconds): ``warm_up()`` starts that in the background at start-up.
"""

from __future__ import annotations

import bisect
import gc
import re
import threading
import time
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
    UNCHECKED = "niet_gecontroleerd"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def is_hard(self) -> bool:
        """Hard findings are refused; soft ones (a name, an age) need a confirmation."""
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
    FindingKind.UNCHECKED: "niet te controleren tekst",
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
#: Phone numbers as people write them: national (0 and nine digits) or international (+ or
#: 00 and a country code), with spaces, dashes, dots or brackets between the digits;
#: each candidate is checked by libphonenumber (bounded work per candidate, unlike its
#: matcher, which tried every digit run again: 9,000 characters of "06 " took 0.2 s).
_PHONE_CANDIDATE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)[1-9]\d{0,2}[\s.-]{0,2}(?:\(0\)[\s.-]{0,2})?|\(?0)"
    r"(?:[\s().-]{0,3}\d){7,12}(?!\d)"
)
_MOBILE = re.compile(r"(?<![\d+])(?:\+31|0031|0)[\s-]?6(?:[\s-]?\d){8}(?!\d)")
#: Starts only where a run of address characters starts (the look-behind), with bounded
#: repeats: an unbounded ``[\w.+-]+@`` retried the whole run from every position in it
#: (quadratic: 200,000 letters took longer than a worker may).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
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

#: Words that may stand in a name (capitalised, an initial, a tussenvoegsel) and the longest
#: run of them deduce is shown: its context rules grow a name by one word per pass over every
#: name found, so a run of n such words costs about n³ ("Jan " x 500 took 16 s, x 1,250 ended
#: in a RecursionError). A longer run is a name finding itself, to be looked at.
_WORD = re.compile(r"\w+")
_NAME_PARTICLES = frozenset(
    {"de", "den", "der", "van", "von", "het", "ter", "ten", "te", "t", "d", "la", "le", "du"}
    | {"da", "del", "in", "op", "aan", "bij"}
)
MAX_NAME_RUN = 8
#: Deduce reads pieces of at most this many characters, cut after a sentence or at a space.
CHUNK_CHARS = 400
#: Seconds deduce may spend on one text. What it has not read by then is a finding to look at
#: (``FindingKind.UNCHECKED``), never taken as clean.
DEDUCE_BUDGET = 0.04

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


def _name_like(word: str) -> bool:
    return (word[0].isupper() and (len(word) == 1 or word[1:2].islower())) or (
        word.lower() in _NAME_PARTICLES
    )


def _long_name_runs(text: str) -> list[tuple[int, int]]:
    """Spans of more than ``MAX_NAME_RUN`` name-like words in a row (one pass)."""
    runs, start, end, count = [], 0, 0, 0
    for match in _WORD.finditer(text):
        if _name_like(match.group()) and count and "\n" not in text[end : match.start()]:
            end, count = match.end(), count + 1
            continue
        if count > MAX_NAME_RUN:
            runs.append((start, end))
        if _name_like(match.group()):
            start, end, count = match.start(), match.end(), 1
        else:
            count = 0
    if count > MAX_NAME_RUN:
        runs.append((start, end))
    return runs


def _pieces(text: str):
    """``text`` in pieces of at most ``CHUNK_CHARS``, each with its offset, cut after a
    sentence or a line where one ends in range, else at a space."""
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK_CHARS)
        if end < len(text):
            cut = max(text.rfind(". ", start, end), text.rfind("\n", start, end))
            if cut <= start:
                cut = text.rfind(" ", start, end)
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end


def _deduce_findings(text: str) -> list[Finding]:
    """Deduce's names, addresses, ages and e-mail addresses, read piece by piece within
    ``DEDUCE_BUDGET``; a long run of name-like words is a finding without deduce."""
    runs = _long_name_runs(text)
    findings = [Finding(FindingKind.NAME, start, end, text[start:end]) for start, end in runs]
    shown = text
    for start, end in runs:  # the same length, so every offset still holds
        shown = (
            shown[:start]
            + _WORD.sub(lambda m: "x" * len(m.group()), shown[start:end])
            + (shown[end:])
        )
    deadline = time.monotonic() + DEDUCE_BUDGET
    for offset, piece in _pieces(shown):
        if time.monotonic() > deadline:
            findings.append(Finding(FindingKind.UNCHECKED, offset, len(text), text[offset:]))
            break
        with _lock:  # deduce's annotators are not documented as thread-safe
            annotations = list(_deduce().deidentify(piece).annotations)
        for annotation in annotations:
            kind = _deduce_kind(annotation.tag, annotation.text)
            if kind is not None:
                start, end = offset + annotation.start_char, offset + annotation.end_char
                findings.append(Finding(kind, start, end, text[start:end]))
    return findings


def _deduce_kind(tag: str, span: str) -> FindingKind | None:
    if tag in ("persoon", "patient") and re.search(r"[A-Z][a-z]", span):
        return FindingKind.NAME
    if tag == "locatie" and re.search(r"\d", span):
        return FindingKind.ADDRESS
    return {"leeftijd": FindingKind.AGE, "emailadres": FindingKind.EMAIL}.get(tag)


def _pattern_findings(text: str) -> list[Finding]:
    findings = []
    for match in _BSN_CANDIDATE.finditer(text):
        if stdnum_bsn.is_valid(match.group(1).replace(".", "")):
            findings.append(Finding(FindingKind.BSN, *match.span(1), match.group(1)))
    for match in _IBAN_CANDIDATE.finditer(text):
        if stdnum_iban.is_valid(match.group(0)):
            findings.append(Finding(FindingKind.IBAN, *match.span(), match.group(0)))
    for match in _PHONE_CANDIDATE.finditer(text):
        if span := _valid_phone(match):
            findings.append(Finding(FindingKind.PHONE, *span, text[slice(*span)]))
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


def _is_phone_number(candidate: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(candidate, "NL"))
    except phonenumbers.NumberParseException:
        return False


def _valid_phone(match: re.Match) -> tuple[int, int] | None:
    """The span of the phone number in a candidate: all of it, or (a national number run
    together with other digits) its first ten digits."""
    if _is_phone_number(match.group()):
        return match.span()
    digits = [m.end() for m in re.finditer(r"\d", match.group())]
    national = match.group().lstrip("(").startswith("0") and len(digits) > 10
    if national and _is_phone_number(match.group()[: digits[9]]):
        return match.start(), match.start() + digits[9]
    return None


def _tokens(text: str) -> list[str]:
    return re.findall(r"[A-Za-zÀ-ÿ]{2,}", text)


def _allowed(finding: Finding, allowlist: frozenset[str]) -> bool:
    """A soft finding made only of words the domain uses (parties, municipalities, the plan's
    own vocabulary) is no finding: "Gemeente Capelle", "Week tegen Mensenhandel"."""
    if finding.is_hard:
        return False
    if finding.kind in (FindingKind.AGE, FindingKind.UNCHECKED):
        return False
    capitalised = [t for t in _tokens(finding.text) if t[0].isupper()]
    return all(t.lower() in allowlist for t in capitalised)


def _merge(findings: list[Finding]) -> list[Finding]:
    """Overlapping findings become one: hard before soft, then the longer span. The kept
    spans never overlap, so each new one is checked against its neighbours only (bisect)."""
    ordered = sorted(findings, key=lambda f: (not f.is_hard, -(f.end - f.start), f.start))
    starts: list[int] = []
    kept: list[Finding] = []
    for finding in ordered:
        at = bisect.bisect_left(starts, finding.start)
        if at > 0 and kept[at - 1].end > finding.start:
            continue
        if at < len(kept) and kept[at].start < finding.end:
            continue
        starts.insert(at, finding.start)
        kept.insert(at, finding)
    return kept


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
