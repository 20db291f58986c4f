"""What staff see of peer circles: counts that are shares of the cohort, as of a week's end."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from circles.models import Circle, CircleProfile
from circles.services import circle_counts_by_cohort, leave_circle, opt_out_of_circles
from conftest import make_staff, make_student, with_totp
from schools.models import School, StaffRole

from .circle_factories import join

pytestmark = pytest.mark.django_db

THIS_WEEK = timezone.localdate()
NEXT_WEEK = THIS_WEEK + timedelta(weeks=1)


def on(monkeypatch, day) -> None:
    """Make `day` the school's today for the circle services and the overview."""
    monkeypatch.setattr(School, "today", lambda school: day)


def students(cohort, count: int, prefix: str) -> list:
    return [make_student(cohort, f"{prefix}{i}@riverside.example") for i in range(count)]


def opted_in_but_not_looking(users, prefix: str) -> None:
    """Opted in and out of any circle (as after leaving one), without running matching."""
    for i, user in enumerate(users):
        CircleProfile.objects.create(
            student=user,
            school=user.enrollment.school,
            pseudonym=f"{prefix} {i:02d}",
            pseudonym_key=f"{prefix} {i:02d}".casefold(),
            looking=False,
            guidelines_accepted_at=timezone.now(),
        )


@pytest.fixture
def dean(school):
    user = make_staff(school, "dean@riverside.example", role=StaffRole.DEAN)
    with_totp(user)
    return user


def overview(client, dean) -> str:
    client.force_login(dean)
    return client.get(reverse("circles_overview")).content.decode()


def test_a_whole_cohort_that_joined_is_never_shown_as_a_number(
    client, monkeypatch, cohort, student, dean
):
    on(monkeypatch, THIS_WEEK)
    users = [student, *students(cohort, 11, "s")]
    for i, user in enumerate(users):
        join(user, f"Name {i:02d}")
    on(monkeypatch, NEXT_WEEK)

    html = overview(client, dean)

    assert "<td>12</td>" not in html and "Name 00" not in html
    assert "fewer than 10 students on one side of this share" in html


def test_counts_show_when_k_are_on_both_sides_and_the_columns_add_up(
    client, monkeypatch, cohort, student, dean
):
    on(monkeypatch, THIS_WEEK)
    for i, user in enumerate([student, *students(cohort, 11, "s")]):
        join(user, f"Name {i:02d}")
    opted_in_but_not_looking(students(cohort, 10, "w"), "Waiting")
    students(cohort, 12, "n")  # enrolled, never joined
    on(monkeypatch, NEXT_WEEK)

    html = overview(client, dean)

    assert html.count("<td>12</td>") == 2  # in a circle: the cohort, and all cohorts
    assert html.count("<td>10</td>") == 2 and html.count("<td>22</td>") == 2
    assert "Circles formed by then: 3." in html


def test_a_count_under_k_cannot_be_worked_out_by_subtraction(
    client, monkeypatch, cohort, student, dean
):
    on(monkeypatch, THIS_WEEK)
    for i, user in enumerate([student, *students(cohort, 11, "s")]):
        join(user, f"Name {i:02d}")
    opted_in_but_not_looking(students(cohort, 3, "w"), "Waiting")
    students(cohort, 19, "n")
    on(monkeypatch, NEXT_WEEK)

    counts = circle_counts_by_cohort(cohort.school)
    html = overview(client, dean)

    row = counts.rows[0]
    assert row.opted_in.value == 15
    assert not hasattr(row.in_circle, "value") and not hasattr(row.not_in_circle, "value")
    assert "<td>15</td>" in html and "<td>12</td>" not in html and "<td>3</td>" not in html


def figures(cohort) -> tuple:
    row = circle_counts_by_cohort(cohort.school).rows[0]
    return tuple(
        getattr(c, "value", None) for c in (row.in_circle, row.not_in_circle, row.opted_in)
    )


def test_counts_stand_still_within_a_week_and_move_at_its_end(monkeypatch, cohort, student):
    on(monkeypatch, THIS_WEEK)
    joined = [student, *students(cohort, 11, "s")]
    for i, user in enumerate(joined):
        join(user, f"Name {i:02d}")
    opted_in_but_not_looking(students(cohort, 10, "w"), "Waiting")
    late = students(cohort, 13, "n")
    on(monkeypatch, NEXT_WEEK)
    before = figures(cohort)

    join(late[0], "Latecomer")  # one joins, one leaves peer circles, one leaves a circle
    opt_out_of_circles(student=joined[0])
    leave_circle(
        student=joined[1],
        circle_id=Circle.objects.get(memberships__profile__student=joined[1]).pk,
    )
    during = figures(cohort)
    on(monkeypatch, NEXT_WEEK + timedelta(weeks=1))
    after = figures(cohort)

    assert before == during == (12, 10, 22)  # in a circle, opted in but not, opted in
    assert after == (10, 12, 22)


def test_deleting_an_account_keeps_the_weeks_counts(monkeypatch, cohort, student):
    from accounts.data_ownership import delete_account

    on(monkeypatch, THIS_WEEK)
    for i, user in enumerate([student, *students(cohort, 11, "s")]):
        join(user, f"Name {i:02d}")
    opted_in_but_not_looking(students(cohort, 10, "w"), "Waiting")
    students(cohort, 12, "n")
    on(monkeypatch, NEXT_WEEK)

    delete_account(user=student)

    assert figures(cohort) == (12, 10, 22)
