import pytest
from playwright.sync_api import expect

from checkins.models import CheckIn, SafetyEvent, ScreeningResponse
from e2e.steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def pick(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_role("radio", name=answer, exact=True).check()


def test_student_checks_in_on_a_phone(page, student, screenshot):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, student)
    page.get_by_role("link", name="Check in — about a minute").click()

    for question, answer in [
        ("How is your mood today?", "4"),
        ("How stressed do you feel?", "3"),
        ("How much energy do you have?", "2"),
        ("How well did you sleep?", "2"),
        ("How lonely have you felt today?", "3"),
        ("How strong is your sense of purpose today?", "5"),
    ]:
        pick(page, question, answer)
    page.get_by_label("How many hours did you sleep?").fill("5.5")
    page.get_by_text("Moved my body").click()
    page.get_by_text("Connected with someone").click()
    page.get_by_label("Anything on your mind?").fill("Long call, good team.")
    # Nothing on the page may be wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("checkin-form")
    page.get_by_role("button", name="Save check-in").click()

    expect(page.get_by_text("Checked in.")).to_be_visible()
    checkin = CheckIn.objects.get(student=student)
    assert (checkin.mood, checkin.purpose, float(checkin.sleep_hours)) == (4, 5, 5.5)
    assert checkin.moved and checkin.connected and not checkin.ate_well
    assert checkin.rotation.slug == "surgery"

    pick(page, "How is your mood today?", "2")
    page.get_by_role("button", name="Update check-in").click()
    expect(page.get_by_text("Today's check-in is updated.")).to_be_visible()
    assert CheckIn.objects.get(student=student).mood == 2


def test_phq9_with_item_9_shows_the_crisis_screen_in_the_same_response(page, student, screenshot):
    sign_in(page, student)
    page.goto("/screenings/phq9/")

    groups = page.locator("fieldset")
    expect(groups).to_have_count(10)  # nine scored items, then the optional difficulty question
    for index in range(8):
        groups.nth(index).get_by_label("Not at all").check()
    groups.nth(8).get_by_label("Several days").check()

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="See my result").click()
    assert posted.value.status == 201  # the saving response itself carries the crisis block

    expect(page.get_by_role("heading", name="You don't have to handle this alone")).to_be_visible()
    expect(page.locator('a[href="tel:988"]').first).to_be_visible()
    expect(page.get_by_text("This is a screening, not a diagnosis.")).to_be_visible()
    screenshot("phq9-crisis")
    assert ScreeningResponse.objects.get(student=student).flags == ["self_harm"]
    assert SafetyEvent.objects.filter(student=student).count() == 1


def test_not_safe_button_from_home(page, student):
    sign_in(page, student)

    page.get_by_role("button", name="I'm not safe right now").click()

    expect(page.get_by_role("heading", name="You don't have to handle this alone")).to_be_visible()
    expect(page.get_by_text("Nobody at your school is told").first).to_be_visible()
