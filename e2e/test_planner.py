import urllib.request
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from e2e.steps import sign_in
from e2e.test_accessibility import axe_page, serious_violations  # noqa: F401 (a fixture)
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


def test_on_a_phone_the_planner_opens_on_the_next_seven_days_and_moves_a_block_in_place(
    page, student
):
    """Issue #22: no finished week on a Sunday evening, and a Move that neither reloads the
    page nor jumps to its top."""
    from datetime import datetime, time, timedelta

    from planner import services

    zone = zone_of(student)
    today = datetime.now(zone).date()
    services.accept_all(student=student, first_day=today)
    day = today + timedelta(days=2)
    meal = (
        ProtectedBlock.objects.filter(
            student=student, kind="meal", starts_at__gte=datetime.combine(day, time(), tzinfo=zone)
        )
        .order_by("starts_at")
        .first()
    )
    target = datetime.combine(day, time(15), tzinfo=zone)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, student)

    page.get_by_role("link", name="Planner").first.click()
    days = page.locator("main section.card h2[id^='day-']")
    expect(days).to_have_count(7)
    expect(days.first).to_have_text(f"{today:%A} {today.day} {today:%b}")
    expect(days.last).to_contain_text(f"{(today + timedelta(days=6)):%A}")
    expect(page.get_by_role("link", name="Next 7 days →")).to_be_visible()

    block = page.locator(f"#block-meal-{int(meal.proposed_start.timestamp())}")
    page.evaluate("window.marker = 'no reload'")
    block.get_by_role("link", name="Move").click()
    new_start = block.get_by_label("New start")
    new_start.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    assert before > 400
    new_start.fill(f"{target:%Y-%m-%dT%H:%M}")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        block.get_by_role("button", name="Move here").click()

    assert posted.value.request.headers.get("hx-request") == "true"
    expect(block.get_by_role("status")).to_contain_text("Moved to")
    expect(block).to_contain_text("15:00–15:30")
    assert page.evaluate("window.marker") == "no reload"
    assert abs(page.evaluate("window.scrollY") - before) < 50
    meal.refresh_from_db()
    assert meal.starts_at == target


def test_the_move_form_in_place_and_own_patterns_have_no_serious_accessibility_violations(
    axe_page,  # noqa: F811 (the fixture imported above)
    student,
):
    from datetime import datetime

    from planner import services

    today = datetime.now(zone_of(student)).date()
    services.accept_all(student=student, first_day=today)
    sign_in(axe_page, student)

    axe_page.goto("/planner/")
    axe_page.get_by_role("link", name="Move").first.click()
    expect(axe_page.get_by_role("button", name="Move here")).to_be_visible()
    assert serious_violations(axe_page) == []

    axe_page.goto("/planner/schedule/")
    axe_page.get_by_role("button", name="Save pattern").click()
    expect(axe_page.get_by_text("Give the pattern a name")).to_have_count(2)
    assert serious_violations(axe_page) == []
