import pytest
from django.urls import reverse

from conftest import with_totp

from .factories import make_resource

pytestmark = pytest.mark.django_db
URL = reverse("support_manage")


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_students_are_refused(client, student):
    client.force_login(student)

    assert client.get(URL).status_code == 403


def test_staff_without_a_second_factor_must_set_one_up(client, staff):
    # /help/ is exempt from the MFA middleware, so the view must check it itself.
    client.force_login(staff)

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_see_their_schools_entries_only(client, staff, school, other_school):
    make_resource(school, "Riverside Counselling")
    make_resource(other_school, "Hillcrest Counselling")
    with_totp(staff)
    client.force_login(staff)

    response = client.get(URL)

    assert response.status_code == 200
    assert b"Riverside Counselling" in response.content
    assert b"Hillcrest Counselling" not in response.content


def test_staff_of_another_school_do_not_see_ours(client, other_staff, school):
    make_resource(school, "Riverside Counselling")
    with_totp(other_staff)
    client.force_login(other_staff)

    response = client.get(URL)

    assert response.status_code == 200
    assert b"Riverside Counselling" not in response.content
