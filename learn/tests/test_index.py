from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.services import record_screening
from conftest import make_cohort, make_school, make_student, with_totp
from learn.models import LessonProgress, TrackAssignment

from .factories import checkins, school_lesson

pytestmark = pytest.mark.django_db


def test_a_student_sees_every_track_with_lessons_and_progress(client, student):
    LessonProgress.objects.create(
        student=student, school=student.enrollment.school, lesson="naps-on-nights",
        track="sleep-on-call",
    )  # fmt: skip
    client.force_login(student)

    response = client.get(reverse("learn"))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.content.decode()
    assert "Sleep on call" in body and "Loneliness and connection" in body
    assert "1 of 1 lesson done" in body and "Suggested for you" not in body


def test_short_sleep_suggests_a_sleep_lesson_first_and_says_why_kindly(client, student):
    checkins(student, 5, sleep_hours=Decimal("5.0"))
    client.force_login(student)

    response = client.get(reverse("learn"))

    suggested = response.context["o"].suggested
    assert [row.lesson.slug for row in suggested] == ["naps-on-nights"]
    body = response.content.decode()
    assert "Your check-ins show short sleep lately." in body
    assert body.index("Suggested for you") < body.index('id="track-sleep-on-call"')


def test_a_lesson_already_done_is_not_suggested_again(client, student):
    checkins(student, 5, sleep_hours=Decimal("5.0"))
    LessonProgress.objects.create(
        student=student, school=student.enrollment.school, lesson="naps-on-nights",
        track="sleep-on-call",
    )  # fmt: skip
    client.force_login(student)

    assert client.get(reverse("learn")).context["o"].suggested == []


def test_a_lonely_screening_band_suggests_a_connection_lesson(client, student):
    record_screening(student=student, instrument_id="ucla3", answers=[3, 3, 2], submission_key="u")
    client.force_login(student)

    response = client.get(reverse("learn"))

    assert [r.lesson.slug for r in response.context["o"].suggested] == ["one-message"]
    assert "feeling lonely lately" in response.content.decode()


def test_a_track_assigned_to_my_cohort_comes_first(client, student, cohort, school):
    TrackAssignment.objects.create(
        school=school, cohort=cohort, track="loneliness-connection",
        complete_by=student.enrollment.joined_at.date() + timedelta(days=30),
    )  # fmt: skip
    client.force_login(student)

    body = client.get(reverse("learn")).content.decode()

    assert "Assigned by your school: complete by" in body
    assert body.index('id="track-loneliness-connection"') < body.index('id="track-sleep-on-call"')


def test_a_track_assigned_to_another_cohort_is_not_shown_as_assigned(client, student, school):
    other = make_cohort(school, 2029)
    TrackAssignment.objects.create(school=school, cohort=other, track="sleep-on-call")
    client.force_login(student)

    assert "Assigned by your school" not in client.get(reverse("learn")).content.decode()


def test_my_school_lessons_are_listed_but_not_another_schools(client, student, school):
    school_lesson(school, title="Our quiet room")
    school_lesson(school, title="Draft lesson", published=False)
    school_lesson(make_school("elsewhere", "Elsewhere"), title="Their lesson")
    client.force_login(student)

    body = client.get(reverse("learn")).content.decode()

    assert "Our quiet room" in body and "from your school" in body
    assert "Draft lesson" not in body and "Their lesson" not in body


def test_the_page_costs_the_same_queries_with_a_long_history(
    client, student, school, django_assert_num_queries
):
    checkins(student, 60, sleep_hours=Decimal("5.0"))
    school_lesson(school)
    client.force_login(student)
    client.get(reverse("learn"))

    # session, user (the enrollment and the nav's role come from the session); check-ins,
    # screenings, progress, school lessons, assignments: none grows with the student's history.
    with django_assert_num_queries(7):
        client.get(reverse("learn"))


def test_staff_and_anonymous_do_not_get_the_student_page(client, staff):
    assert client.get(reverse("learn")).status_code == 302
    with_totp(staff)
    client.force_login(staff)
    assert client.get(reverse("learn")).status_code == 403


def test_a_student_without_placements_still_gets_lessons(client, cohort):
    student = make_student(cohort, "new@riverside.example", rotation=None)
    client.force_login(student)
    assert client.get(reverse("learn")).status_code == 200
