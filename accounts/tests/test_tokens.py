"""Personal API tokens: a token signs its requests in, and its last use is kept to the minute."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import PersonalToken
from accounts.tokens import create_token

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
