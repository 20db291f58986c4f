"""Delivering one reminder: Web Push to each of the student's browsers, email when none
took it (and the student allows email).

Push messages are encrypted to each browser's keys (RFC 8291, aes128gcm) and signed with our
VAPID key (RFC 8292) by pywebpush; the push service relays them without being able to read
them. Even so they say no more than an email subject would: never an answer or a score.
"""

import json
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from . import vapid
from .models import PushSubscription, ReminderPrefs

logger = logging.getLogger(__name__)

PUSH_TIMEOUT_SECONDS = 10
# A reminder is stale after six hours: the push service may drop it rather than deliver it
# at 3 am to a phone that was off all evening.
PUSH_TTL_SECONDS = 6 * 3600
GONE = {404, 410}  # the subscription expired or was withdrawn: forget it


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str  # a path on this site, opened when the notification is tapped
    tag: str = "well-rounded"
    # What an email says instead, when the notification's words (a habit's name) should stay
    # on the student's own devices; empty: the same as the notification.
    email_title: str = ""
    email_body: str = ""

    def payload(self) -> str:
        return json.dumps(
            {"title": self.title, "body": self.body, "url": self.url, "tag": self.tag}
        )


def endpoint_allowed(endpoint: str) -> bool:
    """Only a push service's https address (the browsers' own services by default,
    PUSH_SERVICE_HOSTS): the server posts to this address, so it must never be one an
    attacker chose inside our network. PUSH_EXTRA_ORIGINS adds exact origins (a test's
    local push service)."""
    parts = urlsplit(endpoint)
    origin = f"{parts.scheme}://{parts.netloc}"
    if origin in settings.PUSH_EXTRA_ORIGINS:
        return True
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(
        host == allowed or host.endswith("." + allowed) for allowed in settings.PUSH_SERVICE_HOSTS
    )


def send_push(subscription: PushSubscription, message: Message) -> bool:
    """Post one encrypted message; True when the push service accepted it."""
    if not endpoint_allowed(subscription.endpoint):
        subscription.delete()
        return False
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=message.payload(),
            vapid_private_key=Vapid.from_pem(vapid.private_key_pem().encode()),
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=PUSH_TTL_SECONDS,
            timeout=PUSH_TIMEOUT_SECONDS,
            headers={"Urgency": "normal", "Topic": message.tag[:32]},
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in GONE:
            subscription.delete()
        else:
            logger.warning("Push to subscription %s failed (%s)", subscription.pk, status)
        return False
    except (OSError, ValueError) as error:  # unreachable service, a malformed key
        logger.warning("Push to subscription %s failed: %s", subscription.pk, type(error).__name__)
        return False
    subscription.last_sent_at = timezone.now()
    subscription.save(update_fields=["last_sent_at"])
    return True


def deliver(*, student, message: Message, allow_email: bool | None = None) -> str:
    """Push to every browser of the student; email if none took it. Returns the channel used
    ("push", "email") or "" when neither was possible or allowed."""
    pushed = [send_push(s, message) for s in PushSubscription.objects.filter(student=student)]
    if any(pushed):
        return "push"
    if allow_email is None:
        prefs = ReminderPrefs.objects.filter(student=student).only("email_fallback").first()
        allow_email = prefs is None or prefs.email_fallback
    if not allow_email or not student.email:
        return ""
    link = settings.SITE_URL + message.url
    body = message.email_body or message.body
    send_mail(
        message.email_title or message.title,
        f"{body}\n\n{link}\n\nChange or stop reminders: {settings.SITE_URL}/reminders/\n",
        None,
        [student.email],
    )
    return "email"
