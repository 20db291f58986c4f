"""Personal API tokens: a token signs its requests in, and its last use is kept to the minute."""

from datetime import timedelta

import pytest
import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import PersonalToken
from accounts.tokens import create_token, hash_token
from conftest import with_totp

pytestmark = pytest.mark.django_db


def me(client, secret):
    return client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}")


def updates_of_tokens(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "accounts_personaltoken"')]


def test_a_token_signs_in_and_records_its_last_use_once_a_minute(client, student):
    record, secret = create_token(user=student, name="phone")

    with CaptureQueriesContext(connection) as first:
        assert me(client, secret).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert me(client, secret).status_code == 200

    assert len(updates_of_tokens(first)) == 1
    assert updates_of_tokens(second) == []  # within the same minute: no write
    used = PersonalToken.objects.get(pk=record.pk).last_used_at
    assert used is not None and timezone.now() - used < timedelta(minutes=1)

    PersonalToken.objects.filter(pk=record.pk).update(last_used_at=used - timedelta(minutes=2))
    with CaptureQueriesContext(connection) as later:
        assert me(client, secret).status_code == 200
    assert len(updates_of_tokens(later)) == 1


def test_an_unknown_or_malformed_token_is_refused(client, student):
    create_token(user=student, name="phone")

    assert me(client, "wr_not-a-token").status_code == 401
    assert me(client, "not-even-prefixed").status_code == 401


@pytest.fixture
def csrf_client():
    """Django's test client skips CSRF unless told; a real browser's requests do not."""
    return Client(enforce_csrf_checks=True)


def test_a_token_writes_through_a_csrf_enforcing_client(csrf_client, student):
    _, secret = create_token(user=student, name="script")

    created = csrf_client.post(
        "/api/habits",
        {"name": "Stretch", "per_week": 3},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    not_safe = csrf_client.post("/api/safety/not-safe", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert created.status_code == 201, created.content
    assert not_safe.status_code == 200, not_safe.content
    assert student.habits.filter(name="Stretch").exists()


def test_a_session_write_without_the_csrf_token_is_still_refused(csrf_client, student):
    csrf_client.force_login(student)

    response = csrf_client.post(
        "/api/habits", {"name": "Stretch", "per_week": 3}, content_type="application/json"
    )

    assert response.status_code == 403
    assert not student.habits.filter(name="Stretch").exists()


def test_a_wrong_token_does_not_open_the_session_path_without_csrf(csrf_client, student):
    csrf_client.force_login(student)

    response = csrf_client.post(
        "/api/habits",
        {"name": "Stretch", "per_week": 3},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer wr_forged",
    )

    assert response.status_code == 403
    assert not student.habits.filter(name="Stretch").exists()


@pytest.mark.django_db(transaction=True)
def test_a_token_writes_through_a_real_http_server(live_server, student):
    _, secret = create_token(user=student, name="script")
    url = f"{live_server.url}/api/habits"

    with_token = requests.post(
        url,
        json={"name": "Stretch", "per_week": 3},
        headers={"Authorization": f"Bearer {secret}"},
        timeout=10,
    )
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, "anything")
    with_cookie_only = session.post(url, json={"name": "Other", "per_week": 3}, timeout=10)

    assert with_token.status_code == 201, with_token.text
    assert with_cookie_only.status_code in {401, 403}
    assert list(student.habits.values_list("name", flat=True)) == ["Stretch"]


def test_a_staff_token_needs_a_second_factor(client, staff):
    with pytest.raises(ValidationError):
        create_token(user=staff, name="dashboards")
    with_totp(staff)
    record, secret = create_token(user=staff, name="dashboards")
    staff.authenticator_set.all().delete()  # the factor removed after the token was made

    assert me(client, secret).status_code == 403


def test_a_student_creates_sees_and_revokes_tokens_on_their_page(client, student, classmate):
    client.force_login(student)
    theirs, _ = create_token(user=classmate, name="classmate's")

    created = client.post(reverse("api_tokens"), {"name": "phone shortcut"})

    record = PersonalToken.objects.get(user=student)
    secret = created.context["secret"]
    assert record.name == "phone shortcut" and record.key_hash == hash_token(secret)
    assert secret.encode() in created.content and "no-store" in created["Cache-Control"]
    listing = client.get(reverse("api_tokens"))
    assert secret.encode() not in listing.content  # shown once, never again
    assert b"phone shortcut" in listing.content and b"Never" in listing.content
    assert b"classmate&#x27;s" not in listing.content

    me(Client(), secret)
    assert b"Never" not in client.get(reverse("api_tokens")).content  # its last use shows

    client.post(reverse("revoke_api_token", args=[theirs.pk]))
    client.post(reverse("revoke_api_token", args=[record.pk]))
    assert not PersonalToken.objects.filter(pk=record.pk).exists()
    assert PersonalToken.objects.filter(pk=theirs.pk).exists()  # not theirs to revoke
    assert me(Client(), secret).status_code == 401


def test_staff_without_a_second_factor_cannot_make_a_token_on_the_page(client, staff):
    client.force_login(staff)

    page = client.post(reverse("api_tokens"), {"name": "dashboards"})

    assert page.status_code == 200 and b"two-factor" in page.content
    assert not PersonalToken.objects.filter(user=staff).exists()
