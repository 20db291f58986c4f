"""Personal API tokens: shown once, stored only as a SHA-256 hash, revocable.

A request carrying `Authorization: Bearer wr_...` is authenticated by the token alone and is
not subject to CSRF: a browser never attaches that header on its own, so a forged cross-site
request cannot carry it. Session requests (the cookie a browser does attach) keep the CSRF check.
"""

import logging
import secrets
from datetime import timedelta

from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from ninja.security import HttpBearer

from lib.tokens import token_digest
from schools.models import StaffMembership

from .models import PersonalToken

logger = logging.getLogger(__name__)

PREFIX = "wr_"
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_TOKENS = 20
STAFF_WITHOUT_MFA = "Staff tokens need two-factor authentication: set up an authenticator first."


def hash_token(token: str) -> str:
    return token_digest(token)


def has_second_factor(user) -> bool:
    return user.authenticator_set.filter(type="totp").exists()


def needs_mfa(user) -> bool:
    """Staff roles and operators must use a second factor; students may choose to."""
    return user.is_staff or StaffMembership.objects.filter(user=user).exists()


def may_hold_tokens(user) -> bool:
    """Staff reach school-wide data, so their tokens need what their sign-in needs: a TOTP."""
    return not needs_mfa(user) or has_second_factor(user)


def create_token(*, user, name: str) -> tuple[PersonalToken, str]:
    """Return the stored token and its secret, which is never stored or shown again."""
    if not may_hold_tokens(user):
        raise ValidationError(STAFF_WITHOUT_MFA)
    if PersonalToken.objects.filter(user=user).count() >= MAX_TOKENS:
        raise ValidationError(f"You already have {MAX_TOKENS} tokens: revoke one first.")
    secret = PREFIX + secrets.token_urlsafe(32)
    record = PersonalToken.objects.create(
        user=user, name=name.strip()[:80] or "API token", key_hash=hash_token(secret)
    )
    return record, secret


def revoke_token(*, user, token_id: int) -> bool:
    """Delete one of the user's tokens; another user's token id changes nothing."""
    deleted, _ = PersonalToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


# One question: the token, its user, and what `may_hold_tokens` asks of that user. Built once:
# building the two subqueries cost more than PostgreSQL's answer (about 0.5 ms a request); each
# request filters a copy, and this queryset itself is never evaluated, so it caches nothing.
LIVE_TOKENS = (
    PersonalToken.objects.select_related("user")
    .annotate(
        school_staff=Exists(StaffMembership.objects.filter(user=OuterRef("user"))),
        totp=Exists(Authenticator.objects.filter(user=OuterRef("user"), type="totp")),
    )
    .filter(user__is_active=True)
)


class PersonalTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token.startswith(PREFIX):
            return None
        try:
            record = LIVE_TOKENS.get(key_hash=hash_token(token))  # unique: no ORDER BY
        except PersonalToken.DoesNotExist:
            return None
        if (record.user.is_staff or record.school_staff) and not record.totp:
            raise PermissionDenied(STAFF_WITHOUT_MFA)  # as may_hold_tokens says
        now = timezone.now()
        if record.last_used_at is None or now - record.last_used_at >= LAST_USED_PRECISION:
            # To the minute: a write (and, on PostgreSQL, a flush to disk) on every answer
            # would cost more than the answer.
            try:
                with transaction.atomic():
                    PersonalToken.objects.filter(pk=record.pk).update(last_used_at=now)
            except DatabaseError:
                # "Last used" is a convenience: a read must not fail because the server
                # cannot save right now (a full disk, a read-only database).
                logger.warning("Could not record a token's last use", exc_info=True)
        request.user = record.user
        return record.user
