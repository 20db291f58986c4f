from datetime import timedelta

import pytest
from django.urls import reverse

from conftest import with_totp
from habits.models import DEFAULT_HABITS, Habit, HabitLog
from habits.services import archive_habit, create_habit, enable_default_habit, log_habit
from habits.tests.factories import log_days, today_for

pytestmark = pytest.mark.django_db


def test_a_new_student_sees_the_default_habits_as_one_tap_buttons(client, student):
    client.force_login(student)

    response = client.get(reverse("habits"))

    html = response.content.decode()
    assert response.status_code == 200
    for default in DEFAULT_HABITS:
        assert f'name="kind" value="{default.kind}"' in html
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_enabling_a_default_in_one_tap(client, student):
    client.force_login(student)

    response = client.post(reverse("habit_enable"), {"kind": "exercise"}, follow=True)

    html = response.content.decode()
    assert "“Exercise” is on your list." in html
    assert 'value="exercise"' not in html
    assert Habit.objects.get(student=student).kind == "exercise"


def test_enabling_needs_a_post_and_a_known_kind(client, student):
    client.force_login(student)

    assert client.get(reverse("habit_enable")).status_code == 405
    response = client.post(reverse("habit_enable"), {"kind": "nope"}, follow=True)
    assert "Unknown habit" in response.content.decode()
    assert not Habit.objects.exists()


def test_the_list_shows_strength_kind_streaks_and_the_back_fill_row(client, student):
    habit = enable_default_habit(student=student, kind="healthy_eating")
    log_days(habit, 0, 1, 2, 4, 5)
    client.force_login(student)

    html = client.get(reverse("habits")).content.decode()

    assert "5 of the last 7 days" in html
    assert "a 6-day run" in html
    assert 'aria-pressed="true"' in html
    assert "<meter" in html and "Strength " in html
    yesterday = today_for(student) - timedelta(days=1)
    assert (
        f'aria-label="Healthy eating on {yesterday:%a} {yesterday.day} {yesterday:%b}, done"'
        in html
    )
    three_ago = today_for(student) - timedelta(days=3)
    assert f"Healthy eating on {three_ago:%a} {three_ago.day} {three_ago:%b}, not done" in html
    # Never a broken-chain count.
    assert "broken" not in html.lower() and "0-day" not in html


def test_weekly_habits_are_worded_by_the_week(client, student):
    habit = create_habit(student=student, name="Swim", per_week=1)
    log_habit(student=student, habit_id=habit.pk)
    client.force_login(student)

    assert "On track this week" in client.get(reverse("habits")).content.decode()


def test_archived_habits_are_listed_collapsed_with_a_restore_button(client, student):
    habit = enable_default_habit(student=student, kind="therapy")
    log_habit(student=student, habit_id=habit.pk)
    archive_habit(student=student, habit_id=habit.pk)
    client.force_login(student)

    html = client.get(reverse("habits")).content.decode()

    assert "<details" in html and "Archived habits (1)" in html
    assert "Restore Therapy or counselling" in html
    assert 'id="habit-' not in html
    client.post(reverse("habit_resume", args=[habit.pk]))
    assert Habit.objects.get().state == Habit.State.ACTIVE
    assert HabitLog.objects.count() == 1


def test_the_page_does_not_grow_queries_with_habits_or_logs(
    client, student, django_assert_max_num_queries
):
    client.force_login(student)
    habit = enable_default_habit(student=student, kind="exercise")
    log_days(habit, *range(0, 300, 2))
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("habits"))
    for default in DEFAULT_HABITS:
        enable_default_habit(student=student, kind=default.kind)
    for other in Habit.objects.exclude(pk=habit.pk):
        log_days(other, *range(0, 300, 3))
    create_habit(student=student, name="Stretch", per_week=3)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("habits"))
    assert response.content.decode().count('class="card habit') == len(DEFAULT_HABITS) + 1


def test_a_student_only_sees_their_own_habits(client, student, classmate):
    enable_default_habit(student=classmate, kind="meditation")
    client.force_login(student)

    html = client.get(reverse("habits")).content.decode()

    assert 'id="habit-' not in html
    assert 'name="kind" value="meditation"' in html


def test_anonymous_and_staff_are_turned_away(client, staff):
    for name in ("habits", "habit_new"):
        assert client.get(reverse(name))["Location"].startswith(reverse("account_login"))
    assert client.post(reverse("habit_enable"), {"kind": "sleep"}).status_code == 302
    with_totp(staff)
    client.force_login(staff)
    assert client.get(reverse("habits")).status_code == 403
    assert client.get(reverse("habit_new")).status_code == 403
    assert client.post(reverse("habit_enable"), {"kind": "sleep"}).status_code == 403
    assert not Habit.objects.exists()
