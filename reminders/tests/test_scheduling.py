"""Which reminders go out when: the student's chosen time in their time zone, never in quiet
hours, never over the daily cap, once each, and by email when no browser can show them."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from checkins.services import record_checkin
from planner.services import update_prefs as update_planner_prefs
from reminders.models import Reminder
from reminders.services import queue_due_reminders, save_prefs, send_reminder

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")  # the test school's zone
ANSWERS = {
    "mood": 3, "stress": 3, "energy": 3, "sleep_hours": 7, "sleep_quality": 3, "loneliness": 2,
    "purpose": 4,
}  # fmt: skip


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def at(hour: int, minute: int = 0, day: int = 7, zone=NEW_YORK) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=zone)


def test_nothing_is_sent_to_a_student_who_chose_no_time(student):
    save_prefs(student=student, values={"screenings": True})

    assert queue_due_reminders(at(12)) == 0
    assert mail.outbox == []


def test_the_daily_reminder_comes_at_the_chosen_time_in_the_school_zone_once(student):
    save_prefs(student=student, values={"checkin_at": time(20, 30)})

    assert queue_due_reminders(at(20, 29)) == 0
    assert queue_due_reminders(at(20, 30)) == 1
    assert queue_due_reminders(at(20, 45)) == 0  # once a day
    # 20:30 in New York is 01:30 UTC the next day: the student's day counts, not UTC's.
    assert Reminder.objects.get().local_day.isoformat() == "2026-12-07"
    assert len(mail.outbox) == 1  # no browser subscribed: by email
    assert queue_due_reminders(at(20, 30, day=8)) == 1  # and again the next evening


def test_the_students_own_time_zone_wins_over_the_schools(student):
    update_planner_prefs(student=student, timezone="Europe/London")  # the planner's setting
    save_prefs(student=student, values={"checkin_at": time(20)})
    london = ZoneInfo("Europe/London")

    assert queue_due_reminders(at(14, 0)) == 0  # 14:00 in New York: 19:00 in London
    assert queue_due_reminders(at(19, 59, zone=london)) == 0
    assert queue_due_reminders(at(20, 0, zone=london)) == 1


def test_no_reminder_once_checked_in(student):
    no_quiet_hours = {"quiet_start": time(0), "quiet_end": time(0)}
    save_prefs(student=student, values={"checkin_at": time(0, 1), **no_quiet_hours})
    now = datetime.now(NEW_YORK).replace(hour=23, minute=0)
    record_checkin(student=student, values=ANSWERS)

    assert queue_due_reminders(now) == 0
    assert mail.outbox == []


def test_a_reminder_due_in_quiet_hours_waits_until_they_end(student):
    save_prefs(
        student=student,
        values={"checkin_at": time(6, 30), "quiet_start": time(22), "quiet_end": time(7)},
    )

    assert queue_due_reminders(at(6, 45)) == 0
    assert queue_due_reminders(at(7, 0)) == 1


def test_never_more_than_the_daily_cap(student):
    save_prefs(
        student=student,
        values={"checkin_at": time(9), "screenings": True, "per_day": 2},
    )

    # The check-in and four screenings a new student has on their default schedule are due.
    assert queue_due_reminders(at(9)) == 2
    assert queue_due_reminders(at(12)) == 0
    kinds = list(Reminder.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["checkin", "screening"]
    assert queue_due_reminders(at(9, day=8)) == 2  # a new day, a new allowance


def test_a_reminder_the_student_no_longer_needs_is_not_sent_and_frees_its_place(student, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    save_prefs(student=student, values={"checkin_at": time(9), "per_day": 1})
    queue_due_reminders(at(9))
    reminder = Reminder.objects.get()
    record_checkin(student=student, values=ANSWERS)  # before the worker got to it

    assert send_reminder(reminder_id=reminder.pk, now=at(9, 5)) == ""
    assert not Reminder.objects.exists()
    assert mail.outbox == []


def test_no_email_when_the_student_switched_the_fallback_off(student):
    save_prefs(student=student, values={"checkin_at": time(9), "email_fallback": False})

    queue_due_reminders(at(9))

    assert mail.outbox == []
    assert not Reminder.objects.exists()  # not sent: it does not use up the cap


def test_the_command_queues_what_is_due(student, capsys):
    save_prefs(student=student, values={"checkin_at": time(0)})

    call_command("send_reminders")

    assert "Queued" in capsys.readouterr().out


def test_a_student_who_left_their_cohort_does_not_stop_anyone_elses_reminders(student, classmate):
    for person in (student, classmate):
        save_prefs(student=person, values={"checkin_at": time(9)})
    student.enrollment.delete()

    assert queue_due_reminders(at(9)) == 1
    assert [email.to for email in mail.outbox] == [[classmate.email]]
