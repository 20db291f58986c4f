"""Reminder emails through the task queue: opt-in, quiet hours, a daily cap, no resends,
and a one-click unsubscribe that needs no login."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from planner import reminders, services
from planner.models import PlannerPrefs, ProtectedBlock, ReminderSent
from reminders.services import save_prefs as save_reminder_prefs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _blocks_soon(student, count: int, now: datetime):
    zone = services.zone_of(student)
    for i in range(count):
        start = now + timedelta(minutes=30 + 10 * i)
        ProtectedBlock.objects.create(
            student=student,
            school=student.enrollment.school,
            kind="movement",
            proposed_start=start,
            starts_at=start,
            ends_at=start + timedelta(minutes=10),
            state="accepted",
        )
    return zone


def _noon(student) -> datetime:
    zone = services.zone_of(student)
    # A Tuesday at noon: not the weekly nudge's day.
    return datetime(2026, 11, 24, 12, tzinfo=zone)


def test_no_email_unless_the_student_opted_in(student):
    now = _noon(student)
    _blocks_soon(student, 1, now)
    services.update_prefs(student=student, weekly_nudge=False)

    assert reminders.queue_due_reminders(now) == 0
    assert mail.outbox == []


def test_one_reminder_a_day_by_default_and_reruns_never_resend(student):
    now = _noon(student)
    _blocks_soon(student, 3, now)
    services.update_prefs(student=student, email_reminders=True)

    assert reminders.queue_due_reminders(now) == 1
    assert reminders.queue_due_reminders(now) == 0
    assert reminders.queue_due_reminders(now + timedelta(minutes=15)) == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [student.email] and "Protected time at 12:30" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/planner/unsubscribe/" in message.body


def test_a_raised_limit_allows_more(student):
    now = _noon(student)
    _blocks_soon(student, 3, now)
    services.update_prefs(student=student, email_reminders=True, reminders_per_day=3)
    assert reminders.queue_due_reminders(now) == 3


def test_quiet_hours_hold_reminders(student):
    now = _noon(student)
    _blocks_soon(student, 1, now)
    services.update_prefs(
        student=student, email_reminders=True, quiet_start=time(11), quiet_end=time(13)
    )
    assert reminders.queue_due_reminders(now) == 0
    assert not ReminderSent.objects.exists()


def test_the_reminder_settings_quiet_hours_hold_planner_reminders_too(student):
    now = _noon(student)
    _blocks_soon(student, 1, now)
    services.update_prefs(student=student, email_reminders=True)
    save_reminder_prefs(student=student, values={"quiet_start": time(11), "quiet_end": time(13)})

    assert reminders.queue_due_reminders(now) == 0

    save_reminder_prefs(student=student, values={"quiet_start": time(22), "quiet_end": time(7)})
    assert reminders.queue_due_reminders(now) == 1


def test_the_weekly_nudge_is_opt_in(student):
    """Opening the planner creates the prefs row; that alone must not start emails."""
    services.prefs_of(student)
    sunday = datetime(2026, 11, 29, 18, tzinfo=services.zone_of(student))
    assert reminders.queue_due_reminders(sunday) == 0 and mail.outbox == []


def test_the_weekly_nudge_goes_out_on_sunday_evening_once(student):
    services.update_prefs(student=student, weekly_nudge=True)
    sunday = datetime(2026, 11, 29, 18, tzinfo=services.zone_of(student))
    assert reminders.queue_due_reminders(sunday) == 1
    assert reminders.queue_due_reminders(sunday + timedelta(hours=1)) == 0
    assert mail.outbox[0].subject == "Plan your week of protected time"


def test_the_command_is_cron_friendly(student, monkeypatch):
    services.update_prefs(student=student, weekly_nudge=True)
    sunday = datetime(2026, 11, 29, 18, tzinfo=services.zone_of(student))
    monkeypatch.setattr(timezone, "now", lambda: sunday)  # the suite's way to fix the clock

    call_command("send_planner_reminders")
    call_command("send_planner_reminders")

    assert ReminderSent.objects.count() == 1 and len(mail.outbox) == 1


def test_unsubscribe_get_confirms_and_post_unsubscribes_without_login(client, student):
    services.update_prefs(student=student, email_reminders=True)
    url = reverse("planner_unsubscribe", args=[reminders.unsubscribe_token(student.pk)])

    page = client.get(url)
    assert "Stop all planner reminder emails" in page.content.decode()
    assert PlannerPrefs.objects.get(student=student).email_reminders

    done = client.post(url)
    assert "Done" in done.content.decode()
    prefs = PlannerPrefs.objects.get(student=student)
    assert not prefs.email_reminders and not prefs.weekly_nudge


def test_a_forged_unsubscribe_link_changes_nothing(client, student):
    services.update_prefs(student=student, email_reminders=True)
    response = client.post(reverse("planner_unsubscribe", args=[f"{student.pk}:forged"]))
    assert "not valid" in response.content.decode()
    assert PlannerPrefs.objects.get(student=student).email_reminders


def test_an_unsubscribe_link_names_no_user_and_expires_after_a_year(client, student, monkeypatch):
    services.update_prefs(student=student, email_reminders=True)
    opaque = PlannerPrefs.objects.get(student=student).unsubscribe_id
    token = reminders.unsubscribe_token(student.pk)
    payload = signing.loads(token, salt=reminders.UNSUBSCRIBE_SALT)
    assert payload == opaque.hex  # a random id, not the user id

    signed_at = signing.time.time() - reminders.UNSUBSCRIBE_MAX_AGE.total_seconds() - 60
    with monkeypatch.context() as past:
        past.setattr(signing.time, "time", lambda: signed_at)
        expired = reminders.unsubscribe_token(student.pk)
    old_style = signing.dumps({"student": student.pk}, salt=reminders.UNSUBSCRIBE_SALT)

    for stale in (expired, old_style):
        response = client.post(reverse("planner_unsubscribe", args=[stale]))
        assert "not valid" in response.content.decode()
    assert PlannerPrefs.objects.get(student=student).email_reminders


def test_each_student_has_their_own_opaque_unsubscribe_id(student, classmate):
    services.update_prefs(student=student, email_reminders=True)
    services.update_prefs(student=classmate, email_reminders=True)
    ids = set(PlannerPrefs.objects.values_list("unsubscribe_id", flat=True))
    assert len(ids) == 2


@pytest.fixture
def deferred(monkeypatch):
    """A queue that only records: the worker sends later, when things may have changed."""
    from planner import tasks

    queued = []

    class Recorder:
        def enqueue(self, reminder_id):
            queued.append(reminder_id)

    monkeypatch.setattr(tasks, "send_planner_email", Recorder())
    return queued


@pytest.mark.parametrize(
    "change",
    [
        "unsubscribed",
        "reminders_off",
        "rejected",
        "moved",
        "quiet_hours",
    ],
)
def test_nothing_is_sent_if_things_changed_before_the_worker_ran(student, deferred, change):
    now = _noon(student)
    _blocks_soon(student, 1, now)
    services.update_prefs(student=student, email_reminders=True)
    assert reminders.queue_due_reminders(now) == 1
    block = ProtectedBlock.objects.get()
    if change == "unsubscribed":
        services.unsubscribe(student_id=student.pk)
    elif change == "reminders_off":
        services.update_prefs(student=student, email_reminders=False)
    elif change == "rejected":
        ProtectedBlock.objects.filter(pk=block.pk).update(state="rejected")
    elif change == "moved":
        later = block.starts_at + timedelta(hours=3)
        ProtectedBlock.objects.filter(pk=block.pk).update(
            starts_at=later, ends_at=later + timedelta(minutes=10)
        )
    else:
        services.update_prefs(student=student, quiet_start=time(11), quiet_end=time(13))

    sent = reminders.send_planner_email(reminder_id=deferred[0], now=now)

    assert sent is False and mail.outbox == []
    assert not ReminderSent.objects.exists()  # its place under the daily cap is free again


def test_a_reminder_still_wanted_is_sent_by_the_worker(student, deferred):
    now = _noon(student)
    _blocks_soon(student, 1, now)
    services.update_prefs(student=student, email_reminders=True)
    reminders.queue_due_reminders(now)

    assert reminders.send_planner_email(reminder_id=deferred[0], now=now) is True
    assert len(mail.outbox) == 1


def test_the_daily_cap_is_counted_under_a_lock_on_the_students_prefs(student, monkeypatch):
    """Two overlapping cron runs must not both see room under the cap: the prefs row is
    locked (SELECT ... FOR UPDATE on PostgreSQL) while counting and claiming."""
    locked = []
    original = QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        locked.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    now = _noon(student)
    _blocks_soon(student, 1, now)
    services.update_prefs(student=student, email_reminders=True)

    assert reminders.queue_due_reminders(now) == 1
    assert PlannerPrefs in locked
