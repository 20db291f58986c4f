"""The installable app on a 390x844 phone: install criteria, and a check-in made without
signal that is sent once the signal is back."""

import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from checkins.models import CheckIn
from e2e.steps import open_menu, sign_in
from habits.models import HabitLog
from habits.services import enable_default_habit
from reminders.models import ReminderPrefs

pytestmark = pytest.mark.django_db(transaction=True)

ANSWERS = [
    ("How is your mood today?", "2"),
    ("How stressed do you feel?", "4"),
    ("How much energy do you have?", "2"),
    ("How well did you sleep?", "2"),
    ("How lonely have you felt today?", "3"),
    ("How strong is your sense of purpose today?", "3"),
]


def controlled_by_service_worker(page) -> None:
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    assert page.evaluate("!!navigator.serviceWorker.controller")


def wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_install_criteria_are_met(page, student):
    sign_in(page, student)
    controlled_by_service_worker(page)

    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    installability = cdp.send("Page.getInstallabilityErrors")

    assert manifest["url"].endswith("/manifest.webmanifest")
    assert manifest["errors"] == []
    # Playwright's contexts are incognito profiles, where Chromium never offers to install;
    # every criterion that is the site's to meet must hold.
    errors = {error["errorId"] for error in installability["installabilityErrors"]}
    assert errors <= {"in-incognito"}


def test_help_page_and_crisis_lines_work_without_signal(page, student):
    sign_in(page, student)
    controlled_by_service_worker(page)
    page.context.set_offline(True)

    page.goto("/help/")
    expect(page.get_by_role("heading", name="Need help now")).to_be_visible()
    expect(page.get_by_role("link", name="Call 988").first).to_be_visible()
    page.goto("/insights/")  # personal: never stored, so the offline page instead
    expect(page.get_by_role("heading", name="No signal right now")).to_be_visible()
    expect(page.get_by_role("link", name="Call 988").first).to_be_visible()


def test_a_checkin_made_offline_is_sent_once_on_reconnect(page, student, screenshot):
    sign_in(page, student)
    page.goto("/checkin/")
    controlled_by_service_worker(page)
    for question, answer in ANSWERS:
        group = page.get_by_role("group", name=question)
        group.get_by_role("radio", name=answer, exact=True).check()
    page.get_by_label("How many hours did you sleep?").fill("4.5")

    page.context.set_offline(True)
    page.get_by_role("button", name="Save check-in").click()

    expect(page.get_by_text("Saved on this phone.").first).to_be_visible()
    expect(page.get_by_text("Waiting to be sent from this phone")).to_be_visible()
    screenshot("queued")
    assert CheckIn.objects.filter(student=student).count() == 0

    page.context.set_offline(False)

    wait_for(lambda: CheckIn.objects.filter(student=student).count() == 1)
    expect(page.get_by_text("Sent what was waiting on this phone.")).to_be_visible()
    assert page.evaluate("WRQueue.all().then((items) => items.length)") == 0
    # Coming back again (another page, another online event) sends nothing more.
    page.goto("/checkin/")
    page.evaluate("WROutbox.flush()")
    assert CheckIn.objects.filter(student=student).count() == 1
    checkin = CheckIn.objects.get(student=student)
    assert (checkin.mood, checkin.day) == (2, student.enrollment.school.today())


def test_a_quick_checkin_queued_before_midnight_is_sent_for_the_day_it_was_made(
    browser, live_server, student
):
    school = student.enrollment.school
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        timezone_id=school.timezone,  # the phone is where the school is
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, student)
    page.goto("/checkin/quick/")
    controlled_by_service_worker(page)
    page.get_by_role("group", name="Your mood").get_by_role("radio", name="2", exact=True).check()

    context.set_offline(True)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Waiting to be sent from this phone").first).to_be_visible()
    # The service worker stamped it with today; make it one queued at 23:55 last night, so
    # it is sent after midnight (the worker's clock cannot be set from a test).
    yesterday = school.today() - timedelta(days=1)
    page.evaluate(
        """async (day) => {
          const [item] = await WRQueue.all();
          item.fields = item.fields.map(([name, value]) => [name, name === "day" ? day : value]);
          item.queuedAt = new Date(day + "T23:55:00").toISOString();
          await WRQueue.remove(item.key);
          await new Promise((resolve, reject) => {
            const open = indexedDB.open("wr-outbox", 1);
            open.onsuccess = () => {
              const transaction = open.result.transaction("items", "readwrite");
              transaction.objectStore("items").put(item);
              transaction.oncomplete = resolve;
              transaction.onerror = reject;
            };
          });
        }""",
        yesterday.isoformat(),
    )
    sent = []
    page.on(
        "request",
        lambda request: (
            sent.append((request.method, request.url, request.headers))
            if "/api/checkins/" in request.url
            else None
        ),
    )

    context.set_offline(False)

    wait_for(lambda: CheckIn.objects.filter(student=student).exists())
    expect(page.get_by_text("Sent what was waiting on this phone.")).to_be_visible()
    checkin = CheckIn.objects.get(student=student)
    assert (checkin.day, checkin.mood, checkin.stress) == (yesterday, 2, None)
    [(method, url, headers)] = sent
    assert method == "PUT" and url.endswith(f"/api/checkins/{yesterday.isoformat()}")
    assert len(headers["idempotency-key"]) == 32
    context.close()


def test_a_habit_ticked_offline_is_logged_once_on_reconnect(browser, live_server, student):
    habit = enable_default_habit(student=student, kind="exercise")
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        timezone_id=student.enrollment.school.timezone,  # the phone is where the school is
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, student)
    page.goto("/habits/")
    controlled_by_service_worker(page)

    context.set_offline(True)
    page.get_by_role("button", name="Exercise: Done today").click()

    expect(page.get_by_text("Waiting to be sent from this phone")).to_be_visible()
    assert not HabitLog.objects.filter(habit=habit).exists()

    context.set_offline(False)

    wait_for(lambda: HabitLog.objects.filter(habit=habit).count() == 1)
    expect(page.get_by_text("Sent what was waiting on this phone.")).to_be_visible()
    assert HabitLog.objects.get(habit=habit).day == student.enrollment.school.today()
    context.close()


def test_a_queued_checkin_the_server_refuses_is_reported_not_silently_dropped(page, student):
    sign_in(page, student)
    page.goto("/checkin/")
    controlled_by_service_worker(page)
    page.get_by_role("group", name="How is your mood today?").get_by_role(
        "radio", name="2", exact=True
    ).check()
    # And nothing else but a note: a mood alone would be a quick check-in, but a note is kept
    # only with every answer, so the server will ask for the rest.
    page.get_by_label("Anything on your mind?").fill("Long day.")

    page.context.set_offline(True)
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Waiting to be sent from this phone")).to_be_visible()
    page.context.set_offline(False)

    expect(page.get_by_text("Not saved, please enter again: A check-in from")).to_be_visible()
    assert page.evaluate("WRQueue.all().then((items) => items.length)") == 0
    assert CheckIn.objects.filter(student=student).count() == 0


def test_a_checkin_queued_by_one_student_is_never_saved_into_anothers_account(
    page, student, classmate
):
    sign_in(page, student)
    page.goto("/checkin/")
    controlled_by_service_worker(page)
    for question, answer in ANSWERS:
        group = page.get_by_role("group", name=question)
        group.get_by_role("radio", name=answer, exact=True).check()
    page.get_by_label("How many hours did you sleep?").fill("4.5")
    page.context.set_offline(True)
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Waiting to be sent from this phone")).to_be_visible()
    page.context.clear_cookies(name="sessionid")  # the session ended while offline

    page.context.set_offline(False)
    page.evaluate("WROutbox.flush()")
    # Signed out: it waits for a sign-in rather than being lost.
    assert page.evaluate("WRQueue.all().then((items) => items.length)") == 1
    sign_in(page, classmate)  # someone else signs in on this phone

    refusal = "Not sent, because it was made before the last sign-in"
    expect(page.get_by_text(refusal)).to_be_visible()
    assert page.evaluate("WRQueue.all().then((items) => items.length)") == 0
    assert not CheckIn.objects.exists()


def test_student_picks_a_reminder_time_on_the_phone(page, student):
    sign_in(page, student)
    open_menu(page)
    page.get_by_role("link", name="Reminders").click()
    controlled_by_service_worker(page)

    expect(page.get_by_role("button", name="Turn on notifications here")).to_be_visible()
    page.get_by_label("Remind me to check in at").fill("21:30")
    page.get_by_label("Quiet hours from").fill("23:00")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Reminder settings saved.")).to_be_visible()
    prefs = ReminderPrefs.objects.get(student=student)
    assert (prefs.checkin_at.isoformat(), prefs.quiet_start.isoformat()) == ("21:30:00", "23:00:00")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
