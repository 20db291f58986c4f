"""A reminder for each habit at the time the student set on it: through the same scheduler
as the daily check-in, under the same quiet hours and daily cap, never for a habit already
done, marked "not today" or paused that day, and naming the habit only on the student's own
devices."""

import io
import json
import zipfile
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from habits.models import HabitLog
from habits.services import enable_default_habit, pause_habit, update_habit
from reminders.models import Reminder, ReminderPrefs
from reminders.services import queue_due_reminders, save_prefs, send_reminder, subscribe

from .push_service import Subscriber
from .test_push_delivery import decrypt

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")  # the test school's zone


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def at(hour: int, minute: int = 0, day: int = 7) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=NEW_YORK)


def habit_reminded_at(student, when: time, kind: str = "exercise"):
    habit = enable_default_habit(student=student, kind=kind)
    return update_habit(student=student, habit_id=habit.pk, remind_at=when)


def answer(habit, day: int, not_today: bool = False) -> None:
    HabitLog.objects.create(
        habit=habit, school_id=habit.school_id, day=at(12, day=day).date(), not_today=not_today
    )


def test_a_habits_reminder_comes_at_its_time_once_a_day(student):
    habit_reminded_at(student, time(18))

    assert queue_due_reminders(at(17, 59)) == 0
    assert queue_due_reminders(at(18, 0)) == 1
    assert queue_due_reminders(at(21, 0)) == 0  # once a day
    assert queue_due_reminders(at(18, 0, day=8)) == 1  # and again the next day
    assert list(Reminder.objects.values_list("kind", flat=True)) == ["habit", "habit"]


def test_it_needs_no_daily_checkin_reminder_and_keeps_the_default_settings(student):
    habit_reminded_at(student, time(18))
    assert not ReminderPrefs.objects.exists()  # never opened the reminder settings

    assert queue_due_reminders(at(18)) == 1

    prefs = ReminderPrefs.objects.get(student=student)
    assert (prefs.checkin_at, prefs.quiet_start, prefs.per_day) == (None, time(22), 2)


@pytest.mark.parametrize("not_today", [False, True])
def test_no_reminder_for_a_habit_done_or_marked_not_today(student, not_today):
    habit = habit_reminded_at(student, time(18))
    answer(habit, day=7, not_today=not_today)

    assert queue_due_reminders(at(18)) == 0
    assert mail.outbox == []
    assert queue_due_reminders(at(18, day=8)) == 1  # an answer is for its day only


def test_no_reminder_for_a_paused_habit_nor_one_without_a_time(student):
    paused = habit_reminded_at(student, time(18))
    pause_habit(student=student, habit_id=paused.pk)
    enable_default_habit(student=student, kind="rest")  # no reminder time

    assert queue_due_reminders(at(18)) == 0


def test_a_habit_reminder_due_in_quiet_hours_waits_until_they_end(student):
    save_prefs(student=student, values={"quiet_start": time(22), "quiet_end": time(7)})
    habit_reminded_at(student, time(6, 30))

    assert queue_due_reminders(at(6, 45)) == 0
    assert queue_due_reminders(at(7, 0)) == 1


def test_habit_reminders_count_against_the_same_daily_cap(student):
    save_prefs(student=student, values={"checkin_at": time(9), "per_day": 2})
    habit_reminded_at(student, time(9), kind="exercise")
    habit_reminded_at(student, time(9), kind="rest")

    assert queue_due_reminders(at(9)) == 2
    assert queue_due_reminders(at(12)) == 0
    kinds = list(Reminder.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["checkin", "habit"]  # the check-in first


def test_a_habit_done_before_the_worker_sends_its_reminder_is_not_reminded(student, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    habit = habit_reminded_at(student, time(18))
    queue_due_reminders(at(18))
    reminder = Reminder.objects.get()
    answer(habit, day=7)

    assert send_reminder(reminder_id=reminder.pk, now=at(18, 5)) == ""
    assert not Reminder.objects.exists()  # its place under the cap is free again
    assert mail.outbox == []


def test_a_reminder_time_taken_off_before_sending_is_not_sent(student, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    habit = habit_reminded_at(student, time(18))
    queue_due_reminders(at(18))
    update_habit(student=student, habit_id=habit.pk, remind_at=None)

    assert send_reminder(reminder_id=Reminder.objects.get().pk, now=at(18, 5)) == ""


def test_the_email_names_no_habit(student):
    habit = habit_reminded_at(student, time(18), kind="therapy")

    queue_due_reminders(at(18))

    [email] = mail.outbox
    assert habit.name not in email.subject + email.body
    assert "habit" in email.subject.lower() and "/habits/" in email.body


def test_the_notification_names_the_habit_and_nothing_else(push_service, student):
    browser = Subscriber.new()
    subscribe(
        student=student, endpoint=push_service.url + "/push/h", p256dh=browser.p256dh,
        auth=browser.auth,
    )  # fmt: skip
    habit = habit_reminded_at(student, time(18), kind="meditation")

    queue_due_reminders(at(18, 30))

    [message] = push_service.received
    assert decrypt(message.body, browser) == {
        "title": habit.name,
        "body": "The reminder you set for this habit. Done? Tap to mark it.",
        "url": "/habits/",
        "tag": f"habit-{habit.pk}",
    }
    assert mail.outbox == []


def test_habit_reminders_sent_are_exported_and_deleted_with_the_account(student):
    from accounts.data_ownership import delete_account, export_personal_data

    habit = habit_reminded_at(student, time(18))
    queue_due_reminders(at(18))

    archive = zipfile.ZipFile(io.BytesIO(export_personal_data(user=student)))

    [sent] = json.loads(archive.read("reminders_sent.json"))
    assert (sent["kind"], sent["key"]) == ("habit", f"habit:{habit.pk}:2026-12-07")
    delete_account(user=student)
    assert not Reminder.objects.exists() and not ReminderPrefs.objects.exists()
