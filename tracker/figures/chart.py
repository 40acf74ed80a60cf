"""A small trend line per indicator as inline SVG: drawn on the server (it prints and lands in
the PDF), in black and grey with every value written next to its point, so it reads without
colour; its text alternative says every year and value."""

from __future__ import annotations

from markupsafe import Markup, escape

from tracker.figures.services import Point

WIDTH, HEIGHT, PAD_X, PAD_TOP, PAD_BOTTOM = 180, 64, 18, 16, 16


def trend_svg(points: list[Point], name: str) -> Markup:
    if not points:
        return Markup("")
    label = f"Trend van {name}: " + ", ".join(f"{p.year}: {p.value}" for p in points)
    low, high = min(p.year for p in points), max(p.year for p in points)
    top = max(p.value for p in points) or 1
    span_x = (WIDTH - 2 * PAD_X) / max(high - low, 1)
    span_y = HEIGHT - PAD_TOP - PAD_BOTTOM

    def xy(point: Point) -> tuple[float, float]:
        x = PAD_X + (point.year - low) * span_x if high > low else WIDTH / 2
        return round(x, 1), round(PAD_TOP + span_y * (1 - point.value / top), 1)

    coords = [xy(p) for p in points]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<line x1="{PAD_X}" y1="{HEIGHT - PAD_BOTTOM}" x2="{WIDTH - PAD_X}" '
        f'y2="{HEIGHT - PAD_BOTTOM}" stroke="#999" stroke-width="1"/>',
    ]
    # A break in the line where years are missing or not comparable.
    segment: list[tuple[float, float]] = []
    for index, (point, at) in enumerate(zip(points, coords, strict=True)):
        joined = index > 0 and point.comparable and point.year == points[index - 1].year + 1
        if not joined and len(segment) > 1:
            parts.append(_polyline(segment))
        segment = [*segment, at] if joined else [at]
    if len(segment) > 1:
        parts.append(_polyline(segment))
    for point, (x, y) in zip(points, coords, strict=True):
        parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="#1b1b1b"/>')
        parts.append(
            f'<text x="{x}" y="{y - 5}" font-size="10" text-anchor="middle" '
            f'fill="#1b1b1b">{point.value}</text>'
        )
        parts.append(
            f'<text x="{x}" y="{HEIGHT - 3}" font-size="9" text-anchor="middle" '
            f'fill="#555">{point.year}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - numbers and escaped text only


def _polyline(coords) -> str:
    path = " ".join(f"{x},{y}" for x, y in coords)
    return f'<polyline points="{path}" fill="none" stroke="#1b1b1b" stroke-width="1.5"/>'


def trend_from_data(values: list[dict], name: str) -> Markup:
    """The trend of an indicator as stored in a report (plain data, see ``as_data``)."""
    points = [
        Point(
            year=v["year"],
            value=v["value"],
            monitor=v.get("monitor", ""),
            section=v.get("section", ""),
            caveat=v.get("caveat", ""),
            change=v.get("change"),
            comparable=v.get("comparable", True),
        )
        for v in values
    ]
    return trend_svg(points, name)
