"""Before and after an action, from published weekly figures only: numbers in, numbers out.

The inputs are the visible weekly figures of one group (their value, 95% interval and
number of students), nothing finer: a published week is the smallest thing staff may see,
so no comparison here can show what the dashboard does not.

Each week's figure counts once. The difference of the two periods' averages gets a Welch t
interval over weeks; the effect size divides it by the within-week spread of students'
values, recovered from each week's published interval (a mean's t interval is value ±
t(n-1) * SD / sqrt(n); a share's spread is sqrt(p(1 - p))), so it reads like a between-group
Cohen's d (Lakens, Front Psychol 2013;4:863). Its interval is the difference's interval
divided by that spread, treated as known: approximate, and said so on the page.
"""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from .statistics import EffectSize, Estimate, t_quantile

MIN_WEEKS = 2  # per side: one week has no spread to build an interval from


@dataclass(frozen=True)
class PeriodComparison:
    before: float  # the average of the before period's weekly figures
    after: float
    before_weeks: int
    after_weeks: int
    difference: Estimate  # after minus before, with its 95% interval; n = weeks used
    effect_size: EffectSize | None  # None when the spread of students is unknown or zero


def student_sd(estimate: Estimate, *, share: bool) -> float | None:
    """The spread of students' values behind one published weekly figure."""
    if share:
        return math.sqrt(max(0.0, estimate.value * (1 - estimate.value)))
    if estimate.n is None or estimate.n < 2:
        return None  # a rounded figure of unknown n (participation hidden): no spread
    return (estimate.high - estimate.low) / (2 * t_quantile(estimate.n - 1)) * math.sqrt(estimate.n)


def compare_periods(
    before: Sequence[Estimate], after: Sequence[Estimate], *, share: bool
) -> PeriodComparison | None:
    """The after period against the before period, or None with fewer than MIN_WEEKS a side."""
    if len(before) < MIN_WEEKS or len(after) < MIN_WEEKS:
        return None
    first = [e.value for e in before]
    second = [e.value for e in after]
    mean_before, mean_after = statistics.fmean(first), statistics.fmean(second)
    difference = mean_after - mean_before
    var_before, var_after = statistics.variance(first), statistics.variance(second)
    se_squared = var_before / len(first) + var_after / len(second)
    if se_squared > 0:
        # Welch-Satterthwaite degrees of freedom.
        df = se_squared**2 / (
            (var_before / len(first)) ** 2 / (len(first) - 1)
            + (var_after / len(second)) ** 2 / (len(second) - 1)
        )
        half = t_quantile(df) * math.sqrt(se_squared)
    else:
        half = 0.0
    weeks = len(first) + len(second)
    interval = Estimate(difference, difference - half, difference + half, weeks)
    spreads = [student_sd(e, share=share) for e in (*before, *after)]
    effect = None
    if all(s is not None for s in spreads):
        pooled = math.sqrt(statistics.fmean([s * s for s in spreads]))
        if pooled > 0:
            effect = EffectSize(difference / pooled, interval.low / pooled, interval.high / pooled)
    return PeriodComparison(mean_before, mean_after, len(first), len(second), interval, effect)
