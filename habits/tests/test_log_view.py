from datetime import timedelta

import pytest
from django.urls import reverse

from conftest import with_totp
from habits.models import HabitLog
from habits.services import enable_default_habit, log_habit, pause_habit
from habits.tests.factories import today_for

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def exercise(student):
    return enable_default_habit(student=student, kind="exercise")


def url(habit):
    return reverse("habit_log", args=[habit.pk])


def test_one_tap_with_htmx_logs_today_and_swaps_in_the_card(client, student, exercise):
    client.force_login(student)

    response = client.post(url(exercise), {"done": "1"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li class="card habit" id="habit-{exercise.pk}"')
    assert "<html" not in html
    assert 'aria-pressed="true"' in html and "1 of 3 this week" in html
    assert HabitLog.objects.get().day == today_for(student)


def test_without_javascript_the_tap_redirects_back_to_the_list(client, student, exercise):
    client.force_login(student)

    response = client.post(url(exercise), {"done": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('habits')}#habit-{exercise.pk}"
    assert HabitLog.objects.count() == 1


def test_a_double_tap_leaves_one_log_and_undo_removes_it(client, student, exercise):
    client.force_login(student)

    client.post(url(exercise), {"done": "1"}, **HTMX)
    client.post(url(exercise), {"done": "1"}, **HTMX)
    assert HabitLog.objects.count() == 1
    response = client.post(url(exercise), {"done": "0"}, **HTMX)
    assert 'aria-pressed="false"' in response.content.decode()
    assert not HabitLog.objects.exists()


def test_back_filling_yesterday_from_the_row(client, student, exercise):
    client.force_login(student)
    yesterday = today_for(student) - timedelta(days=1)

    response = client.post(url(exercise), {"day": yesterday.isoformat(), "done": "1"}, **HTMX)

    label = f"Exercise on {yesterday:%a} {yesterday.day} {yesterday:%b}, done"
    assert label in response.content.decode()
    assert HabitLog.objects.get().day == yesterday


@pytest.mark.parametrize("offset", [8, -1])
def test_days_outside_the_window_show_an_error_and_write_nothing(client, student, exercise, offset):
    client.force_login(student)
    day = today_for(student) - timedelta(days=offset)

    response = client.post(url(exercise), {"day": day.isoformat(), "done": "1"}, **HTMX)
    assert 'role="alert"' in response.content.decode()
    fallback = client.post(url(exercise), {"day": day.isoformat(), "done": "1"}, follow=True)
    assert "Not saved:" in fallback.content.decode()
    assert not HabitLog.objects.exists()


def test_a_garbled_day_or_absurd_hours_write_nothing(client, student, exercise):
    sleep = enable_default_habit(student=student, kind="sleep")
    client.force_login(student)

    bad_day = client.post(url(exercise), {"day": "yesterday", "done": "1"}, **HTMX)
    bad_hours = client.post(url(sleep), {"hours": "-3", "done": "1"}, **HTMX)

    assert "Pick a day from the row." in bad_day.content.decode()
    assert "greater than or equal to 0" in bad_hours.content.decode()
    assert not HabitLog.objects.exists()


def test_sleep_hours_are_logged_with_the_tap(client, student):
    sleep = enable_default_habit(student=student, kind="sleep")
    client.force_login(student)

    response = client.post(url(sleep), {"hours": "6.5", "done": "1"}, **HTMX)

    assert "6.5 hours" in response.content.decode()
    assert str(HabitLog.objects.get().hours) == "6.5"


def test_a_paused_habit_cannot_be_logged(client, student, exercise):
    pause_habit(student=student, habit_id=exercise.pk)
    client.force_login(student)

    response = client.post(url(exercise), {"done": "1"}, follow=True)

    assert "is paused. Resume it to log it." in response.content.decode()
    assert not HabitLog.objects.exists()


def test_from_the_checkin_page_the_toggle_comes_back_or_the_browser_returns_there(
    client, student, exercise
):
    client.force_login(student)

    swapped = client.post(url(exercise), {"from": "checkin", "done": "1"}, **HTMX)
    html = swapped.content.decode()
    assert html.lstrip().startswith(f'<li id="checkin-habit-{exercise.pk}">')
    assert 'aria-pressed="true"' in html
    plain = client.post(url(exercise), {"from": "checkin", "done": "0"})
    assert plain["Location"] == reverse("checkin")
    assert not HabitLog.objects.exists()


def test_a_classmate_gets_404_for_the_students_habit(client, student, classmate, exercise):
    log_habit(student=student, habit_id=exercise.pk)
    client.force_login(classmate)

    assert client.post(url(exercise), {"done": "0"}).status_code == 404
    assert client.post(url(exercise), {"done": "1"}, **HTMX).status_code == 404
    assert HabitLog.objects.count() == 1


def test_anonymous_and_staff_cannot_log(client, staff, exercise):
    response = client.post(url(exercise), {"done": "1"})
    assert response["Location"].startswith(reverse("account_login"))
    with_totp(staff)
    client.force_login(staff)
    assert client.post(url(exercise), {"done": "1"}).status_code == 403
    assert not HabitLog.objects.exists()


def test_logging_needs_a_post(client, student, exercise):
    client.force_login(student)

    assert client.get(url(exercise)).status_code == 405
    assert not HabitLog.objects.exists()
