import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from habits.selectors import checkin_habit_context
from habits.services import enable_default_habit, log_habit

pytestmark = pytest.mark.django_db


def render_row(student) -> str:
    request = RequestFactory().get("/checkin/")
    request.user = student
    return render_to_string("habits/_checkin_row.html", checkin_habit_context(student), request)


def test_the_row_has_a_one_tap_form_per_active_habit_that_works_without_js(student):
    exercise = enable_default_habit(student=student, kind="exercise")
    sleep = enable_default_habit(student=student, kind="sleep")
    log_habit(student=student, habit_id=sleep.pk)

    html = render_row(student)

    assert html.count("<form") == 2
    assert f'action="/habits/{exercise.pk}/log/"' in html
    assert f'hx-post="/habits/{exercise.pk}/log/"' in html
    assert 'name="from" value="checkin"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert html.count('aria-pressed="true"') == 1


def test_no_habits_no_row(student):
    assert render_row(student).strip() == ""
