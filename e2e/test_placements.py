"""A school administrator uploads a placements file with one bad row, sees the error, fixes the
file and imports it; the student then sees their current rotation on their schedule."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import make_staff, make_student, with_totp
from e2e.steps import open_menu, sign_in
from e2e.test_accessibility import AXE, serious_violations
from schools.models import Placement, PlacementSource, StaffRole

pytestmark = pytest.mark.django_db(transaction=True)


def schedule(classmate_ends: str) -> bytes:
    today = timezone.localdate()
    first, last = today - timedelta(days=7), today + timedelta(days=40)
    return (
        "Student Email,Clerkship,Site,Start Date,End Date\n"
        f"student@riverside.example,Psychiatry,Lakeside Behavioral Health,{first},{last}\n"
        f"classmate@riverside.example,Surgery,Riverside General,{first},{classmate_ends}\n"
    ).encode()


@pytest.fixture
def student(cohort):
    return make_student(cohort, "student@riverside.example", rotation=None)


@pytest.fixture
def classmate(cohort):
    return make_student(cohort, "classmate@riverside.example", rotation=None)


@pytest.fixture
def admin(school):
    return make_staff(school, "registrar@riverside.example", role=StaffRole.SCHOOL_ADMIN)


def upload(page, data: bytes) -> None:
    page.get_by_label("Placements file (CSV or XLSX)").first.set_input_files(
        files=[{"name": "placements.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Upload").first.click()


def test_an_administrator_fixes_a_bad_row_and_the_student_sees_their_rotation(
    page, admin, student, classmate, screenshot
):
    today = timezone.localdate()
    sign_in(page, admin, with_totp(admin))
    open_menu(page)
    page.get_by_role("link", name="Placements", exact=True).click()
    expect(page.get_by_role("heading", name="Rotation schedules of Riverside")).to_be_visible()

    upload(page, schedule(classmate_ends=str(today - timedelta(days=30))))
    expect(page.get_by_role("heading", name="Nothing can be imported yet")).to_be_visible()
    expect(page.locator("#row-errors")).to_contain_text("Row 3: ends")
    expect(page.locator("#row-errors")).to_contain_text("before it starts")
    expect(page.get_by_role("button", name="Import")).to_have_count(0)
    assert not Placement.objects.filter(source=PlacementSource.SCHOOL).exists()
    screenshot("placements-row-error")

    upload(page, schedule(classmate_ends=str(today + timedelta(days=40))))
    expect(page.locator("#import-plan")).to_contain_text("2 blocks added")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Placements imported: 2 added")).to_be_visible()
    blocks = page.get_by_role("table", name="Rotation blocks")
    expect(blocks).to_contain_text("student@riverside.example")
    assert Placement.objects.filter(source=PlacementSource.SCHOOL).count() == 2
    screenshot("placements-imported")

    page.context.clear_cookies()
    sign_in(page, student)
    expect(page.get_by_text("On Psychiatry until")).to_be_visible()
    page.get_by_role("link", name="Your rotations").click()
    current = page.locator("tr[aria-current=date]")
    expect(current).to_contain_text("Psychiatry")
    expect(current).to_contain_text("Now")
    expect(current).to_contain_text("Your school's schedule")
    page.get_by_label("What is wrong with Psychiatry").select_option(label="The site is wrong")
    page.get_by_role("button", name="Flag as wrong").click()
    expect(page.get_by_text("Flagged: the site is wrong.")).to_be_visible()
    screenshot("placements-student-schedule")


def test_the_placements_pages_have_no_serious_accessibility_violations(
    browser, live_server, admin, student, classmate
):
    if not AXE.exists():
        pytest.skip("axe-core not installed: run `make axe`")
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, admin, with_totp(admin))
    for path in ["/school/placements/", "/school/placements/catalogue/"]:
        page.goto(path)
        assert serious_violations(page) == [], path
    page.goto("/school/placements/")
    upload(page, schedule(classmate_ends="2020-01-01").replace(b"Surgery", b"Gen Surg"))
    assert serious_violations(page) == [], "the preview with its row errors and mapping"
    page.goto(f"/school/placements/phases/{student.enrollment.cohort_id}/")
    assert serious_violations(page) == [], "phases"
    context.close()
