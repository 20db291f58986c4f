"""Intervals for the dashboard: plain Python, no ORM."""

import math

Z95 = 1.959964
# Two-sided 95% Student t quantiles for 1..30 degrees of freedom; beyond that, z is close.
T95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t95(df: int) -> float:
    return T95[df - 1] if 1 <= df <= len(T95) else Z95


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
    half = t95(n_students - 1) * math.sqrt(variance / n_students)
    return mean, mean - half, mean + half


def wilson_interval(*, share: float, n: int) -> tuple[float, float]:
    """Wilson score 95% interval for a share of `n` (stays inside 0..1, fine near the ends)."""
    if n <= 0:
        return 0.0, 1.0
    z2 = Z95 * Z95
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)
