import pytest
from hypothesis import given
from hypothesis import strategies as st

from habits.strength import forgiving_streak, habit_strength

days_st = st.lists(st.booleans(), min_size=1, max_size=120)
per_week_st = st.integers(min_value=1, max_value=7)


def test_a_daily_habit_done_every_day_approaches_100():
    scores = habit_strength([True] * 200, per_week=7)

    assert scores[0] == pytest.approx(100 * (1 - 0.5 ** (1 / 13)))
    assert 79 < scores[29] < 81  # a month of daily practice: about 80
    assert scores[-1] > 99.9


def test_one_missed_day_after_a_long_run_barely_dents_the_score():
    built = habit_strength([True] * 60, per_week=7)[-1]
    after_miss = habit_strength([True] * 60 + [False], per_week=7)[-1]

    assert after_miss < built
    assert built - after_miss < 6


def test_a_daily_score_halves_after_13_missed_days():
    scores = habit_strength([True] * 100 + [False] * 13, per_week=7)

    assert scores[-1] == pytest.approx(scores[99] / 2, rel=0.01)


def test_a_weekly_target_is_met_by_its_count_not_by_every_day():
    three_a_week = [day % 7 in (0, 2, 4) for day in range(140)]

    assert habit_strength(three_a_week, per_week=3)[-1] > 95
    assert habit_strength(three_a_week, per_week=7)[-1] < 50


def test_nothing_done_is_zero_and_no_days_is_no_scores():
    assert habit_strength([False] * 30, per_week=3) == [0.0] * 30
    assert habit_strength([], per_week=7) == []


def test_targets_outside_one_to_seven_are_refused():
    with pytest.raises(ValueError):
        habit_strength([True], per_week=0)
    with pytest.raises(ValueError):
        forgiving_streak([True], per_week=8)


@given(days_st, per_week_st)
def test_strength_is_bounded_0_to_100(days, per_week):
    assert all(0 <= score <= 100 for score in habit_strength(days, per_week=per_week))


@given(days_st, per_week_st, st.data())
def test_doing_one_more_day_never_lowers_todays_score(days, per_week, data):
    index = data.draw(st.integers(min_value=0, max_value=len(days) - 1))
    more = [*days]
    more[index] = True

    before = habit_strength(days, per_week=per_week)[-1]
    after = habit_strength(more, per_week=per_week)[-1]

    assert after >= before - 1e-9


@given(days_st, per_week_st)
def test_the_score_moves_smoothly_at_most_a_few_points_a_day(days, per_week):
    scores = [0.0, *habit_strength(days, per_week=per_week)]
    step = 100 * (1 - 0.5 ** (1 / 13))  # a daily habit's day weighs the most

    assert all(abs(b - a) <= step + 1e-9 for a, b in zip(scores, scores[1:], strict=False))


@given(st.lists(st.booleans(), max_size=60), per_week_st)
def test_missed_days_decay_the_score_geometrically_but_never_to_zero(days, per_week):
    # Once the last done day has left the 14-day window, each missed day keeps a fixed share.
    scores = habit_strength([*days, True, *[False] * 16], per_week=per_week)
    kept = 0.5 ** ((per_week / 7) ** 0.5 / 13)

    assert 0 < scores[-1] == pytest.approx(scores[-2] * kept)


def test_a_single_missed_day_does_not_break_a_daily_run():
    assert forgiving_streak([True, True, False, True, True], per_week=7) == 5
    assert forgiving_streak([True, False, False, True, True], per_week=7) == 2


def test_today_not_done_yet_neither_counts_nor_breaks_the_run():
    assert forgiving_streak([True, True, True, False], per_week=7) == 3
    # Yesterday missed and today still open: the run is still alive.
    assert forgiving_streak([True, True, True, False, False], per_week=7) == 3
    assert forgiving_streak([True, True, False, False, False], per_week=7) == 0
    assert forgiving_streak([False], per_week=7) == 0


def test_weekly_targets_count_weeks_on_target_and_forgive_one_short_week():
    week_met = [True, False, True, False, True, False, False]  # Mon..Sun, 3 done
    week_short = [True, False, False, False, False, False, False]
    # Last entry is a Sunday: four full weeks, the third one short.
    days = week_met + week_met + week_short + week_met

    assert forgiving_streak(days, per_week=3, last_weekday=6) == 3
    assert forgiving_streak(week_met + week_short + week_short + week_met, per_week=3) == 1


def test_this_week_counts_once_it_meets_the_target_and_is_pending_until_then():
    last_week = [True, True, True, False, False, False, False]
    assert forgiving_streak([*last_week, True, True], per_week=3, last_weekday=1) == 1
    assert forgiving_streak([*last_week, True, True, True], per_week=3, last_weekday=2) == 2


@given(days_st, per_week_st)
def test_a_streak_is_never_longer_than_the_history(days, per_week):
    streak = forgiving_streak(days, per_week=per_week)

    assert 0 <= streak <= (len(days) if per_week == 7 else len(days) // 7 + 1)
