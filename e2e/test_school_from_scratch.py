"""Issue #20's whole walk: a school administrator uploads the roster and the clerkship schedule
(one bad row, then fixed); a student signs in through the school's own OpenID Connect provider
(a real one, run by the test), sees their current rotation, checks in, and the check-in counts
under that rotation."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from checkins.models import CheckIn
from cohorts.models import RollupCell
from conftest import make_staff, with_totp
from e2e.steps import open_menu, sign_in
from e2e.test_sso import identity_provider, sign_in_at_provider  # noqa: F401 (a fixture)
from schools.models import Enrollment, Placement, StaffRole, VerifiedBy

pytestmark = pytest.mark.django_db(transaction=True)

ROSTER = b"email,cohort\nana.lima@riverside.example,2028\nben.okafor@riverside.example,2028\n"


def placements(ben_ends) -> bytes:
    today = timezone.localdate()
    first, last = today - timedelta(days=14), today + timedelta(days=42)
    return (
        "Student Email,Clerkship,Site,Start Date,End Date\n"
        f"ana.lima@riverside.example,Psychiatry,Lakeside Behavioral Health,{first},{last}\n"
        f"ben.okafor@riverside.example,Surgery,Riverside General,{first},{ben_ends}\n"
    ).encode()


def upload(page, label: str, name: str, data: bytes) -> None:
    page.get_by_label(label).first.set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Upload").first.click()


def test_a_school_brings_its_roster_schedule_and_sign_in_and_a_check_in_counts_by_rotation(
    page,
    identity_provider,  # noqa: F811 (the fixture imported above)
    cohort,
    screenshot,
):
    admin = make_staff(cohort.school, "registrar@riverside.example", role=StaffRole.SCHOOL_ADMIN)
    today = timezone.localdate()

    # The administrator: the roster, then the schedule with a row that ends before it starts.
    sign_in(page, admin, with_totp(admin))
    open_menu(page)
    page.get_by_role("link", name="Roster", exact=True).click()
    upload(page, "Roster file (CSV or XLSX)", "roster.csv", ROSTER)
    expect(page.get_by_text("Roster imported: 2 added")).to_be_visible()

    open_menu(page)
    page.get_by_role("link", name="Placements", exact=True).click()
    upload(page, "Placements file (CSV or XLSX)", "schedule.csv", placements(today - timedelta(30)))
    expect(page.locator("#row-errors")).to_contain_text("before it starts")
    expect(page.get_by_role("button", name="Import")).to_have_count(0)
    assert not Placement.objects.exists()
    upload(page, "Placements file (CSV or XLSX)", "schedule.csv", placements(today + timedelta(42)))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Placements imported: 2 added")).to_be_visible()
    screenshot("from-scratch-schedule-imported")
    page.context.clear_cookies()

    # The student: in through the school's identity provider, counted at once.
    sign_in_at_provider(page, "ana")
    page.get_by_label("I have read who can see what, and I want to join.").check()
    page.get_by_role("button", name="Sign Up").click()
    enrollment = Enrollment.objects.get(student__email="ana.lima@riverside.example")
    assert (enrollment.cohort, enrollment.verified_by) == (cohort, VerifiedBy.IDENTITY_PROVIDER)

    expect(page.get_by_text("On Psychiatry until")).to_be_visible()
    today_card = page.get_by_role("region", name="Today")
    today_card.get_by_role("group", name="Your mood").get_by_role("radio", name="4").click()
    today_card.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved. Thank you for checking in.")).to_be_visible()
    screenshot("from-scratch-checked-in")

    checkin = CheckIn.objects.get(student=enrollment.student)
    assert checkin.rotation.name == "Psychiatry"
    # The week's figures for the cohort on psychiatry hold this check-in (published later,
    # from these cells, and only for groups of at least K).
    cell = RollupCell.objects.get(
        cohort=cohort,
        rotation=checkin.rotation,
        source="checkin",
        week=today - timedelta(days=today.weekday()),
    )
    assert dict(cell.measures())["mood"].n_students == 1
