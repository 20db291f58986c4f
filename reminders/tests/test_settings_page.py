"""The reminders page: choosing times, and this browser's push subscription."""

import io
import json
import zipfile
from datetime import time

import pytest
from django.urls import reverse

from accounts.data_ownership import delete_account, export_personal_data
from reminders.models import PushSubscription, ReminderPrefs
from reminders.services import subscribe

from .push_service import Subscriber

pytestmark = pytest.mark.django_db

FCM = "https://fcm.googleapis.com/fcm/send/dGVzdA:abc"


def subscription_json(endpoint=FCM, browser=None):
    browser = browser or Subscriber.new()
    return {"endpoint": endpoint, "keys": {"p256dh": browser.p256dh, "auth": browser.auth}}


def test_student_chooses_a_reminder_time_and_quiet_hours(client, student):
    client.force_login(student)
    form = {"checkin_at": "21:15", "quiet_start": "23:00", "quiet_end": "06:30", "per_day": "1",
            "email_fallback": "on"}  # fmt: skip

    response = client.post(reverse("reminder_settings"), form, follow=True)

    assert "Reminder settings saved." in response.content.decode()
    prefs = ReminderPrefs.objects.get(student=student)
    assert (prefs.checkin_at, prefs.quiet_end, prefs.per_day) == (time(21, 15), time(6, 30), 1)
    assert not prefs.screenings


def test_bad_input_shows_field_errors_and_saves_nothing(client, student):
    client.force_login(student)

    response = client.post(
        reverse("reminder_settings"),
        {"checkin_at": "25:99", "quiet_start": "", "quiet_end": "07:00", "per_day": "9"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_checkin_at_error"' in page and 'id="id_per_day_error"' in page
    assert not ReminderPrefs.objects.exists()


def test_the_page_gives_the_browser_the_vapid_public_key(client, student):
    client.force_login(student)

    page = client.get(reverse("reminder_settings")).content.decode()

    assert 'data-application-server-key="B' in page  # an uncompressed P-256 point


def test_a_browser_subscribes_and_unsubscribes(client, student):
    client.force_login(student)

    response = client.post(
        reverse("push_subscribe"), subscription_json(), content_type="application/json"
    )
    assert response.status_code == 201
    assert PushSubscription.objects.get(student=student).endpoint == FCM

    response = client.post(
        reverse("push_unsubscribe"), {"endpoint": FCM}, content_type="application/json"
    )
    assert response.status_code == 200
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        subscription_json(endpoint="http://169.254.169.254/latest/meta-data"),
        subscription_json(endpoint="https://intranet.example/push"),
        {"endpoint": FCM, "keys": {"p256dh": "short", "auth": "x"}},
        {"endpoint": FCM},
        ["not", "an", "object"],
        "{not json",
    ],
)
def test_anything_but_a_push_services_subscription_is_refused(client, student, body):
    client.force_login(student)
    data = body if isinstance(body, str) else json.dumps(body)

    response = client.post(reverse("push_subscribe"), data, content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()
    assert not PushSubscription.objects.exists()


def test_an_endpoint_subscribed_again_by_another_student_moves_to_them(student, classmate):
    browser = Subscriber.new()
    subscribe(student=student, endpoint=FCM, p256dh=browser.p256dh, auth=browser.auth)

    subscribe(student=classmate, endpoint=FCM, p256dh=browser.p256dh, auth=browser.auth)

    assert list(PushSubscription.objects.values_list("student", flat=True)) == [classmate.pk]


def test_subscriptions_are_exported_and_deleted_with_the_account(student):
    browser = Subscriber.new()
    subscribe(student=student, endpoint=FCM, p256dh=browser.p256dh, auth=browser.auth)

    archive = zipfile.ZipFile(io.BytesIO(export_personal_data(user=student)))

    [exported] = json.loads(archive.read("push_subscriptions.json"))
    assert (exported["endpoint"], exported["auth"]) == (FCM, browser.auth)
    delete_account(user=student)
    assert not PushSubscription.objects.exists()


def test_a_student_keeps_at_most_ten_devices_the_newest(student):
    for number in range(12):
        browser = Subscriber.new()
        subscribe(
            student=student, endpoint=f"{FCM}{number}", p256dh=browser.p256dh, auth=browser.auth
        )

    endpoints = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert endpoints == {f"{FCM}{number}" for number in range(2, 12)}


def test_the_page_lists_the_habit_reminders_and_where_to_change_them(client, student):
    from habits.services import enable_default_habit, update_habit

    habit = enable_default_habit(student=student, kind="exercise")
    update_habit(student=student, habit_id=habit.pk, remind_at=time(18, 30))
    enable_default_habit(student=student, kind="rest")  # no reminder: not listed
    client.force_login(student)

    page = client.get(reverse("reminder_settings")).content.decode()

    assert "Exercise</a> at 18:30" in page
    assert reverse("habit_edit", args=[habit.pk]) in page
    assert "Rest or a hobby" not in page
    assert "every reminder (check-in, habits, screenings and" in page
