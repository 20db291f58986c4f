"""Two students opt in, are matched into a circle, talk, then report and block."""

import pytest
from playwright.sync_api import expect

from circles.models import CircleBlock, CircleMessage, MessageReport
from circles.services import save_circle_profile
from conftest import make_student
from e2e.conftest import ARTIFACTS
from e2e.steps import open_menu, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def opt_in(page, pseudonym: str) -> None:
    open_menu(page)
    page.get_by_role("link", name="Circles").click()
    page.get_by_role("link", name="Join peer circles").click()
    expect(page.get_by_role("heading", name="Community guidelines")).to_be_visible()
    page.get_by_label("Your pseudonym").fill(pseudonym)
    page.get_by_label("Running").check()
    page.get_by_label("Weekday evenings").check()
    page.get_by_label("I have read the community guidelines").check()
    page.get_by_role("button", name="Join and find my circle").click()
    expect(page.get_by_text("Welcome to peer circles.")).to_be_visible()


def test_two_students_are_matched_talk_report_and_block(
    browser, live_server, student, classmate, cohort
):
    for i, name in enumerate(["Cedar", "Fern"]):
        other = make_student(cohort, f"early{i}@riverside.example", rotation=None)
        save_circle_profile(student=other, pseudonym=name, accept_guidelines=True)
    alice = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    bob = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    a, b = alice.new_page(), bob.new_page()

    sign_in(a, student)
    opt_in(a, "Quiet Heron")
    expect(a.get_by_text("We'll match you when 1 more student has opted in.")).to_be_visible()

    sign_in(b, classmate)
    opt_in(b, "Night Owl")
    circle_link = b.locator("article h2 a")
    expect(circle_link).to_have_count(1)
    circle_link.click()
    for name in ["Quiet Heron", "Night Owl (you)", "Cedar", "Fern"]:
        expect(b.get_by_text(name, exact=False).first).to_be_visible()
    expect(b.get_by_role("heading", name="This week's prompt")).to_be_visible()
    expect(b.get_by_role("link", name="Need help now").first).to_be_visible()
    assert student.email not in b.content()
    b.get_by_label("Your message").fill("Hi all, anyone up for a run on Thursday evening?")
    b.get_by_role("button", name="Post", exact=True).click()
    expect(b.get_by_text("Posted to your circle.")).to_be_visible()

    a.reload()
    a.locator("article h2 a").click()
    expect(a.get_by_text("anyone up for a run on Thursday evening?")).to_be_visible()
    a.get_by_label("Your message").fill("Some days I want to end it all")
    a.get_by_role("button", name="Post", exact=True).click()
    expect(a.get_by_text("You don't have to handle this alone")).to_be_visible()
    a.get_by_label("Your message").fill("Some days are long. Thursday works for me!")
    a.get_by_role("button", name="Post anyway").click()
    expect(a.get_by_text("Posted to your circle.")).to_be_visible()
    assert CircleMessage.objects.count() == 2
    ARTIFACTS.mkdir(exist_ok=True)
    a.screenshot(path=str(ARTIFACTS / "circles-board.png"), full_page=True)

    b.reload()
    b.get_by_role("link", name="Report").first.click()
    b.get_by_label("Harassment or bullying").check()
    b.get_by_role("button", name="Send report").click()
    expect(b.get_by_text("wellness lead will review the message")).to_be_visible()
    b.get_by_role("link", name="Report").first.click()
    expect(b.get_by_text("You already reported this message")).to_be_visible()
    assert MessageReport.objects.count() == 1

    b.get_by_role("link", name="Back to the circle").click()
    b.get_by_role("link", name="Block Quiet Heron").click()
    b.get_by_role("button", name="Block Quiet Heron").click()
    expect(b.get_by_text("You blocked Quiet Heron.")).to_be_visible()
    expect(b.get_by_text("Thursday works for me!")).to_have_count(0)
    assert CircleBlock.objects.filter(blocker=classmate, blocked=student).exists()
    alice.close()
    bob.close()
