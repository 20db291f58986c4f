from datetime import date, timedelta

import pytest

from habits.models import Habit
from habits.selectors import checkin_habit_context, habit_days, habit_summaries
from habits.services import (
    archive_habit,
    create_habit,
    enable_default_habit,
    log_habit,
    pause_habit,
)
from habits.tests.factories import log_days, today_for

pytestmark = pytest.mark.django_db


def test_a_summary_has_today_the_back_fill_row_strength_and_streak(student):
    habit = enable_default_habit(student=student, kind="healthy_eating")  # daily
    today = today_for(student)
    log_days(habit, 0, 1, 2, 4, 5)

    [summary] = habit_summaries(student, today)

    assert summary.done_today
    assert [slot.day for slot in summary.last_days] == [
        today - timedelta(days=n) for n in range(7, 0, -1)
    ]
    assert [slot.done for slot in summary.last_days] == [
        False,
        False,
        True,
        True,
        False,
        True,
        True,
    ]
    assert summary.done_last_7 == 5
    assert summary.streak == 6  # day 3 was missed, once: the run goes on
    assert 0 < summary.strength < 100


def test_today_not_logged_yet_does_not_lower_the_strength(student):
    habit = enable_default_habit(student=student, kind="healthy_eating")
    today = today_for(student)
    log_days(habit, 1, 2, 3)
    before = habit_summaries(student, today)[0]

    log_habit(student=student, habit_id=habit.pk)
    after = habit_summaries(student, today)[0]

    assert not before.done_today and after.done_today
    assert after.strength > before.strength > 0
    assert (before.streak, after.streak) == (3, 4)


def test_weekly_habits_count_this_week_against_the_target(student):
    habit = create_habit(student=student, name="Swim", per_week=2)
    wednesday = date(2026, 1, 14)
    log_days(habit, 0, 2, 7, 9, today=wednesday)  # Mon and Wed, this week and last

    [summary] = habit_summaries(student, wednesday)

    assert (summary.this_week, summary.on_track_this_week) == (2, True)
    assert (summary.streak, summary.streak_unit) == (2, "weeks")


def test_a_paused_habit_keeps_its_strength_and_archived_ones_are_left_out(student):
    kept = enable_default_habit(student=student, kind="exercise")
    gone = enable_default_habit(student=student, kind="rest")
    log_days(kept, 1, 2, 3)
    today = today_for(student)
    before = habit_summaries(student, today)[0].strength
    pause_habit(student=student, habit_id=kept.pk)
    archive_habit(student=student, habit_id=gone.pk)

    summaries = habit_summaries(student, today)

    assert [s.habit.pk for s in summaries] == [kept.pk]
    assert summaries[0].habit.state == Habit.State.PAUSED
    assert summaries[0].strength == before
    assert len(habit_summaries(student, today, include_archived=True)) == 2


def test_habit_days_covers_only_the_students_own_habits_in_the_range(student, classmate):
    mine = enable_default_habit(student=student, kind="exercise")
    archived = enable_default_habit(student=student, kind="rest")
    theirs = enable_default_habit(student=classmate, kind="exercise")
    log_days(mine, 0, 2, 40)
    log_days(archived, 1)
    archive_habit(student=student, habit_id=archived.pk)
    log_days(theirs, 0)
    today = today_for(student)

    days = habit_days(student, today - timedelta(days=30), today)

    assert days == {
        mine.pk: {today, today - timedelta(days=2)},
        archived.pk: {today - timedelta(days=1)},
    }


def test_checkin_context_lists_todays_active_habits(student):
    exercise = enable_default_habit(student=student, kind="exercise")
    rest = enable_default_habit(student=student, kind="rest")
    paused = enable_default_habit(student=student, kind="therapy")
    pause_habit(student=student, habit_id=paused.pk)
    log_habit(student=student, habit_id=rest.pk)

    context = checkin_habit_context(student)

    assert context["checkin_habits"] == [(exercise, False), (rest, True)]
