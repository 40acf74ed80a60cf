"""Identifiers in the forms people write them: with spaces, dashes or dots, in lower case,
obfuscated ("[at]", "(dot)"), with or without a label ("bsn", "geb.", "woont"). A number with
a check of its own is confirmed by it (BSN eleven-test and IBAN mod 97 by ``python-stdnum``,
phone numbers by ``phonenumbers``), so dates, amounts, action codes and organisations'
numbers are not flagged. Every pattern starts only at a word's start and has bounded repeats:
linear in the text, whatever it holds."""

from __future__ import annotations

import re

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

from tracker.privacy.findings import Finding, FindingKind

#: Nine digits as 123456782, 123 456 782, 123-456-782, 123.456.782 or 1234.56.782.
_BSN = re.compile(
    r"(?<![\w.,-])(\d{3}([ .-]?)\d{3}\2\d{3}|\d{4}([ .-]?)\d{2}\3\d{3})(?![\w]|[.,-]\d)"
)
#: A country code, two check digits and groups of four, in any case, with or without
#: separators: NL91ABNA0417164300, nl91 abna 0417 1643 00, NL91-ABNA-0417-1643-00.
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ .-]?[A-Za-z0-9]{4}){2,7}(?:[ .-]?[A-Za-z0-9]{1,3})?"
    r"(?![A-Za-z0-9])"
)
#: Phone numbers: national (0 and nine digits) or international (+ or 00 and a country code),
#: with spaces, dashes, dots or brackets between the digits; each candidate checked by
#: libphonenumber (its own matcher tried every digit run again: 9,000 characters of "06 "
#: took 0.2 s).
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)[1-9]\d{0,2}[\s.-]{0,2}(?:\(0\)[\s.-]{0,2})?|\(?0)"
    r"(?:[\s().-]{0,3}\d){7,12}(?!\d)"
)
#: Dutch mobile numbers, also in ranges libphonenumber does not (yet) know as assigned.
_MOBILE = re.compile(r"(?<![\d+])(?:\+31|0031|0)[\s-]?6(?:[\s-]?\d){8}(?!\d)")
#: Numbers of organisations, never of a person: free and paid service numbers (0800, 090x,
#: "Meld Misdaad Anoniem 0800-7000", "politie 0900-8844"), company numbers (088) and the
#: municipalities' 14 0xx.
_ORGANISATION_NUMBER = re.compile(r"^(?:\+31|0031|0)?(?:800|90[069]|88)|^140\d{2,3}$")
_AT = r"(?:@|\[at\]|\(at\)|\{at\}|\[@\]|\(@\))"
_DOT = r"(?:\.|\[dot\]|\(dot\)|\{dot\}|\[punt\]|\(punt\))"
#: Starts where a run of address characters starts (the look-behind), with bounded repeats
#: (an unbounded ``[\w.+-]+@`` retried the run from every position in it: quadratic).
_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w.+-]{{1,64}}\s?{_AT}\s?[\w-]{{1,63}}(?:\s?{_DOT}\s?[\w-]{{1,63}}){{1,8}}",
    re.IGNORECASE,
)
_POSTCODE = re.compile(r"\b[1-9][0-9]{3} ?(?!SA|SD|SS)[A-Z]{2}\b")
_MONTHS = (
    r"januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    r"jan|feb|mrt|mar|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec"
)
_YEAR = r"(?:(?:19|20)\d{2}|'\d{2}|\d{2})"
_DATE = (
    rf"(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.]{_YEAR}|(?:19|20)\d{{2}}-\d{{1,2}}-\d{{1,2}}|"
    rf"\d{{1,2}}\s(?:{_MONTHS})\.?\s{_YEAR})"
)
_BIRTH_DATE = re.compile(
    rf"\b(?:geboren(?:\s+op)?|geb\.?|geboortedatum|geb\.?\s?datum|gebdat\.?|d\.?o\.?b\.?)"
    rf"\s{{0,3}}:?\s{{0,3}}({_DATE})(?!\d)",
    re.IGNORECASE,
)
_STREET_ENDINGS = (
    "straat|laan|weg|plein|singel|kade|gracht|dijk|steeg|dreef|pad|hof|park|plantsoen|"
    "kwartier|markt|haven|baan|wal|erf|veld|hoek|boulevard"
)
#: A street with a house number: "Hoogstraat 12", "hoogstraat 12a", "Havenweg 3-5".
_STREET = re.compile(
    rf"\b[A-Za-zÀ-ÿ'-]{{2,40}}(?:{_STREET_ENDINGS})\s{{1,3}}\d{{1,4}}(?:\s?[a-zA-Z]\b|-\d{{1,4}})?",
    re.IGNORECASE,
)
#: "woont Lijnbaan 5", "woonachtig aan de Dorpsdijk 12", "adres: Kerkpad 3" (an "adres"
#: needs its colon: "het adres is bij 3 partners bekend" is no address).
_LABELLED_ADDRESS = re.compile(
    r"\b(?:(?:woont|wonend|woonachtig|verblijft)\s{0,3}:?|(?:woon|verblijf)?adres\s{0,3}:)"
    r"\s{0,3}(?:(?:aan|op|in|te)\s{1,3})?(?:(?:de|het|den)\s{1,3})?"
    r"((?!(?:in|bij|met|sinds|al|nog|niet|samen|er|daar|hier|nu|ook|zelf|alleen|sinds)\b)"
    r"[A-Za-zÀ-ÿ'.-]{2,40}(?:\s[A-Za-zÀ-ÿ'.-]{2,20})?\s{1,3}\d{1,4}[a-zA-Z]?)\b",
    re.IGNORECASE,
)


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def _is_phone_number(candidate: str) -> bool:
    if _ORGANISATION_NUMBER.match(_digits_with_plus(candidate)):
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(candidate, "NL"))
    except phonenumbers.NumberParseException:
        return False


def _digits_with_plus(text: str) -> str:
    return ("+" if text.lstrip("( ").startswith("+") else "") + _digits(text)


def _phone_span(match: re.Match) -> tuple[int, int] | None:
    """The span of the phone number in a candidate: all of it, or (a national number run
    together with other digits) its first ten digits."""
    if _is_phone_number(match.group()):
        return match.span()
    ends = [m.end() for m in re.finditer(r"\d", match.group())]
    national = match.group().lstrip("(").startswith("0") and len(ends) > 10
    if national and _is_phone_number(match.group()[: ends[9]]):
        return match.start(), match.start() + ends[9]
    return None


def _is_iban(candidate: str) -> bool:
    compact = re.sub(r"[ .-]", "", candidate).upper()
    return stdnum_iban.is_valid(compact)


def _is_amount(text: str, start: int) -> bool:
    """A number right after a euro sign or "EUR" is money."""
    before = text[max(0, start - 5) : start].lower()
    return "€" in before or "eur" in before


def find_identifiers(text: str) -> list[Finding]:
    """Every hard identifier in ``text`` (BSN, IBAN, phone, e-mail, postcode, date of birth,
    address), possibly overlapping; the caller merges."""
    findings = []
    for match in _BSN.finditer(text):
        if stdnum_bsn.is_valid(_digits(match.group(1))) and not _is_amount(text, match.start()):
            findings.append(Finding(FindingKind.BSN, *match.span(1), match.group(1)))
    for match in _IBAN.finditer(text):
        if _is_iban(match.group()):
            findings.append(Finding(FindingKind.IBAN, *match.span(), match.group()))
    for match in _PHONE.finditer(text):
        if span := _phone_span(match):
            findings.append(Finding(FindingKind.PHONE, *span, text[span[0] : span[1]]))
    for kind, pattern, group in (
        (FindingKind.PHONE, _MOBILE, 0),
        (FindingKind.EMAIL, _EMAIL, 0),
        (FindingKind.POSTCODE, _POSTCODE, 0),
        (FindingKind.BIRTH_DATE, _BIRTH_DATE, 1),
        (FindingKind.ADDRESS, _STREET, 0),
        (FindingKind.ADDRESS, _LABELLED_ADDRESS, 1),
    ):
        for match in pattern.finditer(text):
            findings.append(Finding(kind, *match.span(group), match.group(group)))
    return findings
