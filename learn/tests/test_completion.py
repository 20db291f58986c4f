import pytest
from django.urls import reverse

from conftest import make_cohort, make_student, with_totp
from learn.models import LessonProgress
from learn.selectors import completion_table
from learn.services import mark_lesson_done

pytestmark = pytest.mark.django_db


def finish(students, *slugs):
    for student in students:
        for slug in slugs:
            mark_lesson_done(student=student, slug=slug)


def line(table, label):
    return next(line for line in table.lines if line.label == label)


def test_counts_of_at_least_k_are_shown_and_smaller_ones_hidden(school, cohort):
    many = [make_student(cohort, f"s{i}@riverside.example", rotation=None) for i in range(12)]
    finish(many, "naps-on-nights")
    finish(many[:3], "one-message")

    table = completion_table(school)

    naps = line(table, "Naps on nights")
    assert [c.value for c in naps.cells] == [12] and naps.total.value == 12
    assert line(table, "Sleep on call: whole track").cells[0].value == 12
    lonely = line(table, "One message a day")
    assert lonely.cells[0].reason == "fewer than 10 students"
    assert lonely.total.reason == "fewer than 10 students"


def test_a_small_cohort_is_hidden_and_so_is_its_sibling_so_nothing_subtracts_out(school, cohort):
    small = make_cohort(school, 2029)
    finish(
        [make_student(cohort, f"a{i}@riverside.example", None) for i in range(12)], "naps-on-nights"
    )
    finish(
        [make_student(small, f"b{i}@riverside.example", None) for i in range(2)], "naps-on-nights"
    )

    naps = line(completion_table(school), "Naps on nights")

    assert all(getattr(c, "reason", None) for c in naps.cells)
    assert naps.total.value == 14


def test_the_staff_page_shows_n_and_the_reason_never_who(client, staff, school, cohort, student):
    finish([student], "naps-on-nights")
    with_totp(staff)
    client.force_login(staff)

    response = client.get(reverse("learn_school"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Not shown: fewer than 10 students" in body
    assert student.email not in body and "n=1" not in body
    assert LessonProgress.objects.count() == 1


def test_another_schools_progress_never_counts(school, other_school, cohort):
    theirs = make_cohort(other_school, 2028)
    finish(
        [make_student(theirs, f"x{i}@hillcrest.example", None) for i in range(12)], "naps-on-nights"
    )

    naps = line(completion_table(school), "Naps on nights")

    assert naps.total.reason == "fewer than 10 students"
