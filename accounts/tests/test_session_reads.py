"""Sessions and the signed-in user are read with plain statements: the same answers as Django's
own database sessions and allauth's backend."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.backends import AuthenticationBackend
from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def signed_in_session(user) -> SessionStore:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session


def test_a_stored_session_is_read_back_whole(student):
    stored = signed_in_session(student)

    loaded = SessionStore(stored.session_key)

    assert loaded.load() == {
        SESSION_KEY: str(student.pk),
        BACKEND_SESSION_KEY: "accounts.backends.AuthenticationBackend",
        HASH_SESSION_KEY: student.get_session_auth_hash(),
    }


def test_an_expired_or_unknown_session_reads_as_empty_and_gets_a_new_key(student):
    stored = signed_in_session(student)
    Session.objects.filter(pk=stored.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    for key in (stored.session_key, "x" * 32):
        loaded = SessionStore(key)
        assert loaded.load() == {}
        assert loaded.session_key is None


def test_the_backend_gives_active_users_only(student):
    backend = AuthenticationBackend()
    assert backend.get_user(student.pk) == student
    assert backend.get_user(student.pk + 1000) is None

    student.is_active = False
    student.save(update_fields=["is_active"])

    assert backend.get_user(student.pk) is None


def test_a_signed_in_request_is_the_student_and_a_deactivated_one_is_signed_out(client, student):
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(student).session_key
    assert client.get(reverse("checkin")).status_code == 200

    student.is_active = False
    student.save(update_fields=["is_active"])

    response = client.get(reverse("checkin"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
