from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from habits.models import DEFAULT_HABITS, Habit
from habits.services import (
    archive_habit,
    create_habit,
    enable_default_habit,
    pause_habit,
    resume_habit,
    update_habit,
)

pytestmark = pytest.mark.django_db


def test_every_default_habit_switches_on_in_one_call(student):
    for default in DEFAULT_HABITS:
        enable_default_habit(student=student, kind=default.kind)

    habits = list(Habit.objects.filter(student=student))
    assert [h.kind for h in habits] == [d.kind for d in DEFAULT_HABITS]
    assert [h.position for h in habits] == list(range(len(DEFAULT_HABITS)))
    sleep = habits[0]
    assert (sleep.name, sleep.target_hours, sleep.target_per_week) == ("Sleep", Decimal("7.5"), 7)
    assert {h.school_id for h in habits} == {student.enrollment.school_id}


def test_enabling_twice_is_harmless_and_restores_an_archived_habit(student):
    first = enable_default_habit(student=student, kind="exercise")
    assert enable_default_habit(student=student, kind="exercise").pk == first.pk

    archive_habit(student=student, habit_id=first.pk)
    again = enable_default_habit(student=student, kind="exercise")

    assert again.pk == first.pk
    assert again.state == Habit.State.ACTIVE
    assert Habit.objects.count() == 1


def test_an_unknown_default_is_refused(student):
    with pytest.raises(ValidationError, match="Unknown habit"):
        enable_default_habit(student=student, kind="doomscrolling")
    assert not Habit.objects.exists()


def test_a_student_creates_their_own_habit(student):
    habit = create_habit(student=student, name="  Call home ", per_week=2)

    assert (habit.kind, habit.name, habit.target_per_week) == ("custom", "Call home", 2)
    assert habit.state == Habit.State.ACTIVE


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "per_week": 3}, "name"),
        ({"name": "x" * 61, "per_week": 3}, "name"),
        ({"name": "Stretch", "per_week": 0}, "target_per_week"),
        ({"name": "Stretch", "per_week": 8}, "target_per_week"),
        ({"name": "Nap", "per_week": 3, "target_hours": "2"}, "target_hours"),
        ({"name": "Nap", "per_week": 3, "target_hours": "13"}, "target_hours"),
    ],
)
def test_bad_custom_habits_are_refused_and_nothing_written(student, fields, field):
    with pytest.raises(ValidationError) as error:
        create_habit(student=student, **fields)

    assert field in error.value.message_dict
    assert not Habit.objects.exists()


def test_two_current_habits_cannot_share_a_name(student):
    create_habit(student=student, name="Stretch", per_week=3)

    with pytest.raises(ValidationError, match="already have"):
        create_habit(student=student, name="stretch", per_week=2)
    assert Habit.objects.count() == 1


def test_update_changes_only_what_is_given(student):
    sleep = enable_default_habit(student=student, kind="sleep")

    update_habit(student=student, habit_id=sleep.pk, target_hours="8")

    sleep.refresh_from_db()
    assert (sleep.name, sleep.target_per_week, sleep.target_hours) == ("Sleep", 7, Decimal("8"))
    with pytest.raises(ValidationError):
        update_habit(student=student, habit_id=sleep.pk, target_hours="20")
    sleep.refresh_from_db()
    assert sleep.target_hours == Decimal("8")


def test_pause_resume_and_archive(student):
    habit = enable_default_habit(student=student, kind="meditation")

    paused = pause_habit(student=student, habit_id=habit.pk)
    assert paused.state == Habit.State.PAUSED and paused.paused_at is not None
    resumed = resume_habit(student=student, habit_id=habit.pk)
    assert resumed.state == Habit.State.ACTIVE and resumed.paused_at is None
    archived = archive_habit(student=student, habit_id=habit.pk)
    assert archived.state == Habit.State.ARCHIVED and archived.archived_at is not None
    with pytest.raises(ValidationError):
        pause_habit(student=student, habit_id=habit.pk)
    with pytest.raises(ValidationError, match="Restore"):
        update_habit(student=student, habit_id=habit.pk, name="Breathe")


def test_another_students_habit_cannot_be_changed(student, classmate):
    habit = enable_default_habit(student=student, kind="exercise")

    for change in (pause_habit, resume_habit, archive_habit):
        with pytest.raises(Http404):
            change(student=classmate, habit_id=habit.pk)
    with pytest.raises(Http404):
        update_habit(student=classmate, habit_id=habit.pk, name="Mine now")
    habit.refresh_from_db()
    assert (habit.name, habit.state) == ("Exercise", Habit.State.ACTIVE)


def test_staff_cannot_have_habits(staff):
    with pytest.raises(ValidationError, match="joined a cohort"):
        enable_default_habit(student=staff, kind="exercise")
    assert not Habit.objects.exists()
