"""How a suppressed cell reads on a page and in an export: one wording everywhere."""

from dataclasses import dataclass

from .measures import COUNT, PROPORTION, Measure
from .suppression import ABOVE, Cell, Hidden


@dataclass(frozen=True)
class Shown:
    visible: bool
    value: str = ""
    interval: str = ""
    n: str = ""
    reason: str = ""
    heat: str = ""
    bound: str = ""  # a top- or bottom-code shown instead of a hidden figure
    # A coarser figure shown in a hidden cell's place ("surgical rotations", "4 weeks from
    # 5 Jan"), with `reason` saying why the cell's own figure is hidden.
    coarse: str = ""

    def __str__(self) -> str:
        if not self.visible:
            return f"not available: {self.reason}"
        return f"{self.value} ({self.interval}; {self.n})" if self.interval else self.value


def number(value: float, *, share: bool) -> str:
    return f"{value:.0%}" if share else f"{value:.2f}"


def heat_class(entry: Measure, value: float) -> str:
    """Five steps from worse (1) to better (5), by position on the measure's own range."""
    span = (entry.high - entry.low) or 1
    position = (value - entry.low) / span
    if entry.better == "lower":
        position = 1 - position
    if entry.better is None:
        return "heat-neutral"
    return f"heat-{min(5, 1 + int(position * 5))}"


def students(estimate) -> str:
    """How many students a figure is behind: exact, or "at least" in a week whose
    participation is hidden (docs/privacy-model.md)."""
    if estimate.n is None:
        return f"at least {estimate.at_least} students"
    return f"n={estimate.n} students"


def coarse_value(estimate, *, share: bool) -> str:
    if share:
        return f"{estimate.low:.0%}–{estimate.high:.0%}"
    return f"{estimate.value:.1f}"


def shown(cell: Cell | Hidden, entry: Measure, *, share: bool | None = None) -> Shown:
    if isinstance(cell, Hidden):
        return Shown(False, reason=cell.reason)
    estimate = cell.value
    share = entry.kind == PROPORTION if share is None else share
    if entry.kind == COUNT:
        return Shown(True, value=f"{estimate.n}", n=f"{estimate.n} students")
    heat = heat_class(entry, estimate.value) if not share or entry.kind == PROPORTION else ""
    if estimate.step is not None:
        interval = (
            "rounded so the number who checked in stays hidden"
            if share
            else (f"95% CI {estimate.low:.1f}–{estimate.high:.1f}, rounded")
        )
        return Shown(
            True, value=coarse_value(estimate, share=share), interval=interval,
            n=students(estimate), heat=heat,
        )  # fmt: skip
    return Shown(
        True,
        value=number(estimate.value, share=share),
        interval=f"95% CI {number(estimate.low, share=share)}–{number(estimate.high, share=share)}",
        n=students(estimate),
        heat=heat,
    )


def bound_text(bound: tuple[str, int] | None) -> str:
    """How a top- or bottom-code reads: "more than 84%", "fewer than 10 students"."""
    if bound is None:
        return ""
    side, figure = bound
    return f"more than {figure}%" if side == ABOVE else f"fewer than {figure} students"


def participation_shown(cell: Cell | Hidden, *, enrolled: int) -> Shown:
    if isinstance(cell, Hidden):
        return Shown(False, reason=cell.reason, bound=bound_text(cell.bound))
    estimate = cell.value
    return Shown(
        True,
        value=number(estimate.value, share=True),
        interval=f"95% CI {number(estimate.low, share=True)}–{number(estimate.high, share=True)}",
        n=f"{estimate.n} of {enrolled} students",
    )


def coarse_shown(coarse, entry: Measure) -> Shown:
    """A hidden cell showing a coarser figure (cohorts/coarsening.py) with its granularity."""
    figure = shown(coarse.cell, entry)
    return Shown(
        True,
        value=figure.value,
        interval=figure.interval,
        n=figure.n,
        reason=coarse.why,
        heat=figure.heat,
        coarse=coarse.label,
    )
