"""The staff landing page's headlines, and the dashboard on a phone at 52 weeks (#21)."""

import random
from dataclasses import replace

import pytest
from playwright.sync_api import expect

from cohorts.tests.factories import add_all, checkin_observations, enroll, weeks_ago
from conftest import make_cohort, with_totp
from e2e.steps import sign_in
from e2e.test_accessibility import axe_page, serious_violations  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def demo_like(cohorts, rng):
    """Two cohorts with weekly check-ins in both terms; stress rises this term in the first."""
    for index, cohort in enumerate(cohorts):
        students = enroll(cohort, 26, prefix=f"c{index}-")
        for weeks in (*range(2, 7), *range(14, 19)):
            day = weeks_ago(cohort, weeks)
            for student in students[:14]:
                stress = float(
                    rng.choice([4, 5]) if weeks < 12 and index == 0 else rng.randint(1, 5)
                )
                add_all(
                    replace(o, value=stress) if o.measure == "stress" else o
                    for o in checkin_observations(cohort, student, day, None, rng)
                )


def test_staff_land_on_headline_figures_for_every_cohort(page, staff, cohort, screenshot):
    second = make_cohort(cohort.school, year=2029)
    demo_like([cohort, second], random.Random(11))
    sign_in(page, staff, with_totp(staff))

    page.goto("/")
    for each in (cohort, second):
        section = page.get_by_role("region", name=f"{each}: this term against last term")
        expect(section).to_be_visible()
        table = section.get_by_role("table", name=f"{each}: each measure this term and last term")
        expect(table).to_contain_text("students a week")
        expect(section).to_contain_text("Participation this term")
    first = page.get_by_role("region", name=f"{cohort}: this term against last term")
    expect(first).to_contain_text("Stress is higher than last term (worse)")
    expect(first).to_contain_text("External reference (published study, not this school)")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot("staff-headlines")


def test_the_dashboard_at_52_weeks_has_no_sideways_page_scroll_on_a_phone(
    page, staff, cohort, screenshot
):
    demo_like([cohort], random.Random(12))
    sign_in(page, staff, with_totp(staff))
    page.goto(f"/school/?cohort={cohort.pk}&weeks=52")
    expect(page.get_by_role("heading", name="Participation")).to_be_visible()
    assert page.viewport_size["width"] == 390
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate(
        "() => [...document.querySelectorAll('body *')].filter(e => !e.closest('.table-scroll')"
        " && e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".slice(0, 8).map(e => e.tagName + '.' + e.className)"
    )
    screenshot("dashboard-52-weeks")


def test_the_headlines_with_figures_have_no_serious_accessibility_violations(
    axe_page,  # noqa: F811 (the fixture imported above)
    staff,
    cohort,
):
    demo_like([cohort], random.Random(13))
    sign_in(axe_page, staff, with_totp(staff))
    axe_page.goto("/")
    expect(axe_page.get_by_text("Participation this term")).to_be_visible()
    assert serious_violations(axe_page) == []
