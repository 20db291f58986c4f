import pytest
from django.urls import reverse

from conftest import PASSWORD, totp_code, with_totp

pytestmark = pytest.mark.django_db


def test_staff_without_an_authenticator_must_set_one_up_first(client, staff):
    client.force_login(staff)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_operator_without_an_authenticator_must_set_one_up_first(client, operator):
    client.force_login(operator)

    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")


def test_staff_without_an_authenticator_gets_json_403_from_the_api(client, staff):
    client.force_login(staff)

    response = client.get("/api/me")

    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_student_is_not_forced_into_mfa(client, student):
    client.force_login(student)

    response = client.get(reverse("home"))

    assert response.status_code == 200


def test_staff_login_asks_for_the_code_then_shows_the_school(client, staff, student):
    secret = with_totp(staff)

    first_step = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert first_step["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session
    assert wrong.status_code == 200

    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.session["_auth_user_id"] == str(staff.pk)

    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert b"Riverside Medical School" in page.content
    assert student.email.encode() not in page.content


def test_the_second_factor_message_is_said_once_however_many_pages_redirected(client, staff):
    # A sign-in redirects more than once, and a browser fetches more than the page (the web
    # app manifest, the service worker): each request stopped used to add the message again.
    client.force_login(staff)
    for path in (reverse("home"), reverse("home"), "/insights/"):
        assert client.get(path)["Location"] == reverse("mfa_activate_totp")

    page = client.get(reverse("mfa_activate_totp"), follow=True)

    assert page.content.decode().count("Staff accounts need two-factor authentication") == 1
