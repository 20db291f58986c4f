"""A school administrator uploads the roster: a file with one bad row first, then the fixed one."""

import pytest
from playwright.sync_api import expect

from conftest import make_staff, make_student, with_totp
from e2e.steps import open_menu, sign_in
from e2e.test_accessibility import AXE, serious_violations
from schools.models import RosterEntry, StaffRole

pytestmark = pytest.mark.django_db(transaction=True)

BAD = b"email,cohort\nstudent@riverside.example,2028\nclassmate@riverside,2028\n"
FIXED = b"email,cohort\nstudent@riverside.example,2028\nclassmate@riverside.example,2028\n"


@pytest.fixture
def student(cohort):
    """Signed up with an invite code, email confirmed, not (yet) on the school's roster."""
    return make_student(cohort, "student@riverside.example", rotation="surgery", on_roster=False)


@pytest.fixture
def classmate(cohort):
    return make_student(
        cohort, "classmate@riverside.example", rotation="psychiatry", on_roster=False
    )


@pytest.fixture
def admin(school):
    return make_staff(school, "registrar@riverside.example", role=StaffRole.SCHOOL_ADMIN)


def upload(page, name: str, data: bytes) -> None:
    page.get_by_label("Roster file (CSV or XLSX)").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Upload").click()


def test_an_administrator_fixes_a_bad_row_removes_a_leaver_and_the_listed_student_counts(
    page, admin, student, classmate, screenshot
):
    sign_in(page, admin, with_totp(admin))
    open_menu(page)
    page.get_by_role("link", name="Roster", exact=True).click()
    expect(page.get_by_role("heading", name="Roster of Riverside Medical School")).to_be_visible()

    upload(page, "roster.csv", BAD)
    expect(page.get_by_text("Nothing was imported. Fix this and upload again:")).to_be_visible()
    row_error = page.get_by_text("Row 3: “classmate@riverside” is not an email address.")
    expect(row_error).to_be_visible()
    assert not RosterEntry.objects.exists()
    screenshot("roster-row-error")

    upload(page, "roster.csv", FIXED)
    expect(page.get_by_text("Roster imported: 2 added")).to_be_visible()
    listed = page.get_by_role("table", name="Email addresses on the roster")
    expect(listed).to_contain_text("student@riverside.example")
    expect(listed).to_contain_text("classmate@riverside.example")
    counts = page.get_by_role("table", name="Roster entries, students who joined")
    expect(counts.get_by_role("row", name="Class of 2028")).to_contain_text("fewer than 10")
    # On a phone (390 px) the page does not scroll sideways: the list scrolls in its region.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("roster-imported")

    page.get_by_role("button", name="Remove classmate@riverside.example").click()
    removed = page.get_by_text("classmate@riverside.example is no longer on the roster.")
    expect(removed).to_be_visible()
    assert list(RosterEntry.objects.values_list("email", flat=True)) == [student.email]

    page.context.clear_cookies()
    sign_in(page, student)
    page.goto("/accounts/my-data/")
    expect(page.locator("#counted-status")).to_contain_text(
        "Riverside Medical School has confirmed you are one of its students"
    )


def test_the_roster_page_has_no_serious_accessibility_violations(browser, live_server, admin):
    if not AXE.exists():
        pytest.skip("axe-core not installed: run `make axe`")
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, admin, with_totp(admin))
    page.goto("/school/roster/")
    upload(page, "roster.csv", BAD)  # the page with its row errors, too
    assert serious_violations(page) == []
    context.close()
