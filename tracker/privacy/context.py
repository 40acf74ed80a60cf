"""What the words around a finding make of it. A name beside a victim or case word is the
person a case is about: hard, not confirmable. An age or birth year beside a place, a
residence status or a form of exploitation points to one person in a small place, without
any name ("meisje van 15 uit Maassluis, B8-status"): hard too. Both are judged per sentence,
in one pass over the text."""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from tracker.privacy.findings import Finding, FindingKind

#: Words that say one person is a victim, a suspect or part of a case (singular: "over
#: slachtoffers" in a training is about victims in general, "slachtoffer X" is about X).
_CASE_WORDS = re.compile(
    r"\b(?:slachtoffer|cli[eë]nte?|melder|minderjarige|verdachte|dader|aangifte\s+door|"
    r"deed\s+aangifte|opgevangen|uitgebuit|uitgebuite|b-?8|verblijfsstatus|"
    r"verblijfsvergunning|loverboy|pooier|mensenhandelaar|uitbuiter|ronselaar|asielzoeker|"
    r"ongedocumenteerde|betrokkene)\b",
    re.IGNORECASE,
)
#: How many words apart a name and a case word may stand and still be about one person.
CASE_WORD_DISTANCE = 6
#: A person's age or birth year: "meisje van 15", "15-jarige", "(16 jaar)", "geboren in 2008".
_AGE = re.compile(
    r"\b(?:meisje|jongen|vrouw|man|minderjarige|kind|tiener|jongere|slachtoffer|cli[eë]nte?|"
    r"dame|heer|moeder|vader|zus|broer|dochter|zoon)\s{1,3}(?:van\s{1,3}|is\s{1,3}|,\s{0,3})?"
    r"(\d{1,2})(?:\s{0,3}jaar)?\b(?!\s{0,3}(?:tot|t/m|-|–|en|à)\s{0,3}\d)"
    r"|\b\d{1,2}-?jarige\b|\(\s{0,3}\d{1,2}\s{0,3}(?:jaar|jr\.?)\s{0,3}\)"
    r"|\b\d{1,2}\s{0,3}jaar\s{1,3}oud\b|\bgeboren\s{1,3}in\s{1,3}(?:19|20)\d{2}\b"
    r"|\bgeboortejaar\s{0,3}:?\s{0,3}(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
_STATUS_OR_EXPLOITATION = re.compile(
    r"\b(?:b-?8|verblijfsstatus|verblijfsvergunning|asielzoekers?|statushouders?|"
    r"ongedocumenteerde?|vreemdelingen?|amv|alleenstaande\s+minderjarige|"
    r"loverboys?|pooiers?|seksuele\s+uitbuiting|arbeidsuitbuiting|criminele\s+uitbuiting|"
    r"gedwongen\s+prostitutie|uitgebuit|uitgebuite|tewerkgesteld|mensenhandelaars?)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?;]\s|\n")
_WORD = re.compile(r"\w+")

NEAR_CASE = "bij een slachtoffer- of zaakwoord"
WITH_AGE = "met een leeftijd"
CANDIDATE = "kandidaat"  # internal: an unknown-name candidate (see ``unknown_names``)


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start() + 1))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


#: Capitalised words in a row (with tussenvoegsels): a name deduce's lists may not know
#: ("Olena Kovalenko"). Taken for one only beside a case word.
_CAPITALISED_RUN = re.compile(
    r"\b[A-ZÀ-Þ][a-zß-ÿ'’-]+(?:\s(?:(?:van|de|der|den|el|al|ben|bin|da|dos|di|le|la)\s){0,3}"
    r"[A-ZÀ-Þ][a-zß-ÿ'’-]+){1,3}\b"
)


def unknown_names(text: str, known: frozenset[str]) -> list[Finding]:
    """Runs of capitalised words not all known to the domain, as name candidates for
    ``apply_context`` (which keeps only those beside a case word)."""
    return [
        Finding(FindingKind.NAME, *m.span(), m.group(), hard_because=CANDIDATE)
        for m in _CAPITALISED_RUN.finditer(text)
        if not all(word.lower() in known for word in _WORD.findall(m.group()))
    ]


def apply_context(
    text: str, findings: list[Finding], places: re.Pattern | None, candidates=()
) -> list[Finding]:
    """``findings`` and the ages in ``text``, judged per sentence: a name beside a case word
    or in a sentence with an age is hard; an age beside a place, a residence status or a
    form of exploitation makes the sentence a hard finding; an age alone is soft. A
    ``candidate`` name counts only beside a case word. Each name looks only at the case
    words within reach (bisect): linear in the text."""
    word_starts = [m.start() for m in _WORD.finditer(text)]
    sentences = _sentences(text)
    sentence_starts = [start for start, _ in sentences]

    def word_at(position: int) -> int:
        return max(0, bisect.bisect_right(word_starts, position) - 1)

    def sentence_at(position: int) -> int:
        return max(0, bisect.bisect_right(sentence_starts, position) - 1)

    case_words = [word_at(m.start()) for m in _CASE_WORDS.finditer(text)]
    ages = [Finding(FindingKind.AGE, *m.span(), m.group()) for m in _AGE.finditer(text)]
    aged_sentences = {sentence_at(age.start) for age in ages}
    result = []
    for finding in [*findings, *candidates]:
        candidate = finding.hard_because == CANDIDATE
        if candidate:
            finding = replace(finding, hard_because="")
        if finding.kind is FindingKind.NAME and not finding.hard_because:
            first, last = word_at(finding.start), word_at(max(finding.start, finding.end - 1))
            sentence = sentence_at(finding.start)
            at = bisect.bisect_left(case_words, first - CASE_WORD_DISTANCE)
            while at < len(case_words) and case_words[at] <= last + CASE_WORD_DISTANCE:
                if sentence_at(word_starts[case_words[at]]) == sentence:
                    finding = replace(finding, hard_because=NEAR_CASE)
                    break
                at += 1
            if not finding.hard_because and sentence in aged_sentences:
                finding = replace(finding, hard_because=WITH_AGE)
            if candidate and not finding.hard_because:
                continue
        result.append(finding)
    return result + ages + _identifying(text, sentences, aged_sentences, places)


def _identifying(text: str, sentences, aged: set[int], places: re.Pattern | None) -> list[Finding]:
    found = []
    for index in sorted(aged):
        start, end = sentences[index]
        sentence = text[start:end]
        if _STATUS_OR_EXPLOITATION.search(sentence) or (places and places.search(sentence)):
            stripped = sentence.strip()
            at = start + sentence.index(stripped)
            found.append(Finding(FindingKind.IDENTIFYING, at, at + len(stripped), stripped))
    return found
