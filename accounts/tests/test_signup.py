from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import ConsentRecord, User
from accounts.services import PRIVACY_NOTICE_VERSION
from schools.models import Enrollment, InviteCode

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    data = {
        "invite_code": "river-2028",
        "email": "new.student@riverside.example",
        "password1": "a long enough passphrase",
        "password2": "a long enough passphrase",
        "display_name": "Sam",
        "consent": "on",
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def test_signup_page_says_who_sees_what(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert b"Who can see what" in response.content
    assert b"never see anything you record" in response.content


def test_signup_with_invite_joins_the_cohort_and_records_consent(client, invite):
    response = signup(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.student@riverside.example")
    assert user.display_name == "Sam"
    assert Enrollment.objects.get(student=user).cohort == invite.cohort
    assert ConsentRecord.objects.filter(user=user, notice_version=PRIVACY_NOTICE_VERSION).exists()
    invite.refresh_from_db()
    assert invite.uses == 1
    assert len(mail.outbox) == 1
    assert "confirm" in mail.outbox[0].body.lower()
    # Mandatory verification: not signed in until the email link is followed.
    assert "_auth_user_id" not in client.session


def test_expired_invite_is_refused_with_a_clear_message_and_nothing_written(client, invite):
    InviteCode.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(days=1))

    response = signup(client)

    assert response.status_code == 200
    assert "This invite code has expired" in response.content.decode()
    assert not User.objects.exists()


def test_unknown_invite_is_refused(client, invite):
    response = signup(client, invite_code="NOPE123456")

    assert "We don&#x27;t recognise this invite code" in response.content.decode()
    assert not User.objects.exists()


def test_used_up_invite_is_refused(client, invite):
    InviteCode.objects.filter(pk=invite.pk).update(max_uses=3, uses=3)

    response = signup(client)

    assert "used up" in response.content.decode()
    assert not User.objects.exists()


def test_consent_is_required(client, invite):
    response = signup(client, consent="")

    assert "Please confirm you have read who can see what." in response.content.decode()
    assert not User.objects.exists()
    invite.refresh_from_db()
    assert invite.uses == 0


def test_duplicate_signup_looks_like_a_new_one_and_creates_nothing(client, invite, student):
    fresh = signup(client, email="brand.new@riverside.example")
    client.logout()
    duplicate = signup(client, email=student.email)

    # Same response for a known and an unknown email: nobody can probe who is registered.
    assert duplicate.status_code == fresh.status_code == 302
    assert duplicate["Location"] == fresh["Location"]
    assert User.objects.filter(email=student.email).count() == 1
    assert Enrollment.objects.filter(student=student).count() == 1
    invite.refresh_from_db()
    assert invite.uses == 1
    assert "already" in mail.outbox[-1].body.lower()
