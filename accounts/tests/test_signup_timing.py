"""Sign-up answers a registered email and a new one alike, in the same time: both paths hash
the password once, and the answer waits for the same moment. No timing here is tight: the
hashers are counted, and the times are compared as medians with a wide margin."""

import statistics
import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher, PBKDF2PasswordHasher
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSPHRASE = "a long enough passphrase"


class CountingHasher(MD5PasswordHasher):
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


class SlowHasher(PBKDF2PasswordHasher):
    """Slow enough that the hash dominates, as the real one (1,000,000 iterations) does."""

    iterations = 250_000


def signup(client, email):
    return client.post(
        reverse("account_signup"),
        {
            "invite_code": "RIVER2028",
            "email": email,
            "password1": PASSPHRASE,
            "password2": PASSPHRASE,
            "consent": "on",
        },
    )


def test_both_paths_hash_the_password_exactly_once(client, settings, invite, student):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]

    CountingHasher.calls = 0
    registered = signup(client, student.email)
    hashes_for_registered = CountingHasher.calls

    CountingHasher.calls = 0
    new = signup(client, "new.student@riverside.example")
    hashes_for_new = CountingHasher.calls

    assert hashes_for_registered == hashes_for_new == 1
    assert registered["Location"] == new["Location"] == reverse("account_email_verification_sent")
    subjects = [message.subject for message in mail.outbox]
    assert len(subjects) == 2 and "Already Exists" in subjects[0]  # one email each, as before
    assert User.objects.get(email="new.student@riverside.example").check_password(PASSPHRASE)


def test_a_registered_email_is_not_answered_sooner_than_a_new_one(
    client, settings, invite, student, classmate
):
    settings.PASSWORD_HASHERS = [f"{__name__}.SlowHasher"]
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": ""}
    registered_emails = [student.email, classmate.email]
    registered, new = [], []
    for n in range(7):  # in turns, so both kinds see the same machine
        for times, email in ((registered, registered_emails[n % 2]), (new, f"new{n}@r.example")):
            client.logout()
            started = time.perf_counter()
            assert signup(client, email).status_code == 302
            times.append(time.perf_counter() - started)

    fast, slow = sorted([statistics.median(registered), statistics.median(new)])
    # Before: a registered email answered in a fraction of a new one's time.
    assert fast > 0.6 * slow, (statistics.median(registered), statistics.median(new))
