"""Personal API tokens: shown once, stored only as a SHA-256 hash, revocable."""

import secrets
from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer

from lib.tokens import token_digest

from .models import PersonalToken

PREFIX = "wr_"
LAST_USED_PRECISION = timedelta(minutes=1)


def create_token(*, user, name: str) -> tuple[PersonalToken, str]:
    """Return the stored token and its secret, which is never stored or shown again."""
    secret = PREFIX + secrets.token_urlsafe(32)
    record = PersonalToken.objects.create(
        user=user, name=name.strip()[:80] or "API token", key_hash=token_digest(secret)
    )
    return record, secret


class PersonalTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token.startswith(PREFIX):
            return None
        record = (
            PersonalToken.objects.select_related("user")
            .filter(key_hash=token_digest(token), user__is_active=True)
            .first()
        )
        if record is None:
            return None
        now = timezone.now()
        if record.last_used_at is None or now - record.last_used_at >= LAST_USED_PRECISION:
            # To the minute: a write (and, on PostgreSQL, a flush to disk) on every answer
            # would cost more than the answer.
            PersonalToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user
        return record.user
