from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from checkins.models import CheckIn
from e2e.steps import sign_in
from insights.models import Reflection
from insights.prompts import prompt_of_the_day
from schools.models import Rotation
from schools.selectors import enrollment_for

pytestmark = pytest.mark.django_db(transaction=True)


def thirty_days_of_checkins(student):
    enrollment = enrollment_for(student)
    today = enrollment.school.today()
    surgery, psychiatry = (
        Rotation.objects.get(slug="surgery"),
        Rotation.objects.get(slug="psychiatry"),
    )
    CheckIn.objects.bulk_create(
        CheckIn(
            student=student,
            school=enrollment.school,
            day=today - timedelta(days=offset),
            rotation=surgery if offset < 15 else psychiatry,
            mood=2 + offset % 3 if offset < 15 else 4,
            stress=4 if offset < 15 else 2,
            energy=3,
            sleep_hours=Decimal("6.0") if offset < 15 else Decimal("7.5"),
            sleep_quality=3,
            loneliness=2 + offset % 2,
            purpose=4,
            moved=offset % 2 == 0,
        )
        for offset in range(30)
    )


def test_student_sees_insights_and_keeps_a_journal(page, student, screenshot):
    thirty_days_of_checkins(student)
    sign_in(page, student)

    page.goto("/insights/")

    expect(page.get_by_role("heading", name="Your insights")).to_be_visible()
    expect(page.get_by_role("img", name="Mood, daily values")).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(5)
    expect(page.get_by_role("table", name="On Psychiatry vs Surgery")).to_be_visible()
    expect(page.locator(".chart-summary").first).to_contain_text("Your mood averaged")
    table = page.get_by_role("table").filter(has_text="7-day average").first
    expect(table).to_be_hidden()
    page.get_by_text("Mood as a table").click()
    expect(table).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("insights")

    page.get_by_role("link", name="Your journal").click()
    page.get_by_role("link", name="Write a reflection").click()
    prompt = prompt_of_the_day(enrollment_for(student).school.today())
    expect(page.get_by_text(prompt)).to_be_visible()
    page.get_by_text("Write to today's prompt").click()
    page.get_by_label("Your reflection").fill("The surgery team let me scrub in.")
    page.get_by_role("button", name="Save reflection").click()

    expect(page.get_by_text("Reflection saved. Only you can read it.")).to_be_visible()
    expect(page.get_by_text("The surgery team let me scrub in.")).to_be_visible()
    expect(page.get_by_text(prompt)).to_be_visible()
    assert Reflection.objects.get(student=student).prompt == prompt
