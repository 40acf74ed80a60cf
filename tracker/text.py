"""Plain-text helpers every package may use (it imports nothing of the tracker)."""


def short(text: str, limit: int = 160) -> str:
    """One line of a list: the text's whitespace folded, cut at a word with "…" (a comma or
    full stop before the cut goes: "(2023)…", not "(2023).…")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " ":  # the cut is inside a word: it goes
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" .,;:") + "…"


def as_written(text: str | None) -> str:
    """A typed text as stored: line breaks as ``\\n`` (a browser sends a textarea's as CR LF)
    and no whitespace around it, so a text sent back unchanged compares equal."""
    return (text or "").replace("\r\n", "\n").strip()


def counted(number: int, singular: str, plural: str) -> str:
    """'1 vergadering', '3 vergaderingen': a count with its noun in the right number."""
    return f"{number} {singular if number == 1 else plural}"


def lead(label: str) -> str:
    """A label before what it says: "Naam: …", but "Wat hielp? …" (a question takes no
    colon)."""
    return f"{label} " if label.endswith(("?", ":")) else f"{label}: "
