"""Server-rendered SVG geometry for the trend chart: no JavaScript, every point in a table too."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lib.dates import week_of

from .measures import Measure
from .selectors import GroupTable
from .suppression import Cell

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 240, 44, 12, 12, 28


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    y_low: float
    y_high: float
    label: str


@dataclass(frozen=True)
class Marker:
    """An action staff recorded, drawn as a labelled line in the week it started."""

    x: float
    number: int
    label: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    points: tuple[Point, ...]
    segments: tuple[str, ...]  # polyline point lists; a hidden week breaks the line
    y_ticks: tuple[tuple[float, str], ...]
    x_labels: tuple[tuple[float, str], ...]
    baseline: float
    markers: tuple[Marker, ...] = ()


def _scale(entry: Measure, value: float) -> float:
    span = (entry.high - entry.low) or 1
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - entry.low) / span)


def trend_chart(
    table: GroupTable, *, share: bool = False, actions: Sequence[tuple[date, str]] = ()
) -> TrendChart:
    """The whole cohort's weekly figure; `actions` (start day, title) mark their week."""
    entry = table.measure
    rows = table.rows[:-1]  # the current week is never plotted
    step = (WIDTH - LEFT - RIGHT) / max(1, len(rows) - 1)
    points, segments, current = [], [], []
    for i, row in enumerate(rows):
        x = LEFT + i * step
        if isinstance(row.total, Cell):
            estimate = row.total.value
            shown = f"{estimate.value:.0%}" if share else f"{estimate.value:.2f}"
            point = Point(
                round(x, 1),
                round(_scale(entry, estimate.value), 1),
                round(_scale(entry, estimate.low), 1),
                round(_scale(entry, estimate.high), 1),
                f"Week of {row.week:%d %b}: {shown}",
            )
            points.append(point)
            current.append(f"{point.x},{point.y}")
        elif current:
            segments.append(" ".join(current))
            current = []
    if current:
        segments.append(" ".join(current))
    ticks = [entry.low + (entry.high - entry.low) * f for f in (0, 0.25, 0.5, 0.75, 1)]
    y_ticks = tuple((round(_scale(entry, t), 1), f"{t:.0%}" if share else f"{t:g}") for t in ticks)
    every = max(1, len(rows) // 6)
    x_labels = tuple(
        (round(LEFT + i * step, 1), f"{row.week:%d %b}")
        for i, row in enumerate(rows)
        if i % every == 0
    )
    index = {row.week: i for i, row in enumerate(rows)}
    markers = tuple(
        Marker(
            round(LEFT + index[week_of(day)] * step, 1),
            number,
            f"Action {number}, from {day:%-d %b %Y}: {title}",
        )
        for number, (day, title) in enumerate(actions, start=1)
        if week_of(day) in index
    )
    return TrendChart(
        WIDTH, HEIGHT, tuple(points), tuple(segments), y_ticks, x_labels, HEIGHT - BOTTOM, markers
    )
