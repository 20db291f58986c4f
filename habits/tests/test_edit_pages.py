import pytest
from django.urls import reverse

from conftest import with_totp
from habits.models import Habit, HabitLog
from habits.services import archive_habit, create_habit, enable_default_habit, log_habit

pytestmark = pytest.mark.django_db


def test_a_student_adds_their_own_habit(client, student):
    client.force_login(student)

    response = client.post(
        reverse("habit_new"), {"name": "Call home", "target_per_week": "2"}, follow=True
    )

    assert "“Call home” is on your list." in response.content.decode()
    habit = Habit.objects.get(student=student)
    assert (habit.kind, habit.name, habit.target_per_week, habit.target_hours) == (
        "custom", "Call home", 2, None,
    )  # fmt: skip


def test_a_bad_custom_habit_shows_errors_next_to_the_fields(client, student):
    create_habit(student=student, name="Stretch", per_week=3)
    client.force_login(student)

    empty = client.post(reverse("habit_new"), {"name": "", "target_per_week": "9"})
    taken = client.post(reverse("habit_new"), {"name": "stretch", "target_per_week": "3"})
    hours = client.post(
        reverse("habit_new"), {"name": "Nap", "target_per_week": "3", "target_hours": "30"}
    )

    assert "Give your habit a short name." in empty.content.decode()
    assert "Select a valid choice." in empty.content.decode()
    assert "You already have a habit called" in taken.content.decode()
    assert "less than or equal to 12" in hours.content.decode()
    assert Habit.objects.count() == 1


def test_editing_the_name_and_target(client, student):
    habit = enable_default_habit(student=student, kind="exercise")
    client.force_login(student)

    page = client.get(reverse("habit_edit", args=[habit.pk]))
    assert 'value="Exercise"' in page.content.decode()
    response = client.post(
        reverse("habit_edit", args=[habit.pk]), {"name": "Run", "target_per_week": "2"}
    )

    assert response.status_code == 302
    habit.refresh_from_db()
    assert (habit.name, habit.target_per_week) == ("Run", 2)


def test_a_reminder_time_is_set_and_taken_off_on_the_edit_page(client, student):
    habit = enable_default_habit(student=student, kind="exercise")
    client.force_login(student)
    url = reverse("habit_edit", args=[habit.pk])

    page = client.get(url).content.decode()
    client.post(url, {"name": "Exercise", "target_per_week": "3", "remind_at": "18:30"})
    habit.refresh_from_db()
    set_at = habit.remind_at
    again = client.get(url).content.decode()
    client.post(url, {"name": "Exercise", "target_per_week": "3", "remind_at": ""})
    habit.refresh_from_db()

    assert "Remind me at (optional)" in page and reverse("reminder_settings") in page
    assert set_at.isoformat() == "18:30:00" and 'value="18:30"' in again
    assert habit.remind_at is None


def test_a_bad_reminder_time_is_a_field_error_and_nothing_changes(client, student):
    habit = enable_default_habit(student=student, kind="exercise")
    client.force_login(student)

    response = client.post(
        reverse("habit_edit", args=[habit.pk]),
        {"name": "Run", "target_per_week": "3", "remind_at": "25:99"},
    )

    assert response.status_code == 200 and "Enter a valid time." in response.content.decode()
    habit.refresh_from_db()
    assert (habit.name, habit.remind_at) == ("Exercise", None)


def test_pausing_and_resuming_from_the_edit_page_keeps_the_history(client, student):
    habit = enable_default_habit(student=student, kind="exercise")
    log_habit(student=student, habit_id=habit.pk)
    client.force_login(student)

    client.post(reverse("habit_pause", args=[habit.pk]))
    page = client.get(reverse("habits")).content.decode()
    assert "paused</span>" in page and "Resume Exercise" in page
    assert Habit.objects.get().state == Habit.State.PAUSED
    client.post(reverse("habit_resume", args=[habit.pk]))

    assert Habit.objects.get().state == Habit.State.ACTIVE
    assert HabitLog.objects.count() == 1


def test_archiving_asks_for_confirmation_first(client, student):
    habit = enable_default_habit(student=student, kind="rest")
    log_habit(student=student, habit_id=habit.pk)
    client.force_login(student)

    confirm = client.get(reverse("habit_archive", args=[habit.pk]))
    assert "Archive “Rest or a hobby”?" in confirm.content.decode()
    assert Habit.objects.get().state == Habit.State.ACTIVE
    response = client.post(reverse("habit_archive", args=[habit.pk]), follow=True)

    assert "is archived. Its history is kept." in response.content.decode()
    assert Habit.objects.get().state == Habit.State.ARCHIVED
    assert HabitLog.objects.count() == 1


def test_an_archived_habit_cannot_be_paused_or_edited_until_restored(client, student):
    habit = enable_default_habit(student=student, kind="rest")
    archive_habit(student=student, habit_id=habit.pk)
    client.force_login(student)

    paused = client.post(reverse("habit_pause", args=[habit.pk]), follow=True)
    edited = client.post(
        reverse("habit_edit", args=[habit.pk]), {"name": "Nap", "target_per_week": "3"}
    )

    assert "restore it first" in paused.content.decode()
    assert "Restore this habit before changing it." in edited.content.decode()
    habit.refresh_from_db()
    assert (habit.name, habit.state) == ("Rest or a hobby", Habit.State.ARCHIVED)


@pytest.mark.parametrize("name", ["habit_edit", "habit_archive", "habit_pause", "habit_resume"])
def test_a_classmate_gets_404_on_the_students_habit(client, student, classmate, name):
    habit = enable_default_habit(student=student, kind="exercise")
    client.force_login(classmate)

    assert client.post(reverse(name, args=[habit.pk]), {"name": "x"}).status_code == 404
    if name in ("habit_edit", "habit_archive"):
        assert client.get(reverse(name, args=[habit.pk])).status_code == 404
    habit.refresh_from_db()
    assert (habit.name, habit.state) == ("Exercise", Habit.State.ACTIVE)


@pytest.mark.parametrize("name", ["habit_edit", "habit_archive", "habit_pause", "habit_resume"])
def test_anonymous_and_staff_are_turned_away(client, student, staff, name):
    habit = enable_default_habit(student=student, kind="exercise")
    assert client.post(reverse(name, args=[habit.pk]))["Location"].startswith("/accounts/login/")
    with_totp(staff)
    client.force_login(staff)

    assert client.post(reverse(name, args=[habit.pk])).status_code == 403
    habit.refresh_from_db()
    assert habit.state == Habit.State.ACTIVE


def test_state_changes_need_a_post(client, student):
    habit = enable_default_habit(student=student, kind="exercise")
    client.force_login(student)

    for name in ("habit_pause", "habit_resume"):
        assert client.get(reverse(name, args=[habit.pk])).status_code == 405
    assert Habit.objects.get().state == Habit.State.ACTIVE
