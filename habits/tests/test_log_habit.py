from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from habits.models import HabitLog
from habits.services import (
    archive_habit,
    enable_default_habit,
    log_habit,
    pause_habit,
    resume_habit,
    unlog_habit,
)
from habits.tests.factories import today_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercise(student):
    return enable_default_habit(student=student, kind="exercise")


@pytest.fixture
def sleep(student):
    return enable_default_habit(student=student, kind="sleep")


def test_logging_today_twice_leaves_one_row(student, exercise):
    first = log_habit(student=student, habit_id=exercise.pk)
    second = log_habit(student=student, habit_id=exercise.pk)

    assert first.pk == second.pk
    assert first.day == today_for(student)
    assert first.school_id == exercise.school_id
    assert HabitLog.objects.count() == 1


def test_back_filling_the_last_seven_days(student, exercise):
    today = today_for(student)

    for n in range(1, 8):
        log_habit(student=student, habit_id=exercise.pk, day=today - timedelta(days=n))

    assert HabitLog.objects.filter(habit=exercise).count() == 7


@pytest.mark.parametrize(
    ("offset", "message"),
    [(8, "last 7 days"), (30, "last 7 days"), (-1, "hasn't happened yet")],
)
def test_too_far_back_or_in_the_future_is_refused_and_nothing_written(
    student, exercise, offset, message
):
    day = today_for(student) - timedelta(days=offset)

    with pytest.raises(ValidationError, match=message):
        log_habit(student=student, habit_id=exercise.pk, day=day)
    assert not HabitLog.objects.exists()


@pytest.mark.parametrize("hours", ["-1", "16.5", "99", "abc", "nan"])
def test_negative_or_absurd_sleep_hours_are_refused(student, sleep, hours):
    with pytest.raises(ValidationError) as error:
        log_habit(student=student, habit_id=sleep.pk, hours=hours)

    assert "hours" in error.value.message_dict
    assert not HabitLog.objects.exists()


def test_sleep_hours_are_kept_and_updated_by_a_second_log(student, sleep):
    log_habit(student=student, habit_id=sleep.pk, hours="6")
    log = log_habit(student=student, habit_id=sleep.pk, hours=Decimal("7.5"))

    assert HabitLog.objects.get().hours == Decimal("7.5") == log.hours
    # Logging again without hours keeps the hours already there.
    log_habit(student=student, habit_id=sleep.pk)
    assert HabitLog.objects.get().hours == Decimal("7.5")


def test_hours_on_a_habit_that_does_not_count_hours_are_refused(student, exercise):
    with pytest.raises(ValidationError, match="doesn't record hours"):
        log_habit(student=student, habit_id=exercise.pk, hours=1)
    assert not HabitLog.objects.exists()


def test_another_students_habit_is_not_found_and_untouched(student, classmate, exercise):
    log_habit(student=student, habit_id=exercise.pk)

    with pytest.raises(Http404):
        log_habit(student=classmate, habit_id=exercise.pk)
    with pytest.raises(Http404):
        unlog_habit(student=classmate, habit_id=exercise.pk, day=today_for(student))
    assert HabitLog.objects.count() == 1


def test_a_paused_or_archived_habit_cannot_be_logged_but_keeps_its_history(student, exercise):
    log_habit(student=student, habit_id=exercise.pk)
    pause_habit(student=student, habit_id=exercise.pk)
    yesterday = today_for(student) - timedelta(days=1)

    with pytest.raises(ValidationError, match="paused"):
        log_habit(student=student, habit_id=exercise.pk, day=yesterday)
    archive_habit(student=student, habit_id=exercise.pk)
    with pytest.raises(ValidationError, match="archived"):
        log_habit(student=student, habit_id=exercise.pk, day=yesterday)
    assert HabitLog.objects.count() == 1

    resume_habit(student=student, habit_id=exercise.pk)
    log_habit(student=student, habit_id=exercise.pk, day=yesterday)
    assert HabitLog.objects.count() == 2


def test_unlogging_a_day(student, exercise):
    today = today_for(student)
    log_habit(student=student, habit_id=exercise.pk)

    assert unlog_habit(student=student, habit_id=exercise.pk, day=today) is True
    assert unlog_habit(student=student, habit_id=exercise.pk, day=today) is False
    assert not HabitLog.objects.exists()


def test_history_older_than_the_back_fill_window_cannot_be_unlogged(student, exercise):
    HabitLog.objects.create(
        habit=exercise, school_id=exercise.school_id, day=today_for(student) - timedelta(days=20)
    )

    with pytest.raises(ValidationError):
        unlog_habit(
            student=student, habit_id=exercise.pk, day=today_for(student) - timedelta(days=20)
        )
    assert HabitLog.objects.count() == 1


def test_only_students_in_a_cohort_can_log(staff, exercise):
    with pytest.raises(Http404):
        log_habit(student=staff, habit_id=exercise.pk)
    assert not HabitLog.objects.exists()
