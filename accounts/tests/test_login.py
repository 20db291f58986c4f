import time
from unittest import mock

import pytest
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_student_signs_in_and_out(client, student):
    response = login(client, student.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_wrong_password_and_unknown_email_get_the_same_answer(client, student):
    wrong_password = login(client, student.email, "not the password")
    unknown_email = login(client, "nobody@riverside.example", "not the password")

    assert wrong_password.status_code == unknown_email.status_code == 200
    message = "The email address and/or password you specified are not correct."
    assert message in wrong_password.content.decode()
    assert message in unknown_email.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_login_until_the_cool_off_passes(client, student):
    for _ in range(5):
        login(client, student.email, "not the password")

    locked = login(client, student.email, PASSWORD)
    assert "Too many failed login attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    sixteen_minutes_later = time.time() + 16 * 60
    with mock.patch(
        "allauth.core.internal.ratelimit.time.time", return_value=sixteen_minutes_later
    ):
        unlocked = login(client, student.email, PASSWORD)
    assert unlocked.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)


def test_password_reset_does_not_reveal_who_has_an_account(client, student):
    known = client.post(reverse("account_reset_password"), {"email": student.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "ghost@riverside.example"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
