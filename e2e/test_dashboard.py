import random

import pytest
from playwright.sync_api import expect

from cohorts.tests.factories import add_all, checkin_observations, enroll, weeks_ago
from conftest import PASSWORD, totp_code, with_totp

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_open_the_cohort_dashboard_and_read_a_chart_and_its_table(
    page, staff, cohort, screenshot
):
    rng = random.Random(5)
    for student in enroll(cohort, 24)[:14]:  # 10 never check in: participation is shown
        for weeks in (1, 2, 3):
            add_all(checkin_observations(cohort, student, weeks_ago(cohort, weeks), None, rng))
    secret = with_totp(staff)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Your school", exact=True)).to_be_visible()

    page.goto("/school/")
    page.get_by_label("Measure").select_option(label="Stress")
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_role("heading", name="Stress over time")).to_be_visible()
    expect(page.get_by_role("img", name="Stress over time")).to_be_visible()
    table = page.get_by_role("table", name="Stress, whole cohort, by week")
    expect(table).to_contain_text("n=14 students")
    expect(table).to_contain_text("Not available: week not over yet")
    expect(page.get_by_text("they describe groups, not people")).to_be_visible()
    # On a phone (390 px) the band table fits its card: a hidden cell is a short "–" whose
    # reason is still read out and shown on hover.
    bands = page.get_by_role("table", name="Share of the cohort's screened students in each band")
    expect(bands).to_contain_text("Not available: fewer than 10 students")
    fits = "t => t.scrollWidth <= t.parentElement.clientWidth"
    assert bands.evaluate(fits)
    # PHQ-9's five bands need more than a phone's width: the table scrolls sideways (data
    # tables are exempt from reflow), inside a region a keyboard can reach and that says what
    # it holds.
    page.goto(page.url.replace("screen%3Awho5", "screen%3Aphq9"))
    region = page.get_by_role("region", name="PHQ-9 bands by week, scrolls sideways")
    expect(region).to_have_attribute("tabindex", "0")
    region.focus()
    page.keyboard.press("ArrowRight")
    # Chromium may scroll smoothly: wait for the region to have moved, not for one frame.
    page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle(), timeout=5000)
    screenshot("cohort-dashboard")


def test_a_hidden_rotation_week_reads_as_its_group_with_why(page, staff, cohort):
    from schools.models import Rotation

    rng = random.Random(21)
    places = {"surgery": 6, "obstetrics-gynaecology": 6, None: 12}
    for slug, count in places.items():
        rotation_id = Rotation.objects.get(slug=slug, school=None).pk if slug else None
        for student in enroll(cohort, count, prefix=f"{slug}-"):
            for weeks in (2, 3):
                day = weeks_ago(cohort, weeks)
                add_all(checkin_observations(cohort, student, day, rotation_id, rng))
    secret = with_totp(staff)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.goto("/school/")

    heat = page.get_by_role("table", name="Well-being (mood): rotations down, weeks across")
    surgery = heat.get_by_role("row", name="Surgery")
    # Six students on surgery are too few, but the twelve on surgical rotations are not: the
    # cell shows their figure, says what it covers, and why the rotation's own is not shown.
    expect(surgery.locator("td.coarse")).to_have_count(2)
    expect(surgery.locator("td.coarse").first).to_contain_text("surgical rotations")
    expect(surgery).to_contain_text(
        "shown for surgical rotations because this rotation's week is not available"
    )
    expect(page.get_by_text("labelled with what it covers")).to_be_visible()
