"""A student can see whether they count toward their school's anonymous figures."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from conftest import make_cohort, make_student, with_totp
from schools.models import RosterEntry
from schools.roster import mark_verified_by_identity_provider, refresh_verification

pytestmark = pytest.mark.django_db

NOT_COUNTED = (
    "Your school has not confirmed you are on its roster yet: your answers stay private and "
    "are not counted in any group figure."
)


@pytest.fixture
def student(cohort):
    """Signed up with an invite code, email confirmed, not (yet) on the school's roster."""
    return make_student(cohort, "student@riverside.example", rotation="surgery", on_roster=False)


def test_a_student_not_on_the_roster_is_told_their_answers_are_not_counted(client, student):
    refresh_verification(student.enrollment)
    client.force_login(student)

    body = client.get(reverse("my_data")).content.decode()

    assert NOT_COUNTED in body


def test_a_student_on_the_roster_is_told_they_count_anonymously(client, school, cohort, student):
    RosterEntry.objects.create(school=school, email=student.email, cohort=cohort)
    refresh_verification(student.enrollment)
    client.force_login(student)

    body = client.get(reverse("my_data")).content.decode()

    assert "has confirmed you are one of its students" in body
    assert "never you" in body
    assert NOT_COUNTED not in body
    assert "sign-in service" not in body


def test_a_student_verified_by_single_sign_on_is_told_so(client, student):
    mark_verified_by_identity_provider(student.enrollment)
    client.force_login(student)

    body = client.get(reverse("my_data")).content.decode()

    assert "you signed in through its sign-in service" in body


def test_staff_see_no_such_status(client, staff):
    with_totp(staff)
    client.force_login(staff)

    response = client.get(reverse("my_data"))

    assert response.status_code == 200
    assert "Your data" in response.content.decode()
    assert "anonymous figures" not in response.content.decode()


def test_a_student_is_told_what_stands_between_them_and_counting(client, school, cohort, student):
    client.force_login(student)
    refresh_verification(student.enrollment)
    assert "If you think it should, ask" in client.get(reverse("my_data")).content.decode()

    later = make_cohort(school, 2029)
    RosterEntry.objects.create(school=school, email=student.email, cohort=later)
    body = client.get(reverse("my_data")).content.decode()
    assert "lists your email address in another cohort than the one you joined" in body

    EmailAddress.objects.filter(user=student).update(verified=False)
    body = client.get(reverse("my_data")).content.decode()
    assert "First confirm your email address" in body
