"""Finding personal data in Dutch free text. Pure: no Flask, no database.

Three passes, each linear in the text's length whatever it holds (anyone logged in can send
one): identifiers in their written forms (``identifiers``), names, ages and addresses by
deduce (``names``), then what the words around them make of them (``context``): a name
beside a victim or case word, or an age beside a place or a residence status, is hard.
Words the domain knows (parties, municipalities, places, users, project loanwords) are no
names.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from importlib.resources import files

from tracker.privacy.context import apply_context, unknown_names
from tracker.privacy.findings import Finding, FindingKind
from tracker.privacy.identifiers import find_identifiers
from tracker.privacy.names import find_names

__all__ = ["Finding", "FindingKind", "find_personal_data", "mask", "segments"]


@lru_cache(maxsize=1)
def region_places() -> tuple[str, ...]:
    """Towns, villages and districts of the region (``data/places.txt``)."""
    lines = files("tracker.privacy").joinpath("data/places.txt").read_text(encoding="utf-8")
    return tuple(
        line.strip() for line in lines.splitlines() if line.strip() and not line.startswith("#")
    )


@lru_cache(maxsize=16)
def places_pattern(places: frozenset[str]) -> re.Pattern:
    """One pattern for every place name (the longest first, so "Capelle aan den IJssel" is
    found whole); built once per set of places."""
    names = sorted(places | set(region_places()), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(name) for name in names) + r")\b")


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


def find_personal_data(
    text: str, allowlist: frozenset[str] = frozenset(), places: frozenset[str] = frozenset()
) -> list[Finding]:
    """Every stretch of ``text`` that looks like personal data, in text order. Words in
    ``allowlist`` (lower case) and the region's places are never names; ``places`` (the
    municipalities) join the region's own for the age-and-place rule."""
    if not text or not text.strip():
        return []
    known, not_names = _known_words(allowlist)
    place_names = places_pattern(places)
    names = [
        f
        for f in find_names(text)
        if not _allowed(f, known) and not _place_and_year(f, place_names)
    ]
    findings = apply_context(
        text, find_identifiers(text) + names, place_names, unknown_names(text, not_names)
    )
    return _merge(findings)


#: A year at the end of a finding, after words without digits.
_WORDS_THEN_YEAR = re.compile(r"^\D+\s(?:19|20)\d\d$")


def _place_and_year(finding: Finding, place_names: re.Pattern) -> bool:
    """Deduce reads a place's name followed by a year as a street and house number
    ("Rotterdam 2027" in a plan's title, "het lokaal actieplan Schiedam 2025-2028", "ZVH
    Rotterdam Rijnmond 2025"): words naming a town and a year are no address. A street named
    after a town ("Rotterdamseweg 12", "Schiedamseweg 2021") still is."""
    return (
        finding.kind is FindingKind.ADDRESS
        and _WORDS_THEN_YEAR.match(finding.text) is not None
        and place_names.search(finding.text) is not None
    )


@lru_cache(maxsize=16)
def _known_words(allowlist: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The words that are no name (the allowlist and the region's places), and those plus the
    words that open a sentence about a case: joined once per allowlist, not per text (a bulk
    save checks dozens)."""
    known = allowlist | _place_words()
    return known, known | _CASE_AND_STATUS_WORDS


#: Capitalised at a sentence's start, these open many a sentence and are nobody's name.
_CASE_AND_STATUS_WORDS = frozenset(
    {"slachtoffer", "cliënt", "client", "melder", "minderjarige", "verdachte", "dader"}
    | {"betrokkene", "aangifte", "loverboy", "de", "het", "een", "deze", "die", "dit", "zij"}
    | {"hij", "haar", "zijn", "na", "bij", "op", "in", "via", "volgens", "sinds", "ook"}
)


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    return frozenset(word.lower() for place in region_places() for word in _tokens(place))


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
