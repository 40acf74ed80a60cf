"""Names, ages and street addresses by ``deduce`` (UMC Utrecht's de-identifier for Dutch text:
rules and lookup lists shipped in the package, no network, no model), read so that its cost
stays linear in the text: short pieces, no long runs of name-like words, a time budget.

Deduce builds its lookup structures once per installation (one to two minutes, cached in its
package folder; ``flask --app tracker privacy warm`` does it at install time) and loads them
once per process (seconds): ``load()`` before gunicorn forks, ``warm_up()`` in the
background otherwise.
"""

from __future__ import annotations

import gc
import re
import threading
import time
from functools import cache

from tracker.privacy.findings import Finding, FindingKind

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
#: CPU seconds deduce may spend on one text (this thread's, garbage collections left out:
#: waiting for the lock or for the processor while other requests run does not count, or a
#: busy server would leave texts unread). What it has not read by then is a finding to look
#: at (``FindingKind.UNCHECKED``), never taken as clean.
DEDUCE_BUDGET = 0.04

#: Deduce's annotators whose findings the guard does not take from it (dates, ages and numbers
#: are ``identifiers``' and ``context``'s): about a sixth less time, the same names.
NOT_NEEDED = frozenset({"institutions", "dates", "ages", "identifiers", "phone_numbers", "urls"})

_lock = threading.Lock()
_loading = threading.Lock()
_collections = threading.local()


def _time_collections(phase: str, _info: dict) -> None:
    """The garbage collector's CPU time in this thread (it runs in whichever thread happened
    to allocate): a full collection of a worker's heap can take longer than the budget, and
    is not the text's time."""
    if phase == "start":
        _collections.started = time.thread_time()
    elif hasattr(_collections, "started"):
        spent = time.thread_time() - _collections.started
        _collections.spent = getattr(_collections, "spent", 0.0) + spent


gc.callbacks.append(_time_collections)


def _reading_time() -> float:
    """This thread's CPU time without its garbage collections."""
    return time.thread_time() - getattr(_collections, "spent", 0.0)


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


def find_names(text: str) -> list[Finding]:
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
    deadline = _reading_time() + DEDUCE_BUDGET
    for offset, piece in _pieces(shown):
        if _reading_time() > deadline:
            findings.append(Finding(FindingKind.UNCHECKED, offset, len(text), text[offset:]))
            break
        with _lock:  # deduce's annotators are not documented as thread-safe
            annotations = list(_deduce().deidentify(piece, disabled=NOT_NEEDED).annotations)
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
    # Ages come from ``context`` (deduce also takes "15 tot 18 jaar" of a group for one).
    return FindingKind.EMAIL if tag == "emailadres" else None
