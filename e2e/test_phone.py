"""The phone layout of issue #22, measured in the browser: a short header, a bottom tab bar of
thumb-sized targets, readable chart text and nothing wider than a 320 px phone."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from checkins.models import CheckIn
from e2e.steps import sign_in
from e2e.test_accessibility import STUDENT_PAGES
from e2e.test_insights import thirty_days_of_checkins
from planner.models import ProtectedBlock

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
SMALLEST = {"width": 320, "height": 640}
EVERY_STUDENT_PAGE = [
    *STUDENT_PAGES,
    "/checkin/quick/",
    "/checkin/history/",
    "/insights/journal/new/",
    "/learn/",
]


def header_height(page) -> float:
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


def tab_targets(page) -> list[dict]:
    return page.evaluate(
        """[...document.querySelectorAll('.tab-bar a')].map(a => {
            const r = a.getBoundingClientRect();
            return {name: a.textContent.trim(), width: r.width, height: r.height,
                    bottom: r.bottom};
        })"""
    )


def overflow(page) -> int:
    """How far the page is wider than the screen (0: no sideways scroll)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_student_layout_fits_a_phone_on_every_page(page, student):
    page.set_viewport_size(PHONE)
    sign_in(page, student)
    for path in EVERY_STUDENT_PAGE:
        page.set_viewport_size(PHONE)
        page.goto(path)
        assert header_height(page) <= 64, path
        targets = tab_targets(page)
        assert 1 <= len(targets) <= 5, path
        for target in targets:
            assert target["width"] >= 44 and target["height"] >= 44, (path, target)
            assert target["bottom"] <= PHONE["height"], (path, target)
        help_link = page.get_by_role("link", name="Need help now").first
        assert help_link.is_visible(), path
        box = help_link.bounding_box()
        assert box["height"] >= 44 and box["y"] + box["height"] <= 64, path

        page.set_viewport_size(SMALLEST)
        assert overflow(page) <= 0, path
        assert header_height(page) <= 64, path


def test_insight_chart_text_is_at_least_12_px_on_a_phone(page, student):
    thirty_days_of_checkins(student)
    page.set_viewport_size(PHONE)
    sign_in(page, student)
    page.goto("/insights/")
    sizes = page.evaluate(
        "[...document.querySelectorAll('svg.chart text')]"
        ".map(t => t.getBoundingClientRect().height)"
    )
    assert sizes, "no chart text on the insights page"
    # A text box is a little taller than its font size; 12 px type gives a box of about 14.
    assert min(sizes) >= 13.5


def test_the_menu_opens_and_signs_out(page, student):
    page.set_viewport_size(SMALLEST)
    sign_in(page, student)
    page.get_by_text("Menu", exact=True).click()
    assert overflow(page) <= 0
    page.get_by_role("link", name="Journal").click()
    page.wait_for_url("**/insights/journal/")
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").wait_for()


@pytest.fixture
def phone(browser, live_server):
    """A touch screen of 390 x 844, so the steps below are taps."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_quick_checkin_takes_two_taps_from_today(phone, student):
    page = phone
    sign_in(page, student)
    today = page.get_by_role("region", name="Today")

    today.get_by_role("group", name="Your mood").get_by_role("radio", name="2", exact=True).tap()
    today.get_by_role("button", name="Save").tap()

    expect(page.get_by_text("Saved. Thank you for checking in.")).to_be_visible()
    checkin = CheckIn.objects.get(student=student)
    assert (checkin.mood, checkin.stress) == (2, None)


def test_a_quick_checkin_for_yesterday_from_the_tab_bar(phone, student):
    page = phone
    sign_in(page, student)
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Check in").tap()
    page.get_by_role("link", name="Yesterday").first.tap()
    page.get_by_role("group", name="Your mood").get_by_role("radio", name="4", exact=True).tap()
    page.get_by_role("group", name="And how did you sleep?").get_by_role(
        "radio", name="1", exact=True
    ).tap()
    page.get_by_role("button", name="Save").tap()

    expect(page.get_by_text("Yesterday's mood is saved.")).to_be_visible()
    checkin = CheckIn.objects.get(student=student)
    assert (checkin.day, checkin.mood, checkin.sleep_quality) == (
        student.enrollment.school.today() - timedelta(days=1),
        4,
        1,
    )
    page.get_by_role("link", name="Your check-ins by month").click()
    expect(page.get_by_role("table", name="mood by day")).to_be_visible()


def test_planner_accepts_in_place_without_a_reload_or_a_jump(page, student):
    from planner.tests.factories import next_monday, shift_week

    monday = next_monday(student)
    shift_week(student, monday)
    page.set_viewport_size(PHONE)
    sign_in(page, student)
    page.goto(f"/planner/?week={monday.isoformat()}")
    accept = page.get_by_role("button", name="Accept").nth(8)
    accept.scroll_into_view_if_needed()
    page.evaluate("window.marker = 'no reload'")
    before = page.evaluate("window.scrollY")
    assert before > 400

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        accept.click()
    assert posted.value.request.headers.get("hx-request") == "true"
    expect(page.get_by_role("status").filter(has_text="accepted.")).to_be_visible()

    assert page.evaluate("window.marker") == "no reload"
    assert abs(page.evaluate("window.scrollY") - before) < 50
    assert ProtectedBlock.objects.filter(student=student, state="accepted").count() == 1
