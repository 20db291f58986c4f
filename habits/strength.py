"""Habit strength and forgiving streaks: pure Python, one bool per day, oldest day first.

Neither number ever drops to zero for one missed day: a student on a hard rotation should see
a habit weaken gently, not a broken chain.
"""

import math
from collections.abc import Sequence

DAILY = 7
# Loop's half-life constant: a daily habit's score halves after 13 missed days in a row.
HALF_LIFE_DAYS = 13.0


def habit_strength(days: Sequence[bool], *, per_week: int) -> list[float]:
    """The 0-100 strength after each day, exponentially smoothed as in Loop Habit Tracker.

    Ported from iSoron/uhabits, uhabits-core `Score.compute()` and `ScoreList.recompute()`
    (https://github.com/iSoron/uhabits/blob/dev/uhabits-core/src/jvmMain/java/org/isoron/
    uhabits/core/models/Score.kt): with the habit's frequency f (repetitions per day), each
    day moves the score towards that day's completion by `1 - m`, where
    m = 0.5 ** (sqrt(f) / 13). A rarer habit gets a multiplier closer to 1, so each day (done or
    missed) counts for less. A day's completion is the share of the target met in the trailing
    window: the day itself for a daily habit (Loop's `Frequency.DAILY` is 1 in 1 day), and for
    N times a week the last 14 days against 2N, as Loop doubles a non-daily frequency's
    numerator and denominator so repetitions on different weekdays are smoothed out.
    """
    if not 1 <= per_week <= DAILY:
        raise ValueError("per_week must be between 1 and 7")
    frequency = per_week / DAILY
    multiplier = 0.5 ** (math.sqrt(frequency) / HALF_LIFE_DAYS)
    numerator, window = (1, 1) if per_week == DAILY else (2 * per_week, 2 * DAILY)
    scores: list[float] = []
    score = 0.0
    done_in_window = 0
    for index, done in enumerate(days):
        done_in_window += bool(done)
        if index >= window:
            done_in_window -= bool(days[index - window])
        completion = min(1.0, done_in_window / numerator)
        score = score * multiplier + completion * (1 - multiplier)
        scores.append(min(100.0, max(0.0, score * 100)))
    return scores


def forgiving_streak(days: Sequence[bool], *, per_week: int, last_weekday: int = 6) -> int:
    """The current run: days for a daily habit, weeks on target for a weekly one.

    Daily: the days from the run's first done day to its last, where one missed day between
    done days does not end the run (two in a row do). Today, the last entry, is not over: if
    it is not done yet it neither counts nor breaks the run.

    Weekly (`per_week` < 7): the number of calendar weeks that met the target, in a run that
    one short week does not end. `last_weekday` is the weekday of the last entry (0 = Monday),
    so the days split into calendar weeks; the current week counts once it meets the target.
    """
    if not 1 <= per_week <= DAILY:
        raise ValueError("per_week must be between 1 and 7")
    if per_week == DAILY:
        return _forgiving_days(list(days))
    weeks: list[bool] = []
    end = len(days)
    size = last_weekday + 1
    while end > 0:
        start = max(0, end - size)
        weeks.append(sum(bool(d) for d in days[start:end]) >= per_week)
        end, size = start, DAILY
    weeks.reverse()
    return _forgiving_weeks(weeks)


def _forgiving_days(days: list[bool]) -> int:
    if days and not days[-1]:
        days.pop()  # today is not over yet
    end = len(days)
    if end and not days[end - 1]:
        end -= 1  # one missed day (yesterday) is forgiven
    if end == 0 or not days[end - 1]:
        return 0
    start = end - 1
    while start > 0:
        if days[start - 1]:
            start -= 1
        elif start >= 2 and days[start - 2]:
            start -= 2
        else:
            break
    return end - start


def _forgiving_weeks(weeks: list[bool]) -> int:
    if weeks and not weeks[-1]:
        weeks.pop()  # this week is not over yet
    count, missed = 0, False
    for met in reversed(weeks):
        if met:
            count, missed = count + 1, False
        elif missed:
            break
        else:
            missed = True
    return count
