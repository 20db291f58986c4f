import random

import pytest
from playwright.sync_api import expect

from cohorts import actions
from cohorts.tests.factories import add_all, checkin_observations, enroll, weeks_ago
from conftest import make_staff, make_student, with_totp
from lib.dates import week_of
from schools.models import StaffRole

from .steps import sign_in
from .test_accessibility import axe_page, serious_violations  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db(transaction=True)
TITLE = "Protected half-day for clerkship students"


def test_an_action_is_recorded_marked_on_the_chart_reported_and_read_by_students(
    page, cohort, screenshot
):
    rng = random.Random(7)
    for student in enroll(cohort, 24)[:14]:  # 10 never check in: participation is shown
        for weeks in (2, 3, 4, 5):
            add_all(checkin_observations(cohort, student, weeks_ago(cohort, weeks), None, rng))
    lead = make_staff(cohort.school, "lead@riverside.example", role=StaffRole.WELLNESS_LEAD)
    reader = make_student(cohort, "reader@riverside.example")
    starts_on = week_of(weeks_ago(cohort, 3))

    sign_in(page, lead, with_totp(lead))
    page.goto("/school/actions/new/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("From").fill(starts_on.isoformat())
    page.get_by_label(str(cohort)).check()
    page.get_by_label("Description").fill("Wednesday afternoons are free of clinical duties.")
    page.get_by_role("button", name="Record action").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()

    page.get_by_role("link", name="Attach a published figure").click()
    page.get_by_label("Measure").select_option(label="Stress")
    page.get_by_role("button", name="Show figures").click()
    figure = page.get_by_label("Published figure")
    figure.select_option(index=0)
    chosen = figure.evaluate("s => s.options[s.selectedIndex].text")
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("Figure attached.")).to_be_visible()
    page.get_by_role("button", name="Publish to students").click()
    expect(page.get_by_text("Published", exact=True)).to_be_visible()

    page.goto("/school/?measure=stress")
    expect(page.get_by_role("img", name="Stress over time")).to_be_visible()
    table = page.get_by_role("table", name="Stress, whole cohort, by week")
    expect(table).to_contain_text(f"Action 1: {TITLE}")
    expect(page.locator(".action-marker")).to_have_count(1)

    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Compare the weeks before and after").click()
    expect(page.get_by_text("Over the 2 shown weeks before the action")).to_be_visible()
    expect(page.get_by_text("No comparison group")).to_be_visible()
    expect(page.get_by_text("Other things changed too")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, reader)
    page.get_by_role("link", name="You said, we did").click()
    expect(page.get_by_role("heading", name="You said, we did")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    value = chosen.rsplit(": ", 1)[1].split(" ")[0]
    expect(page.get_by_text(value, exact=True)).to_be_visible()
    screenshot("you-said-we-did")


def test_action_pages_have_no_serious_accessibility_violations(axe_page, cohort, student):  # noqa: F811
    lead = make_staff(cohort.school, "lead@riverside.example", role=StaffRole.WELLNESS_LEAD)
    action = actions.record_action(
        by=lead, school=cohort.school, title=TITLE, starts_on=cohort.school.today(),
        cohorts=[cohort], description="Wednesday afternoons are free of clinical duties.",
    )  # fmt: skip
    actions.set_published(by=lead, action=action, published=True)
    sign_in(axe_page, lead, with_totp(lead))
    for path in (
        "/school/actions/", "/school/actions/new/", f"/school/actions/{action.pk}/",
        f"/school/actions/{action.pk}/edit/", f"/school/actions/{action.pk}/figures/",
        f"/school/actions/{action.pk}/report/",
    ):  # fmt: skip
        axe_page.goto(path)
        assert serious_violations(axe_page) == [], path
    axe_page.context.clear_cookies()
    sign_in(axe_page, student)
    axe_page.goto("/you-said-we-did/")
    assert serious_violations(axe_page) == []
