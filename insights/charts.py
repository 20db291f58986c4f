"""Server-rendered SVG line charts: no JavaScript, nothing for a strict CSP to block.

Every attribute is a presentation attribute (fill, stroke, font-size), never `style=`, and every
piece of text goes through `escape`, so the output is safe to mark safe as a whole.
"""

from collections.abc import Sequence
from datetime import date
from html import escape

Point = tuple[date, float]
Band = tuple[float, float, str]  # (min, max, label)

# The viewBox is about a phone's width, so its text (13 units) renders at about 13 px there
# and never below 12 px at 390 px wide (issue #22: 640 units made the labels 7 px).
LEFT, RIGHT, TOP, BOTTOM = 30, 8, 10, 24
TICK_SIZE, BAND_SIZE = 13, 12
BAND_FILLS = ("#e8f3ec", "#fdf6dc", "#fde9d6", "#f9dcdc", "#f3d3e3")
POINT_FILL = "#6b7a8c"
LINE_STROKE = "#1f5f8b"
INK = "#333b45"
GRID = "#d5dae1"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _ticks(y_min: float, y_max: float) -> list[float]:
    span = y_max - y_min
    step = next(s for s in (0.5, 1, 2, 4, 5, 10, 20, 25, 50, 100) if span / s <= 6)
    first = -(-y_min // step) * step
    ticks = []
    value = first
    while value <= y_max + 1e-9:
        ticks.append(value)
        value += step
    return ticks


def _day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def line_chart(
    points: Sequence[Point],
    *,
    y_min: float,
    y_max: float,
    label: str,
    average: Sequence[Point] = (),
    bands: Sequence[Band] | None = None,
    marks: Sequence[date] = (),
    width: int = 340,
    height: int = 190,
) -> str:
    """Daily points (dots) and an optional average line over a y range with optional bands.

    `label` is the chart's text alternative (its aria-label and <title>): say what it shows.
    `marks` are days drawn as dashed vertical lines (exam days from the planner).
    """
    if y_max <= y_min:
        raise ValueError("y_max must be above y_min.")
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    days = [day for day, _ in [*points, *average]]
    first, last = (min(days), max(days)) if days else (None, None)
    span_days = (last - first).days if days else 0

    def x(day: date) -> float:
        if not span_days:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - first).days / span_days

    def y(value: float) -> float:
        clamped = min(max(value, y_min), y_max)
        return TOP + plot_h * (1 - (clamped - y_min) / (y_max - y_min))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(label)}</title>",
    ]
    for index, (low, high, band_label) in enumerate(bands or ()):
        top, bottom = y(high), y(low)
        fill = BAND_FILLS[index % len(BAND_FILLS)]
        parts.append(
            f'<rect x="{LEFT}" y="{top:.1f}" width="{plot_w}" height="{bottom - top:.1f}" '
            f'fill="{fill}"/>'
        )
        if bottom - top >= 12:
            parts.append(
                f'<text x="{LEFT + 4}" y="{top + 13:.1f}" font-size="{BAND_SIZE}" fill="{INK}">'
                f"{escape(band_label)}</text>"
            )
    for tick in _ticks(y_min, y_max):
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" font-size="{TICK_SIZE}" fill="{INK}" '
            f'text-anchor="end">{escape(_number(tick))}</text>'
        )
    if days:
        parts.append(
            f'<text x="{LEFT}" y="{height - 6}" font-size="{TICK_SIZE}" fill="{INK}">'
            f"{escape(_day_label(first))}</text>"
        )
        if span_days:
            parts.append(
                f'<text x="{LEFT + plot_w}" y="{height - 6}" font-size="{TICK_SIZE}" fill="{INK}" '
                f'text-anchor="end">{escape(_day_label(last))}</text>'
            )
    for mark in marks:
        if days and first <= mark <= last:
            parts.append(
                f'<line class="chart-mark" x1="{x(mark):.1f}" x2="{x(mark):.1f}" y1="{TOP}" '
                f'y2="{TOP + plot_h}" stroke="{INK}" stroke-width="1" stroke-dasharray="4 3"/>'
            )
    for day, value in points:
        parts.append(f'<circle cx="{x(day):.1f}" cy="{y(value):.1f}" r="3" fill="{POINT_FILL}"/>')
    if average:
        coordinates = " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in average)
        parts.append(
            f'<polyline points="{coordinates}" fill="none" stroke="{LINE_STROKE}" '
            f'stroke-width="2.5" stroke-linejoin="round"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
