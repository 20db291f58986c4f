"""A "not today" day (exam day, a night on call): it neither counts nor breaks (issue #22)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from habits.models import Habit, HabitLog
from habits.selectors import summarise, summary_of
from habits.services import (
    enable_default_habit,
    enable_default_habits,
    log_habit,
    skip_habit_day,
    unlog_habit,
)

TODAY = date(2026, 12, 7)


def habit(per_week: int = 7, days_old: int = 40) -> Habit:
    from django.utils import timezone

    made = timezone.make_aware(
        timezone.datetime.combine(TODAY - timedelta(days=days_old), timezone.datetime.min.time())
    )
    return Habit(name="Exercise", target_per_week=per_week, created_at=made)


def done_on(offsets) -> dict:
    return {TODAY - timedelta(days=n): None for n in offsets}


def test_a_not_today_day_leaves_the_strength_as_it_was():
    every_day_but_yesterday = done_on([0, *range(2, 40)])
    every_day = done_on(range(0, 39))  # the same 39 done days, no gap

    skipped = summarise(habit(), every_day_but_yesterday, TODAY, {TODAY - timedelta(days=1)})
    missed = summarise(habit(), every_day_but_yesterday, TODAY)
    unbroken = summarise(habit(days_old=38), every_day, TODAY)

    assert skipped.strength == unbroken.strength
    assert missed.strength < skipped.strength


def test_a_not_today_day_neither_breaks_nor_counts_in_the_run():
    logged = done_on([0, 3, 4])  # done today, not-today on the two days between
    skips = {TODAY - timedelta(days=1), TODAY - timedelta(days=2)}

    summary = summarise(habit(), logged, TODAY, skips)

    assert summary.streak == 3  # today and the two done days; the skipped days add nothing
    assert summarise(habit(), logged, TODAY).streak == 1  # two missed days end a run
    assert summary.done_last_7 == 3


def test_today_marked_not_today_does_not_weigh_like_an_open_day():
    logged = done_on(range(1, 30))
    skipped_today = summarise(habit(), logged, TODAY, {TODAY})
    open_today = summarise(habit(), logged, TODAY)

    assert skipped_today.strength == open_today.strength
    assert skipped_today.not_today and not skipped_today.done_today


def test_a_weekly_habit_keeps_its_strength_over_a_not_today_day():
    logged = done_on([0, 3, 7, 10, 14, 17])
    with_skip = summarise(habit(per_week=3), logged, TODAY, {TODAY - timedelta(days=1)})
    left_out = summarise(
        habit(per_week=3),
        {d + timedelta(days=1): h for d, h in logged.items() if d < TODAY} | {TODAY: None},
        TODAY,
    )

    assert with_skip.strength == left_out.strength


@pytest.mark.django_db
def test_marking_not_today_is_one_row_idempotent_and_replaces_done(student):
    exercise = enable_default_habit(student=student, kind="exercise")
    log_habit(student=student, habit_id=exercise.pk)

    skip_habit_day(student=student, habit_id=exercise.pk)
    skip_habit_day(student=student, habit_id=exercise.pk)

    log = HabitLog.objects.get(habit=exercise)
    assert log.not_today and log.hours is None
    assert summary_of(student, exercise).not_today

    log_habit(student=student, habit_id=exercise.pk)  # done after all
    assert not HabitLog.objects.get(habit=exercise).not_today
    assert unlog_habit(student=student, habit_id=exercise.pk, day=log.day)
    assert not HabitLog.objects.exists()


@pytest.mark.django_db
def test_not_today_follows_the_logging_rules(student):
    exercise = enable_default_habit(student=student, kind="exercise")
    today = student.enrollment.school.today()
    with pytest.raises(ValidationError):
        skip_habit_day(student=student, habit_id=exercise.pk, day=today + timedelta(days=1))
    with pytest.raises(ValidationError):
        skip_habit_day(student=student, habit_id=exercise.pk, day=today - timedelta(days=30))
    assert not HabitLog.objects.exists()


@pytest.mark.django_db
def test_the_not_today_button_swaps_the_card_in(client, student):
    exercise = enable_default_habit(student=student, kind="exercise")
    client.force_login(student)

    response = client.post(
        reverse("habit_log", args=[exercise.pk]), {"done": "not_today"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "neither counts nor breaks your run" in response.content.decode()
    assert HabitLog.objects.get(habit=exercise).not_today


@pytest.mark.django_db
def test_several_defaults_are_added_in_one_form(client, student):
    client.force_login(student)

    response = client.post(
        reverse("habit_enable"), {"kind": ["sleep", "exercise", "rest"]}, follow=True
    )

    assert set(Habit.objects.filter(student=student).values_list("kind", flat=True)) == {
        "sleep",
        "exercise",
        "rest",
    }
    assert "are on your list" in response.content.decode()


@pytest.mark.django_db
def test_adding_defaults_is_all_or_nothing_and_needs_a_tick(client, student):
    with pytest.raises(ValidationError):
        enable_default_habits(student=student, kinds=["sleep", "no-such-habit"])
    assert not Habit.objects.exists()

    client.force_login(student)
    response = client.post(reverse("habit_enable"), {}, follow=True)
    assert "Tick at least one habit" in response.content.decode()
    assert not Habit.objects.exists()
