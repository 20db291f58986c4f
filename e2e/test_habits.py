from datetime import time

import pytest
from playwright.sync_api import expect

from e2e.steps import sign_in
from habits.models import Habit, HabitLog
from habits.services import enable_default_habit
from schools.selectors import enrollment_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_student_enables_exercise_logs_today_and_back_fills_yesterday(page, student, screenshot):
    today = enrollment_for(student).school.today()
    yesterday = today.fromordinal(today.toordinal() - 1)
    sign_in(page, student)
    page.goto("/habits/")

    page.get_by_role("checkbox", name="Exercise").check()
    page.get_by_role("button", name="Add the ticked habits").click()
    expect(page.get_by_text("“Exercise” is on your list.")).to_be_visible()
    card = page.locator(f"#habit-{Habit.objects.get(student=student).pk}")
    expect(card.get_by_text("Strength 0 of 100")).to_be_visible()

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        card.get_by_role("button", name="Exercise: Done today").click()
    assert posted.value.request.headers.get("hx-request") == "true"  # swapped in, no reload
    done_today = card.get_by_role("button", name="Exercise: Done today")
    expect(done_today).to_have_attribute("aria-pressed", "true")
    expect(card.get_by_text("1 of 3 this week")).to_be_visible()
    after_today = card.get_by_text("Strength").first.inner_text()

    label = f"Exercise on {yesterday:%a} {yesterday.day} {yesterday:%b}"
    card.get_by_role("button", name=f"{label}, not done").click()
    expect(card.get_by_role("button", name=f"{label}, done")).to_be_visible()
    expect(card.get_by_text("Strength").first).not_to_have_text(after_today)
    # Nothing on the page may be wider than the phone (the shared header is checked elsewhere).
    widest = (
        "Math.max(...[...document.querySelectorAll('main *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert page.evaluate(widest) <= 390
    screenshot("habits")

    assert set(HabitLog.objects.values_list("day", flat=True)) == {today, yesterday}


def test_student_sets_a_reminder_time_on_a_habit(page, student):
    habit = enable_default_habit(student=student, kind="exercise")
    sign_in(page, student)
    page.goto("/habits/")
    page.get_by_role("link", name="Edit Exercise").click()

    page.get_by_label("Remind me at (optional)").fill("18:30")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Saved.")).to_be_visible()
    habit.refresh_from_db()
    assert habit.remind_at == time(18, 30)
    page.goto(f"/habits/{habit.pk}/edit/")
    page.get_by_role("link", name="Quiet hours, daily limit and notifications").click()
    expect(page.get_by_role("heading", name="Reminders", exact=True)).to_be_visible()
