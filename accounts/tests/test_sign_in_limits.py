"""Sign-in limits count per account and per (account, client), never per address alone:
behind the reverse proxy, and on a campus network, many people share one address."""

import time
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from conftest import PASSWORD, make_user, totp_code, with_totp

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
CAMPUS = "203.0.113.7"
HOME = "198.51.100.20"
LOCKED = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def behind_one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def sign_in(client, email, password, *, client_address=CAMPUS, **headers):
    """A sign-in through the proxy, which appends the client's address to X-Forwarded-For."""
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
        **headers,
    )


def signed_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def later(minutes: int):
    return mock.patch(
        "allauth.core.internal.ratelimit.time.time", return_value=time.time() + minutes * 60
    )


def test_twenty_failures_from_one_address_do_not_lock_out_another_account(
    client, student, classmate
):
    for n in range(20):
        wrong = sign_in(client, f"guess{n}@riverside.example", "not the password")
        assert LOCKED not in wrong.content.decode()
    for _ in range(4):
        sign_in(client, classmate.email, "not the password")

    sign_in(client, student.email, PASSWORD)

    assert signed_in_as(client, student)


def test_five_failures_lock_the_account_for_that_client_until_the_cool_off_passes(client, student):
    for _ in range(5):
        sign_in(client, student.email, "not the password")

    locked = sign_in(client, student.email, PASSWORD)
    assert LOCKED in locked.content.decode()
    assert not signed_in_as(client, student)

    sign_in(client, student.email, PASSWORD, client_address=HOME)  # the student, elsewhere
    assert signed_in_as(client, student)
    client.logout()

    with later(minutes=16):
        sign_in(client, student.email, PASSWORD)
    assert signed_in_as(client, student)


def test_twenty_failures_spread_over_many_addresses_lock_the_account_everywhere(
    client, student, classmate
):
    for n in range(20):
        sign_in(client, student.email, "not the password", client_address=f"192.0.2.{n}")

    locked = sign_in(client, student.email, PASSWORD, client_address=HOME)
    assert LOCKED in locked.content.decode()
    assert not signed_in_as(client, student)

    sign_in(client, classmate.email, PASSWORD, client_address=HOME)
    assert signed_in_as(client, classmate)
    client.logout()

    with later(minutes=16):
        sign_in(client, student.email, PASSWORD, client_address=HOME)
    assert signed_in_as(client, student)


def test_signing_in_often_never_locks_anyone_out(client, student):
    for _ in range(8):
        sign_in(client, student.email, PASSWORD)
        assert signed_in_as(client, student)
        client.logout()


def test_a_campus_signing_in_at_once_is_not_capped_at_thirty_a_minute(client):
    people = [make_user(f"student{n}@riverside.example") for n in range(40)]

    for person in people:
        response = sign_in(client, person.email, PASSWORD)
        assert response.status_code == 302, person.email
        client.logout()


def test_addresses_in_one_ipv6_network_are_one_client(client, student):
    for n in range(5):
        sign_in(client, student.email, "not the password", client_address=f"2001:db8:1:2::{n}")

    locked = sign_in(client, student.email, PASSWORD, client_address="2001:db8:1:2:ffff::1")

    assert LOCKED in locked.content.decode()


def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(client, student, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        sign_in(client, student.email, "not the password", client_address=f"192.0.2.{n}")

    locked = sign_in(client, student.email, PASSWORD, client_address=HOME)

    assert LOCKED in locked.content.decode()


def test_fewer_forwarded_addresses_than_proxies_is_not_a_server_error(client, student, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    response = sign_in(client, student.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in_as(client, student)


def test_a_password_reset_ends_the_lockout(client, student):
    for n in range(20):
        sign_in(client, student.email, "not the password", client_address=f"192.0.2.{n}")

    client.post(reverse("account_reset_password"), {"email": student.email})
    link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/password/reset/key/" in line
    )
    form_page = client.get(link.strip(), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "a brand new passphrase", "password2": "a brand new passphrase"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=HOME,
    )

    sign_in(client, student.email, "a brand new passphrase", client_address=HOME)
    assert signed_in_as(client, student)


def test_five_wrong_second_factor_codes_lock_the_code_step(client, staff):
    secret = with_totp(staff)
    sign_in(client, staff.email, PASSWORD)
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})

    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert not signed_in_as(client, staff)
