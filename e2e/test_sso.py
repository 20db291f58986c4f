"""A student signs in through their school's identity provider: a real OpenID Connect provider
(npm `oidc-provider` under the machine's Node.js, started here on a free port), not a mocked
token. Their address is on the school's roster, so they land in their cohort, counted."""

import json
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from conftest import make_staff, with_totp
from e2e.steps import open_menu, sign_in
from e2e.test_accessibility import AXE, serious_violations
from schools.models import Enrollment, RosterEntry, StaffRole, VerifiedBy
from sso.models import IdentityProvider, Protocol
from sso.sealing import seal_client_secret

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
MODULES = Path(os.environ.get("OIDC_PROVIDER_MODULES", ROOT / "var" / "oidc" / "node_modules"))
CLIENT_ID = "well-rounded-e2e"
CLIENT_SECRET = "a-client-secret-only-for-this-test"
ACCOUNTS = {
    "ana": {"email": "ana.lima@riverside.example", "name": "Ana Lima"},
    "guest": {"email": "guest@gmail.example", "name": "A Guest"},
    "teacher": {"email": "educator@riverside.example", "name": "An Educator"},
}


def missing(message: str):
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def identity_provider(live_server, school, tmp_path):
    """The school's OpenID Connect provider, running, and configured as its sign-in."""
    node = shutil.which("node")
    if node is None:
        missing("Node.js not found on PATH: apt-get install nodejs")
    if not (MODULES / "oidc-provider" / "package.json").exists():
        missing("oidc-provider is not installed: run `make oidc-provider`")
    port = free_port()
    redirect_uri = f"{live_server.url}/accounts/oidc/riverside/login/callback/"
    config = tmp_path / "oidc.json"
    config.write_text(
        json.dumps(
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uri": redirect_uri,
                "accounts": ACCOUNTS,
            }
        )
    )
    process = subprocess.Popen(  # noqa: S603 - our script, our arguments
        [node, str(ROOT / "e2e" / "oidc_provider.mjs"), str(MODULES), str(port), str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for line in process.stdout:
            if line.startswith("ready "):
                break
        else:
            pytest.fail(f"The OpenID provider did not start (exit {process.wait()})")
        IdentityProvider.objects.create(
            school=school,
            slug="riverside",
            protocol=Protocol.OIDC,
            name="Riverside Login",
            allowed_domains="riverside.example",
            issuer_url=f"http://localhost:{port}",
            client_id=CLIENT_ID,
            sealed_client_secret=seal_client_secret(CLIENT_SECRET),
        )
        yield f"http://localhost:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def sign_in_at_provider(page, login: str, *, signed_in_there: bool = False) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Riverside Login").click()
    page.get_by_role("button", name="Continue").click()  # allauth: leave for the provider
    if signed_in_there:
        return  # the provider remembers the person and their consent: straight back
    page.get_by_placeholder("Enter any login").fill(login)
    page.get_by_placeholder("and password").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()  # the provider's consent


def test_a_student_on_the_roster_signs_in_with_the_schools_provider_and_counts(
    page, identity_provider, cohort, screenshot
):
    RosterEntry.objects.create(
        school=cohort.school, email="ana.lima@riverside.example", cohort=cohort
    )

    sign_in_at_provider(page, "ana")

    # First time here: the address the provider vouched for, and the informed yes.
    expect(page.get_by_label("Email")).to_have_value("ana.lima@riverside.example")
    screenshot("sso-first-sign-in")
    page.get_by_label("I have read who can see what, and I want to join.").check()
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("link", name="Check in", exact=True)).to_be_visible()
    enrollment = Enrollment.objects.get(student__email="ana.lima@riverside.example")
    assert enrollment.cohort == cohort
    assert enrollment.verified_by == VerifiedBy.IDENTITY_PROVIDER
    assert enrollment.student.consents.exists()
    assert not enrollment.student.has_usable_password()

    # Signing out and in again: straight in, no second sign-up.
    open_menu(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="Sign in")).to_be_visible()
    sign_in_at_provider(page, "ana", signed_in_there=True)
    expect(page.get_by_role("link", name="Check in", exact=True)).to_be_visible()


def test_an_address_outside_the_schools_domains_is_refused(page, identity_provider, cohort):
    sign_in_at_provider(page, "guest")

    expect(page.get_by_role("heading", name="This address cannot sign in here")).to_be_visible()
    expect(page.get_by_text("@riverside.example")).to_be_visible()
    assert not Enrollment.objects.exists()
    assert not User.objects.filter(email="guest@gmail.example").exists()


@pytest.mark.parametrize("trusted", [False, True])
def test_staff_signing_in_through_the_provider_need_a_second_factor_unless_trusted(
    page, identity_provider, staff, trusted
):
    # This provider sends no `amr`: whether a second factor happened is the school's word.
    IdentityProvider.objects.update(trust_idp_mfa=trusted)

    sign_in_at_provider(page, "teacher")  # an existing staff account, by its address
    open_menu(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/help/manage/")

    if trusted:
        expect(page).to_have_url(re.compile(r"/help/manage/$"))
    else:
        # To the authenticator set-up (allauth first asks an account that has a password for
        # it again: a single sign-on is not a re-authentication).
        expect(page).to_have_url(re.compile(r"2fa(/|%2F)totp(/|%2F)activate"))
        # Said once, however many redirects (and manifest fetches) stopped on the way.
        expect(page.get_by_text("Staff accounts need two-factor authentication")).to_have_count(1)
    assert not Enrollment.objects.filter(student=staff).exists()


@pytest.fixture
def admin(school):
    return make_staff(school, "registrar@riverside.example", role=StaffRole.SCHOOL_ADMIN)


def test_the_administrator_sets_up_sign_in_and_its_pages_are_accessible(
    browser, live_server, admin, school
):
    if not AXE.exists():
        missing("axe-core not installed: run `make axe`")
    # axe is injected as a script, which the site's own CSP rightly forbids.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, admin, with_totp(admin))
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Single sign-on").click()
    expect(page.get_by_role("heading", name="Set up single sign-on")).to_be_visible()

    page.get_by_label("Name of your sign-in").fill("Riverside Login")
    page.get_by_label("Short name in addresses").fill("riverside")
    page.get_by_label("Allowed email domains").fill("riverside")
    page.get_by_label("Issuer URL").fill("https://login.riverside.example")
    page.get_by_label("Client ID").fill("well-rounded")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a domain like med.example.edu")
    assert serious_violations(page) == []  # the page with its errors, too
    assert not IdentityProvider.objects.exists()

    page.get_by_label("Allowed email domains").fill("riverside.example")
    page.get_by_label("Client secret").fill(CLIENT_SECRET)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your school's sign-in settings are saved.")).to_be_visible()
    expect(page.get_by_text("/accounts/oidc/riverside/login/callback/")).to_be_visible()
    assert CLIENT_SECRET not in page.content()
    assert serious_violations(page) == []

    open_menu(page)
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    expect(page.get_by_role("link", name="Sign in with Riverside Login")).to_be_visible()
    assert serious_violations(page) == []
    context.close()
