from datetime import timedelta

import pytest
from django.urls import reverse

from conftest import with_totp
from schools.selectors import enrollment_for

from .factories import add_checkins

pytestmark = pytest.mark.django_db


def test_student_sees_trends_rotations_and_the_week(client, student):
    today = enrollment_for(student).school.today()
    add_checkins(student, days=10, end=today - timedelta(days=20), rotation="psychiatry")
    add_checkins(student, days=14, rotation="surgery", values=lambda i, d: {"mood": 2 + i % 2})
    client.force_login(student)

    response = client.get(reverse("insights"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert html.count('role="img"') == 5
    assert "Your mood averaged 2.6 over the last 7 days" in html
    assert "On Psychiatry vs Surgery" in html
    assert 'Surgery <span class="muted">(14 days)</span>' in html
    assert "<summary>Mood as a table</summary>" in html
    assert "style=" not in html.split("<main", 1)[1]


def test_a_student_without_check_ins_gets_an_encouraging_empty_page(client, student):
    client.force_login(student)

    html = client.get(reverse("insights")).content.decode()

    assert "No check-ins in the last 90 days yet." in html
    assert "Once you have at least 3 check-ins on a rotation" in html
    assert "Not enough days yet to show any link." in html


def test_query_count_does_not_grow_with_history(client, student, django_assert_max_num_queries):
    client.force_login(student)
    add_checkins(student, days=20)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("insights"))
    add_checkins(student, days=300, end=enrollment_for(student).school.today() - timedelta(days=20))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("insights")).status_code == 200


def test_habit_links_stay_hidden_below_14_days_in_a_group(client, student):
    # Moved on 13 days only: not enough to compare.
    add_checkins(student, days=40, values=lambda i, d: {"moved": i < 13})
    client.force_login(student)

    html = client.get(reverse("insights")).content.decode()

    assert "On days after you moved your body" not in html
    assert "Days after you moved your body: 1 more days of check-ins are needed" in html


def test_habit_links_show_as_an_association_with_days_and_interval(client, student):
    # Moving on even days, and the next day's mood is better after them.
    add_checkins(
        student, days=60, values=lambda i, d: {"moved": i % 2 == 0, "mood": 4 if i % 2 else 3}
    )
    client.force_login(student)

    html = client.get(reverse("insights")).content.decode()

    assert (
        "On days after you moved your body, your mood was on average 1.0 higher "
        "(95% interval 1.0 to 1.0, 30 vs 29 days). This is an association, not proof of cause."
    ) in html


def test_staff_get_403_and_anonymous_go_to_sign_in(client, staff):
    for name in ["insights", "insights_week"]:
        assert client.get(reverse(name))["Location"].startswith(reverse("account_login"))
    with_totp(staff)
    client.force_login(staff)
    for name in ["insights", "insights_week"]:
        assert client.get(reverse(name)).status_code == 403


def test_the_week_page(client, student):
    today = enrollment_for(student).school.today()
    add_checkins(student, days=7, end=today - timedelta(days=7), values=lambda i, d: {"mood": 2})
    add_checkins(student, days=7, values=lambda i, d: {"mood": 4, "moved": True})
    client.force_login(student)

    html = client.get(reverse("insights_week")).content.decode()

    assert "Your mood was higher: 4.0 on average, from 2.0 the week before." in html
    assert "You moved your body on 7 of the 7 days you checked in." in html
