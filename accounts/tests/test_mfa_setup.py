"""Setting up staff MFA (issue #22): one password prompt, the account's email in messages, a
secret that can be copied, and a way on from the recovery codes."""

import time

import pytest
from django.urls import reverse

from accounts.sign_in_limits import SIGNED_IN_AT
from conftest import PASSWORD, totp_code

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_a_fresh_sign_in_goes_straight_to_the_setup_with_the_email_and_a_copyable_secret(
    client, staff
):
    sign_in(client, staff)

    page = client.get(reverse("mfa_activate_totp"))

    html = page.content.decode()
    assert page.status_code == 200
    assert f"Successfully signed in as {staff.email}." in html
    assert "user " + str(staff.pk) not in html
    assert 'class="mfa-secret" id="authenticator_secret"' in html
    assert "disabled" not in html.split('id="authenticator_secret"')[1].split(">")[0]


def test_setting_up_ends_on_the_recovery_codes_with_a_continue_link(client, staff):
    sign_in(client, staff)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret

    activated = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    codes = client.get(activated["Location"])

    assert activated["Location"] == reverse("mfa_view_recovery_codes")
    html = codes.content.decode()
    assert codes.status_code == 200
    assert f'href="{reverse("home")}">Continue</a>' in html
    assert 'class="recovery-codes"' in html


def test_an_old_sign_in_is_asked_for_the_password_again(client, staff):
    sign_in(client, staff)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 3600
    session.save()

    page = client.get(reverse("mfa_activate_totp"))

    assert page.status_code == 302 and "/reauthenticate/" in page["Location"]


def test_removing_an_authenticator_still_asks_for_the_password(client, staff):
    sign_in(client, staff)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    page = client.get(reverse("mfa_deactivate_totp"))

    assert page.status_code == 302 and "reauthenticate" in page["Location"]
