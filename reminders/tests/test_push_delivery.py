"""The whole push path, with no mocked sender: the scheduler queues the daily reminder, the
task sends it through pywebpush to a push service listening on 127.0.0.1, and the test opens
the message with the subscriber's private key (RFC 8291, aes128gcm) as the browser would."""

import base64
import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.core import mail
from django.utils import timezone

from planner import planning
from planner.models import ProtectedBlock
from planner.reminders import queue_due_reminders as queue_planner_reminders
from planner.services import prefs_of, update_prefs
from reminders import vapid
from reminders.models import PushSubscription, Reminder
from reminders.services import queue_due_reminders, save_prefs, subscribe

from .push_service import Subscriber

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def decrypt(body: bytes, subscriber: Subscriber) -> dict:
    plain = http_ece.decrypt(
        body,
        private_key=subscriber.private_key,
        auth_secret=subscriber.auth_secret,
        version="aes128gcm",
    )
    return json.loads(plain)


def verify_vapid(authorization: str, audience: str) -> dict:
    """RFC 8292: `vapid t=<JWT signed ES256>, k=<our public key>`; the key is the one the
    browser subscribed with, and the token is for this push service."""
    scheme, _, params = authorization.partition(" ")
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert scheme == "vapid"
    assert fields["k"] == vapid.application_server_key()
    header, claims, signature = fields["t"].split(".")
    raw = b64url_decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    vapid.private_key().public_key().verify(
        der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256())
    )
    decoded = json.loads(b64url_decode(claims))
    assert decoded["aud"] == audience
    return decoded


def test_the_daily_reminder_reaches_the_browser_encrypted_and_signed(push_service, student):
    browser = Subscriber.new()
    subscribe(
        student=student,
        endpoint=push_service.url + "/push/abc123",
        p256dh=browser.p256dh,
        auth=browser.auth,
    )
    save_prefs(student=student, values={"checkin_at": time(20, 30)})

    queued = queue_due_reminders(datetime(2026, 12, 7, 20, 35, tzinfo=NEW_YORK))

    assert queued == 1
    [message] = push_service.received
    assert message.path == "/push/abc123"
    assert message.headers["content-encoding"] == "aes128gcm"
    assert int(message.headers["ttl"]) > 0
    assert decrypt(message.body, browser) == {
        "title": "A minute for yourself?",
        "body": "How was today? Your check-in takes about a minute.",
        "url": "/checkin/",
        "tag": "checkin",
    }
    verify_vapid(message.headers["authorization"], audience=push_service.url)
    assert Reminder.objects.get(student=student).channel == "push"
    assert mail.outbox == []  # pushed, so no email


def test_a_subscription_the_push_service_says_is_gone_is_forgotten_and_email_is_sent(
    push_service, student
):
    push_service.status = 410
    browser = Subscriber.new()
    subscribe(
        student=student, endpoint=push_service.url + "/push/old", p256dh=browser.p256dh,
        auth=browser.auth,
    )  # fmt: skip
    save_prefs(student=student, values={"checkin_at": time(8)})

    queue_due_reminders(datetime(2026, 12, 7, 9, 0, tzinfo=NEW_YORK))

    assert len(push_service.received) == 1
    assert not PushSubscription.objects.exists()
    [email] = mail.outbox
    assert email.to == [student.email] and "check-in" in email.body
    assert Reminder.objects.get(student=student).channel == "email"


def test_every_browser_of_the_student_gets_it(push_service, student):
    browsers = [Subscriber.new(), Subscriber.new()]
    for number, browser in enumerate(browsers):
        subscribe(
            student=student, endpoint=f"{push_service.url}/push/{number}",
            p256dh=browser.p256dh, auth=browser.auth,
        )  # fmt: skip
    save_prefs(student=student, values={"checkin_at": time(8)})

    queue_due_reminders(datetime(2026, 12, 7, 9, 0, tzinfo=NEW_YORK))

    by_path = {m.path: m for m in push_service.received}
    for number, browser in enumerate(browsers):
        assert decrypt(by_path[f"/push/{number}"].body, browser)["tag"] == "checkin"


def test_a_planner_reminder_comes_as_a_notification_instead_of_an_email(push_service, student):
    browser = Subscriber.new()
    subscribe(
        student=student, endpoint=push_service.url + "/push/p", p256dh=browser.p256dh,
        auth=browser.auth,
    )  # fmt: skip
    update_prefs(student=student, email_reminders=True, quiet_start=None, quiet_end=None)
    starts = timezone.now() + timedelta(hours=1)
    ProtectedBlock.objects.create(
        student=student, school=prefs_of(student).school, kind=planning.MOVEMENT, state="accepted",
        proposed_start=starts, starts_at=starts, ends_at=starts + timedelta(minutes=30),
    )  # fmt: skip

    assert queue_planner_reminders() == 1

    [message] = push_service.received
    notification = decrypt(message.body, browser)
    assert notification["url"] == "/planner/" and notification["tag"] == "planner"
    assert "Protected time at" in notification["title"]
    assert mail.outbox == []
