"""A school administrator sets up a class and a colleague in the app: a cohort, its invite
code, and a staff invitation; every administration page passes axe."""

import pytest
from playwright.sync_api import expect

from conftest import make_staff, with_totp
from e2e.steps import open_menu, sign_in
from e2e.test_accessibility import AXE, serious_violations
from schools.models import Cohort, InviteCode, StaffInvitation, StaffRole

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN_PAGES = [
    "/school/admin/",
    "/school/admin/cohorts/",
    "/school/admin/staff/",
    "/school/admin/settings/",
]


@pytest.fixture
def admin(school):
    return make_staff(school, "registrar@riverside.example", role=StaffRole.SCHOOL_ADMIN)


def test_an_administrator_adds_a_cohort_makes_its_invite_code_and_invites_a_colleague(
    page, school, admin, screenshot
):
    sign_in(page, admin, with_totp(admin))
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Cohorts and invite codes").click()

    page.get_by_label("Graduation year").fill("1999")
    page.get_by_role("button", name="Add the cohort").click()
    expect(page.get_by_text("Enter a graduation year between")).to_be_visible()
    page.get_by_label("Graduation year").fill("2030")
    page.get_by_role("button", name="Add the cohort").click()
    expect(page.get_by_role("heading", name="Class of 2030")).to_be_visible()

    page.get_by_label("Most students who may join with it").fill("150")
    page.get_by_role("button", name="Make the code").click()
    invite = InviteCode.objects.get(cohort__graduation_year=2030)
    expect(
        page.get_by_text(f"New invite code for the Class of 2030: {invite.code}")
    ).to_be_visible()
    codes = page.get_by_role("table", name="Invite codes of the Class of 2030")
    expect(codes).to_contain_text("0 of 150")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("cohort-invite-code")

    page.goto("/school/admin/staff/")
    page.get_by_label("Email address").fill("wellness@riverside.example")
    page.get_by_label("Role").select_option(label="Wellness lead")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to wellness@riverside.example")).to_be_visible()
    waiting = page.get_by_role("table", name="Invitations not yet accepted")
    expect(waiting).to_contain_text("wellness@riverside.example")
    expect(waiting).to_contain_text("Wellness lead")
    invitation = StaffInvitation.objects.get(school=school)
    assert invitation.role == StaffRole.WELLNESS_LEAD and invitation.accepted_at is None
    assert Cohort.objects.filter(school=school, graduation_year=2030).exists()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("staff-invited")


def test_the_administration_pages_have_no_serious_accessibility_violations(
    browser, live_server, school, cohort, admin
):
    if not AXE.exists():
        pytest.skip("axe-core not installed: run `make axe`")
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, admin, with_totp(admin))
    for path in [*ADMIN_PAGES, f"/school/admin/cohorts/{cohort.pk}/"]:
        page.goto(path)
        assert serious_violations(page) == [], path
    context.close()
