import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from insights import stats

values = st.lists(st.floats(min_value=1, max_value=5, allow_nan=False), min_size=2, max_size=60)


def test_mean_ci_matches_a_textbook_example():
    estimate = stats.mean_ci([2, 4, 4, 4, 5, 5, 7, 9])

    # mean 5, sd 2.138, t(7) = 2.3646: 5 ± 1.7875
    assert estimate.mean == 5
    assert estimate.n == 8
    assert estimate.low == pytest.approx(3.2125, abs=1e-4)
    assert estimate.high == pytest.approx(6.7875, abs=1e-4)


def test_one_value_has_a_mean_but_no_interval_and_none_has_neither():
    assert stats.mean_ci([3.0]) == stats.Estimate(3.0, 1, None, None)
    assert stats.mean_ci([]) is None


# Two-sided 95% quantiles of Student's t from a printed table (NIST/SEMATECH e-Handbook,
# 1.3.6.7.2), to three decimals.
@pytest.mark.parametrize(
    ("df", "expected"),
    [(1, 12.706), (7, 2.365), (12, 2.179), (29, 2.045), (30, 2.042), (40, 2.021), (60, 2.000),
     (100, 1.984)],
)  # fmt: skip
def test_t_quantile_matches_the_printed_table(df, expected):
    assert round(stats.t_quantile(df), 3) == expected


def test_t_quantile_is_exact_above_30_and_for_fractional_degrees_of_freedom():
    # It used to be 1.96 from 30 up: intervals 1-4% too narrow for 31-120 days.
    assert stats.t_quantile(30) > stats.t_quantile(60) > stats.t_quantile(500) > 1.96
    assert stats.t_quantile(12) > stats.t_quantile(12.7) > stats.t_quantile(13)
    with pytest.raises(ValueError):
        stats.t_quantile(0.5)


def test_welch_difference_of_two_known_groups():
    a = [3, 4, 5, 4, 3, 4, 5, 4]
    b = [2, 3, 2, 3, 2, 3, 2, 3, 2, 3]

    difference = stats.welch_difference(a, b)

    assert difference.value == pytest.approx(4 - 2.5)
    # var a = 0.571/8, var b = 0.278/10, Welch df = 12.08 -> t(12.08) = 2.1772 (exact, where
    # the old table rounded df down to 12: 2.179)
    se = math.sqrt(4 / 7 / 8 + 0.25 * 10 / 9 / 10)
    assert difference.high - difference.value == pytest.approx(2.1772 * se, rel=1e-4)
    assert difference.df == pytest.approx(12.08, abs=0.01)
    assert not difference.includes_zero


def test_identical_constant_groups_give_a_zero_width_interval():
    difference = stats.welch_difference([3, 3, 3], [3, 3])
    assert (difference.value, difference.low, difference.high) == (0, 0, 0)


def test_habit_link_needs_14_days_in_each_group():
    fourteen, thirteen = [4.0, 3.0] * 7, [3.0, 2.0] * 6 + [3.0]

    assert stats.habit_link(fourteen, thirteen) is None
    assert stats.habit_link(thirteen, fourteen) is None
    link = stats.habit_link(fourteen, fourteen[::-1] + [2.0])
    assert link.with_habit.n == 14 and link.without_habit.n == 15
    assert stats.habit_link(thirteen, thirteen, min_days=10) is not None


def test_rolling_mean_averages_the_days_that_exist_in_the_window():
    start = date(2025, 3, 1)
    points = [(start, 1.0), (start + timedelta(1), 3.0), (start + timedelta(9), 5.0)]

    averages = stats.rolling_mean(points)

    assert averages == [(start, 1.0), (start + timedelta(1), 2.0), (start + timedelta(9), 5.0)]


def test_rolling_mean_drops_points_older_than_seven_days():
    start = date(2025, 3, 1)
    points = [(start + timedelta(days=i), float(i)) for i in range(10)]

    averages = dict(stats.rolling_mean(points))

    assert averages[start + timedelta(6)] == pytest.approx(3.0)  # 0..6
    assert averages[start + timedelta(9)] == pytest.approx(6.0)  # 3..9


@given(values)
def test_the_interval_contains_the_mean(sample):
    estimate = stats.mean_ci(sample)
    assert estimate.low <= estimate.mean <= estimate.high


@given(values)
def test_the_interval_is_symmetric_around_the_mean(sample):
    estimate = stats.mean_ci(sample)
    assert estimate.mean - estimate.low == pytest.approx(estimate.high - estimate.mean, abs=1e-9)


@given(st.floats(min_value=1, max_value=5), st.floats(min_value=1, max_value=5), st.integers(1, 40))
def test_the_interval_widens_as_the_sample_shrinks(a, b, k):
    # The same two values repeated: the spread stays put while n grows.
    smaller, larger = stats.mean_ci([a, b] * k), stats.mean_ci([a, b] * (k + 1))
    # Equal values give zero-width intervals, compared up to floating-point noise.
    assert smaller.high - smaller.low >= larger.high - larger.low - 1e-9


@given(values, values)
def test_the_difference_interval_contains_the_difference_and_flips_with_the_groups(a, b):
    forward, backward = stats.welch_difference(a, b), stats.welch_difference(b, a)
    assert forward.low <= forward.value <= forward.high
    assert forward.value == pytest.approx(-backward.value)
    assert forward.low == pytest.approx(-backward.high)


@given(st.lists(st.tuples(st.dates(), st.floats(1, 5)), min_size=1, max_size=40))
def test_a_rolling_mean_stays_within_the_range_of_its_values(points):
    for _, average in stats.rolling_mean(points):
        assert min(v for _, v in points) - 1e-9 <= average <= max(v for _, v in points) + 1e-9
