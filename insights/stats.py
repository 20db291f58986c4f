"""The few statistics a student's own insights need, in plain Python (no ORM).

Intervals are 95% two-sided, from Student's t distribution with exact quantiles (scipy), also
for the fractional degrees of freedom of Welch's interval.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from scipy.special import stdtrit

MIN_HABIT_DAYS = 14


def t_quantile(df: float) -> float:
    """The 97.5% quantile of t with `df` degrees of freedom (scipy.stats.t.ppf(0.975, df))."""
    if df < 1:
        raise ValueError("A t interval needs at least one degree of freedom.")
    return float(stdtrit(df, 0.975))


@dataclass(frozen=True)
class Estimate:
    """A mean with its 95% interval; the interval is None below two values."""

    mean: float
    n: int
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Difference:
    """`a - b` with a Welch 95% interval."""

    value: float
    low: float
    high: float
    df: float

    @property
    def includes_zero(self) -> bool:
        return self.low <= 0 <= self.high


@dataclass(frozen=True)
class HabitLink:
    with_habit: Estimate
    without_habit: Estimate
    difference: Difference


def mean(values: Sequence[float]) -> float:
    if not values:
        raise ValueError("The mean of no values is undefined.")
    return math.fsum(values) / len(values)


def variance(values: Sequence[float]) -> float:
    """Sample variance (n - 1)."""
    centre = mean(values)
    return math.fsum((v - centre) ** 2 for v in values) / (len(values) - 1)


def mean_ci(values: Sequence[float]) -> Estimate | None:
    if not values:
        return None
    n, centre = len(values), mean(values)
    if n < 2:
        return Estimate(centre, n, None, None)
    half = t_quantile(n - 1) * math.sqrt(variance(values) / n)
    return Estimate(centre, n, centre - half, centre + half)


def welch_difference(a: Sequence[float], b: Sequence[float]) -> Difference:
    """Difference of means a - b, with the Welch–Satterthwaite degrees of freedom."""
    if len(a) < 2 or len(b) < 2:
        raise ValueError("Each group needs at least two values.")
    na, nb = len(a), len(b)
    va, vb = variance(a) / na, variance(b) / nb
    value = mean(a) - mean(b)
    se2 = va + vb
    if se2 == 0:
        return Difference(value, value, value, na + nb - 2)
    df = se2**2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    half = t_quantile(df) * math.sqrt(se2)
    return Difference(value, value - half, value + half, df)


def habit_link(
    days_with: Sequence[float], days_without: Sequence[float], min_days: int = MIN_HABIT_DAYS
) -> HabitLink | None:
    """Outcome on days with vs without a habit; None unless both groups have `min_days`."""
    if len(days_with) < min_days or len(days_without) < min_days:
        return None
    return HabitLink(
        mean_ci(days_with), mean_ci(days_without), welch_difference(days_with, days_without)
    )


def rolling_mean(
    points: Sequence[tuple[date, float]], window_days: int = 7
) -> list[tuple[date, float]]:
    """For each dated point, the mean of the points in the `window_days` ending that day.

    Days without a value are gaps, not zeros: the mean is over the values that exist.
    """
    ordered = sorted(points)
    result = []
    start = 0
    for end, (day, _) in enumerate(ordered):
        while ordered[start][0] <= day - timedelta(days=window_days):
            start += 1
        result.append((day, mean([value for _, value in ordered[start : end + 1]])))
    return result
