"""Safety wherever a student writes, on a 390×844 phone: crisis words bring the resources onto
the first screen, focused, whatever the page."""

import re

import pytest
from playwright.sync_api import expect

from checkins.models import SafetyEvent
from circles.models import CircleMessage
from circles.services import post_circle_message
from circles.tests.circle_factories import circle_with
from e2e.steps import sign_in
from e2e.test_accessibility import AXE, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def pick(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_role("radio", name=answer, exact=True).check()


def on_first_screen(page, locator) -> bool:
    """Wholly visible as the page is now: below the sticky header and above the fold."""
    top, bottom = locator.evaluate(
        "e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; }"
    )
    header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom")
    return header <= top and bottom <= PHONE["height"]


def assert_resources_first(page, screenshot, name: str) -> None:
    heading = page.get_by_role("heading", name="You don't have to handle this alone")
    expect(heading).to_be_visible()
    call = page.locator('#crisis a[href="tel:988"]').first
    assert on_first_screen(page, heading), "the crisis heading is below the fold"
    assert on_first_screen(page, call), "Call 988 is below the fold"
    # The page opened on the resources: focus is on them, so a screen reader reads them first.
    assert page.evaluate("document.activeElement.closest('#crisis') !== null")
    full = screenshot(name)
    page.screenshot(path=str(full.with_name(f"{full.stem}-first-screen.png")))
    expect(page.get_by_role("alert").first).to_be_visible()


def test_a_crisis_note_on_the_checkin_shows_resources_above_the_fold(page, student, screenshot):
    page.set_viewport_size(PHONE)
    sign_in(page, student)
    page.goto("/checkin/")
    for question, answer in [
        ("How is your mood today?", "1"),
        ("How stressed do you feel?", "5"),
        ("How much energy do you have?", "1"),
        ("How well did you sleep?", "1"),
        ("How lonely have you felt today?", "5"),
        ("How strong is your sense of purpose today?", "1"),
    ]:
        pick(page, question, answer)
    page.get_by_label("How many hours did you sleep?").fill("3")
    page.get_by_label("Anything on your mind?").fill("I can't do this anymore. I want to die.")

    page.get_by_role("button", name="Save check-in").click()

    assert_resources_first(page, screenshot, "checkin-crisis")
    expect(page.get_by_text("Your check-in is saved.")).to_be_visible()
    assert SafetyEvent.objects.filter(student=student).count() == 1


def test_a_crisis_journal_entry_shows_resources_above_the_fold(page, student, screenshot):
    page.set_viewport_size(PHONE)
    sign_in(page, student)
    page.goto("/insights/journal/new/")
    page.get_by_label("Your reflection").fill("I want to die. Nobody would notice.")

    page.get_by_role("button", name="Save reflection").click()

    assert_resources_first(page, screenshot, "journal-crisis")
    expect(page.get_by_text("Reflection saved. Only you can read it.")).to_be_visible()
    assert SafetyEvent.objects.filter(student=student).count() == 1


def test_a_circle_interception_shows_resources_above_the_fold(page, student, cohort, screenshot):
    circle, peers = circle_with(student, cohort)
    for i in range(12):  # a long board: the resources once rendered ~2,600 px below
        post_circle_message(
            student=peers[i % len(peers)],
            circle_id=circle.pk,
            body=f"Week {i}: long shifts, but the team was kind. Anyone up for a walk on Sunday?",
        )
    page.set_viewport_size(PHONE)
    sign_in(page, student)
    page.goto(f"/help/circles/{circle.pk}/")
    page.get_by_label("Your message").fill("Some days I want to end it all")

    page.get_by_role("button", name="Post", exact=True).click()

    assert_resources_first(page, screenshot, "circle-crisis")
    expect(page.get_by_role("alert").first).to_contain_text("Before you post")
    assert not CircleMessage.objects.filter(author=student).exists()
    # Then back to the message, which can still be changed or posted.
    page.get_by_role("link", name="Back to your message").click()
    expect(page.get_by_role("button", name="Post anyway")).to_be_in_viewport()


def test_the_404_page_has_the_help_link_and_a_way_home(page, student, screenshot):
    page.set_viewport_size(PHONE)
    sign_in(page, student)

    response = page.goto("/insights/journal/999999/edit/")

    assert response.status == 404
    expect(page.get_by_role("heading", name="We can't find that page")).to_be_visible()
    help_link = page.get_by_role("main").get_by_role("link", name="Need help now")
    assert on_first_screen(page, help_link)
    expect(page.get_by_role("link", name="Go to your home page")).to_be_visible()
    screenshot("404")
    help_link.click()
    expect(page.get_by_role("heading", name="You don't have to handle this alone")).to_be_visible()


def test_a_checkin_error_opens_on_a_linked_summary(page, student):
    page.set_viewport_size(PHONE)
    sign_in(page, student)
    page.goto("/checkin/")
    page.get_by_label("How many hours did you sleep?").fill("25")

    page.get_by_role("button", name="Save check-in").click()

    summary = page.locator(".error-summary")
    assert on_first_screen(page, summary.get_by_role("heading", name="There is a problem"))
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    summary.get_by_role("link", name=re.compile("How many hours did you sleep")).click()
    assert page.evaluate("document.activeElement.id") == "id_sleep_hours"


def test_the_new_pages_and_states_have_no_serious_accessibility_violations(
    browser, live_server, student, cohort
):
    if not AXE.exists():
        pytest.skip("axe-core not installed: run `make axe`")
    circle, _ = circle_with(student, cohort)
    # axe is injected as a script, which the site's own CSP rightly forbids.
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    sign_in(page, student)

    page.goto("/no-such-page/")
    assert serious_violations(page) == [], "404"
    page.goto("/checkin/")
    page.get_by_role("button", name="Save check-in").click()
    assert serious_violations(page) == [], "check-in error summary"
    page.get_by_label("Anything on your mind?").fill("I want to die.")
    page.get_by_role("button", name="Save check-in").click()
    assert serious_violations(page) == [], "check-in crisis"
    page.goto(f"/help/circles/{circle.pk}/")
    page.get_by_label("Your message").fill("Some days I want to end it all")
    page.get_by_role("button", name="Post", exact=True).click()
    assert serious_violations(page) == [], "circle crisis"
    context.close()
