"""Steps a person takes in the browser, shared by the end-to-end tests."""

from conftest import PASSWORD, totp_code


def sign_in(page, user, secret: str | None = None) -> None:
    """Sign in through the real form (and the authenticator step for staff) and wait until
    the app, not the sign-in flow, is on screen."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if secret:
        page.get_by_label("Code").fill(totp_code(secret))
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def open_menu(page) -> None:
    """Open the header's menu (everything beyond the students' tab bar, and Sign out)."""
    page.locator(".site-menu:not([open]) > summary").click()
