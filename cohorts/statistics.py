"""Intervals for the dashboard and the study reports: numbers in, numbers out, no ORM.

Quantiles are exact (scipy's Student t and noncentral t); a table that falls back to the
normal quantile above 30 degrees of freedom gave intervals 1-4% too narrow for 31-120 students.
"""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.special import nctdtrinc, ndtri, stdtrit

CONFIDENCE = 0.95
Z95 = float(ndtri(1 - (1 - CONFIDENCE) / 2))  # 1.959964...


@dataclass(frozen=True)
class Estimate:
    """A visible figure: a mean, a share (0..1) or a count, with its 95% interval."""

    value: float
    low: float
    high: float
    n: int | None
    # Set instead of `n` in a week when nearly every student checked in (docs/privacy-model.md,
    # "Counts that would give away participation"): the figure is behind at least this many
    # students, and its value was rounded to `step` (0.1 on a scale, 10-point bins of a share).
    at_least: int | None = None
    step: float | None = None


def t_quantile(df: float, *, confidence: float = CONFIDENCE) -> float:
    """The two-sided `confidence` quantile of Student's t (scipy.stats.t.ppf), any df > 0."""
    if not df > 0:
        raise ValueError("A t interval needs more than zero degrees of freedom.")
    return float(stdtrit(df, 1 - (1 - confidence) / 2))


def mean_interval(
    *, n_obs: int, total: float, total_sq: float, n_students: int
) -> tuple[float, float, float]:
    """Mean and a t-based 95% interval.

    A student may check in every day, and their days are alike, so the standard error uses
    the number of students, not of observations: wider, and honest about clustering.
    """
    mean = total / n_obs
    if n_obs < 2 or n_students < 2:
        return mean, mean, mean
    variance = max(0.0, (total_sq - n_obs * mean * mean) / (n_obs - 1))
    half = t_quantile(n_students - 1) * math.sqrt(variance / n_students)
    return mean, mean - half, mean + half


def _t_interval(mean: float, variance: float, n: int) -> tuple[float, float, float]:
    if n < 2:
        return mean, mean, mean
    half = t_quantile(n - 1) * math.sqrt(max(0.0, variance) / n)
    return mean, mean - half, mean + half


def mean_of_means_interval(*, n: int, total: float, total_sq: float) -> tuple[float, float, float]:
    """Mean and 95% t interval of `n` per-student values given only their sum and sum of
    squares (what a rollup can hold): each student weighs once, whatever their check-ins."""
    if n < 1:
        raise ValueError("The mean of no students is undefined.")
    mean = total / n
    variance = (total_sq - n * mean * mean) / (n - 1) if n > 1 else 0.0
    return _t_interval(mean, variance, n)


def student_means_interval(student_means: Sequence[float]) -> tuple[float, float, float]:
    """The mean of per-student means with its 95% t interval on n - 1 degrees of freedom.

    Averaging each student's check-ins first makes the students the independent units, so a
    student who checks in daily counts once, like one who checked in once (the check-ins of
    one student are not independent of each other, which an interval over check-ins assumes).
    """
    n = len(student_means)
    if n < 1:
        raise ValueError("The mean of no students is undefined.")
    mean = math.fsum(student_means) / n
    variance = statistics.variance(student_means, mean) if n > 1 else 0.0
    return _t_interval(mean, variance, n)


def wilson_interval(*, share: float, n: int) -> tuple[float, float]:
    """Wilson score 95% interval for a share of `n` (stays inside 0..1, fine near the ends)."""
    if n <= 0:
        return 0.0, 1.0
    z2 = Z95 * Z95
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class EffectSize:
    value: float
    low: float
    high: float


def paired_d_av(
    *, n: int, mean_change: float, sd_before: float, sd_after: float, sd_change: float
) -> EffectSize | None:
    """Cohen's d_av for a before/after design, with an approximate 95% interval.

    d_av = mean change / the average of the two standard deviations (Lakens, Front Psychol
    2013;4:863, eq. 10). Unlike d_z (mean change / SD of the changes), it does not grow as
    the before/after correlation r grows: at r = 0.9, d_z is sqrt(1 / (2(1 - r))) = 2.24 times
    d_av. It reads on the same scale as a between-group d.

    The interval is Algina & Keselman's approximation (Educ Psychol Meas 2003;63:537-553),
    the method of Cumming's ESCI for the paired design (Cumming, Understanding the New
    Statistics, 2012, ch. 11): the paired t statistic follows a noncentral t with n - 1
    degrees of freedom and noncentrality sqrt(n) * mean change / SD of the changes; the
    95% limits of that noncentrality are rescaled to d_av by SD of changes / (sqrt(n) * the
    average SD). It treats that ratio of SDs as known, so it is approximate; a simulation in
    the tests checks its coverage.
    """
    average_sd = (sd_before + sd_after) / 2
    if n < 2 or average_sd <= 0:
        return None
    value = mean_change / average_sd
    if sd_change <= 0:
        return EffectSize(value, value, value)
    t = mean_change / (sd_change / math.sqrt(n))
    scale = sd_change / (math.sqrt(n) * average_sd)
    tail = (1 - CONFIDENCE) / 2
    # nctdtrinc(df, p, t): the noncentrality at which P(T <= t) = p.
    low = float(nctdtrinc(n - 1, 1 - tail, t)) * scale
    high = float(nctdtrinc(n - 1, tail, t)) * scale
    return EffectSize(value, low, high)
