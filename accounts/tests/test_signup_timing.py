"""Sign-up answers a registered email and a new one alike, in the same time: both paths hash
the password once, and the answer waits for the same moment. The hashers are counted here;
the times are measured side by side by `bench/signup_timing.py` (a benchmark, not a test)."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
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
