import urllib.request
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from e2e.steps import sign_in
from lib.dates import week_of
from planner.models import ProtectedBlock, ScheduleEvent
from planner.selectors import zone_of

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = Path(__file__).resolve().parent / "data" / "call_week.ics"


def test_student_imports_calls_and_an_exam_accepts_the_week_and_subscribes(
    page, student, screenshot
):
    sign_in(page, student)
    page.get_by_role("link", name="Planner").click()
    page.get_by_role("link", name="Your schedule").click()

    page.get_by_label("Calendar file (.ics)").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported:")).to_be_visible()
    kinds = set(ScheduleEvent.objects.filter(student=student).values_list("kind", flat=True))
    assert kinds == {"shift", "call", "exam"}

    # The week of the next exam: its evening before is kept light.
    exam = ScheduleEvent.objects.filter(student=student, kind="exam").earliest("starts_at")
    monday = week_of(exam.starts_at.astimezone(zone_of(student)).date())
    page.goto(f"/planner/?week={monday.isoformat()}")
    expect(page.get_by_text("Call: 08:00")).to_be_visible()
    expect(page.get_by_text("Light, study-free evening")).to_be_visible()
    screenshot("proposal")
    page.get_by_role("button", name="Accept all").click()
    expect(page.get_by_text("They are in your calendar feed.")).to_be_visible()
    accepted = ProtectedBlock.objects.filter(student=student, state="accepted")
    assert accepted.filter(kind="exam_eve").exists() and accepted.filter(kind="sleep").exists()
    widest = (
        "Math.max(...[...document.querySelectorAll('main *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert page.evaluate(widest) <= 390

    page.get_by_role("link", name="Calendar feed").click()
    page.get_by_role("button", name="Create a feed link").click()
    expect(page.get_by_text("Copy it now")).to_be_visible()
    feed_url = page.get_by_label("Feed URL").input_value()

    # As a calendar app would: a separate client with no cookies (page.request shares the
    # signed-in browser's, so it would not prove the feed works without a login).
    with urllib.request.urlopen(feed_url, timeout=10) as response:  # noqa: S310
        status, body = response.status, response.read()
        content_type = response.headers["Content-Type"]
    assert status == 200 and content_type.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(body)
    uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
    expected = {f"block-{pk}@localhost" for pk in accepted.values_list("pk", flat=True)}
    assert expected and expected <= uids
    assert student.email.encode() not in body
