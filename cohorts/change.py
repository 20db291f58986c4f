"""Paired before/after change: plain Python, no ORM.

Each student's change is computed inside the system from their two scores; only the
aggregates below ever leave it, and only after suppression (see `reports`).

*Improved* means a change of at least the instrument's minimal change in its better
direction; *worsened* the same in the other; anything smaller is *stayed*. The minimal
changes are stated here as data: PHQ-9 5 points (Löwe et al., Med Care 2004;42:1194),
WHO-5 10 points on its 0–100 scale (Topp et al., Psychother Psychosom 2015;84:167), GAD-7 4
points (Toussaint et al., J Affect Disord 2020;265:395); for every other instrument, a tenth
of the score's range, rounded to a score step.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .statistics import t_quantile

IMPROVED, STAYED, WORSENED = "improved", "stayed", "worsened"
OUTCOMES = (IMPROVED, STAYED, WORSENED)

MINIMAL_CHANGE: dict[str, float] = {
    "phq9": 5,
    "who5": 10,
    "gad7": 4,
    "cbi_personal": 10,
    "cbi_work": 10,
    "mlq_presence": 3,
    "pss10": 4,
    "pss4": 2,
    "brs": 0.5,
    "ucla3": 1,
    "phq2": 1,
    "gad2": 1,
}

# How the generated sentence names a better and a worse score, where a plain
# "a better PHQ-9 score" would read badly.
WORDING: dict[str, tuple[str, str]] = {
    "mlq_presence": ("a stronger sense of meaning in life", "a weaker one"),
    "who5": ("better well-being", "worse well-being"),
    "brs": ("more resilience", "less resilience"),
    "phq9": ("fewer symptoms of depression", "more symptoms"),
    "gad7": ("fewer symptoms of anxiety", "more symptoms"),
    "pss10": ("less stress", "more stress"),
    "pss4": ("less stress", "more stress"),
    "ucla3": ("less loneliness", "more loneliness"),
    "cbi_personal": ("less burnout", "more burnout"),
    "cbi_work": ("less work-related burnout", "more work-related burnout"),
}


def classify(change: float, *, better: str, minimal: float) -> str:
    signed = change if better == "higher" else -change
    if signed >= minimal:
        return IMPROVED
    if signed <= -minimal:
        return WORSENED
    return STAYED


@dataclass(frozen=True)
class PairedChange:
    n: int
    counts: dict[str, int]
    mean_change: float
    ci_low: float
    ci_high: float
    sd_change: float
    effect_size: float | None  # Cohen's d_z: mean change / SD of the changes


def paired_change(
    pairs: Sequence[tuple[float, float]], *, better: str, minimal: float
) -> PairedChange:
    """Summarise (before, after) pairs: outcome counts, mean change with a t-based 95%
    interval, and the paired effect size. The change is after minus before, in the
    instrument's own units (so its sign says up or down, not better or worse)."""
    changes = [after - before for before, after in pairs]
    n = len(changes)
    counts = {outcome: 0 for outcome in OUTCOMES}
    for change in changes:
        counts[classify(change, better=better, minimal=minimal)] += 1
    if n == 0:
        return PairedChange(0, counts, 0.0, 0.0, 0.0, 0.0, None)
    mean = sum(changes) / n
    if n < 2:
        return PairedChange(n, counts, mean, mean, mean, 0.0, None)
    sd = math.sqrt(sum((c - mean) ** 2 for c in changes) / (n - 1))
    half = t_quantile(n - 1) * sd / math.sqrt(n)
    effect = mean / sd if sd > 0 else None
    return PairedChange(n, counts, mean, mean - half, mean + half, sd, effect)
