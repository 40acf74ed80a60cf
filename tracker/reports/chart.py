"""The summary chart as inline SVG, drawn on the server so it prints and lands in the PDF."""

from __future__ import annotations

from markupsafe import Markup, escape

from tracker.plan.models import STATUS_LABELS, Status

#: Fill colours per status, with enough contrast for the white labels on them.
COLOURS = {
    Status.NOT_STARTED.value: "#6b6b6b",
    Status.IN_PROGRESS.value: "#154273",
    Status.DONE.value: "#2f6b2f",
    Status.DROPPED.value: "#a0a0a0",
}
WIDTH, LABEL, ROW, BAR = 700, 300, 30, 20


def status_chart(themes: list[dict]) -> Markup:
    """One stacked bar per theme: how many actions have each status."""
    height = ROW * len(themes) + 40
    longest = max((t["total"] for t in themes), default=1) or 1
    scale = (WIDTH - LABEL - 10) / longest
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="grafiek-titel">',
        '<title id="grafiek-titel">Aantal acties per thema, naar status</title>',
    ]
    for index, theme in enumerate(themes):
        y = index * ROW + 5
        label = escape(f"{theme['number']}. {theme['title']}"[:46])
        parts.append(f'<text x="0" y="{y + 15}" font-size="12" fill="#1b1b1b">{label}</text>')
        x = LABEL
        for status in Status:
            count = theme["by_status"][status.value]
            if not count:
                continue
            width = count * scale
            colour, label = COLOURS[status.value], STATUS_LABELS[status]
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" '
                f'fill="{colour}"><title>{label}: {count}</title></rect>'
            )
            if width > 14:
                parts.append(
                    f'<text x="{x + width / 2:.1f}" y="{y + 14}" font-size="11" fill="#fff" '
                    f'text-anchor="middle">{count}</text>'
                )
            x += width
    legend_y = ROW * len(themes) + 25
    x = LABEL
    for status in Status:
        colour, label = COLOURS[status.value], STATUS_LABELS[status]
        parts.append(
            f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{legend_y}" font-size="11" fill="#1b1b1b">{label}</text>'
        )
        x += 95
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - labels are escaped above
