"""Plain-text helpers every package may use (it imports nothing of the tracker)."""


def short(text: str, limit: int = 160) -> str:
    """One line of a list: the text's whitespace folded, cut at a word with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
