import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from conftest import PASSWORD, totp_code, with_totp
from e2e.steps import open_menu

pytestmark = pytest.mark.django_db(transaction=True)


def test_student_signs_up_with_an_invite_code_then_signs_in_and_out(page, invite, screenshot):
    page.goto("/")
    page.get_by_role("link", name="Join with an invite code").click()

    page.get_by_label("Invite code").fill("river-2028")
    page.get_by_label("Email").fill("jo@riverside.example")
    page.get_by_label("Password", exact=True).fill("a long enough passphrase")
    page.get_by_label("Password (again)").fill("a long enough passphrase")
    page.get_by_label("What should we call you?").fill("Jo")
    page.get_by_label("I have read who can see what").check()
    screenshot("signup")
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    link = re.search(r"https?://\S+/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Hi Jo.")).to_be_visible()
    expect(page.get_by_text("Class of 2028")).to_be_visible()
    expect(page.get_by_role("link", name="Need help now").first).to_be_visible()

    open_menu(page)
    page.get_by_role("button", name="Sign out").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()

    nav.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("jo@riverside.example")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Hi Jo.")).to_be_visible()
    open_menu(page)
    page.get_by_role("button", name="Sign out").click()
    expect(nav.get_by_role("link", name="Join")).to_be_visible()


def test_staff_signs_in_with_a_second_factor(page, staff, screenshot):
    secret = with_totp(staff)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", name="Your school", exact=True)).to_be_visible()
    expect(page.get_by_text("Riverside Medical School").first).to_be_visible()
    screenshot("staff-home")


def test_new_staff_member_is_walked_into_setting_up_an_authenticator(page, staff):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    # The password just typed is fresh enough: it is not asked for again (issue #22).
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(page.get_by_text(f"Successfully signed in as {staff.email}.")).to_be_visible()
    secret = page.locator("#authenticator_secret").inner_text()
    # The secret is text a person can select and copy, not a disabled field.
    page.locator("#authenticator_secret").dblclick()
    assert page.evaluate("window.getSelection().toString()").strip() == secret
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", name="Your school", exact=True)).to_be_visible()
