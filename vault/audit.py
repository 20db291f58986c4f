"""The audit trail of security events (logins, MFA changes, exports, deletions, staff views).

Events never hold content: no answers, no notes, no emails, no IP addresses.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEvent

KINDS = {
    "login",
    "login_failed",
    "logout",
    "mfa_added",
    "mfa_removed",
    "mfa_failed",
    "password_changed",
    "password_reset",
    "data_exported",
    "account_deleted",
    "staff_dashboard_viewed",
    "staff_export_downloaded",
    "staff_api_read",
    "help_directory_changed",
    "school_lesson_changed",
    "track_assigned",
    "report_viewed",
    "report_resolved",
    "roster_imported",
    "roster_entry_removed",
    "placements_imported",
    "placement_flag_cleared",
    "rotation_catalogue_changed",
    "cohort_phases_changed",
    "school_created",
    "school_settings_changed",
    "cohort_created",
    "cohort_changed",
    "cohort_archived",
    "cohort_restored",
    "invite_code_created",
    "invite_code_revoked",
    "staff_invited",
    "staff_invitation_revoked",
    "staff_joined",
    "staff_removed",
    "sso_settings_changed",
    "school_action_changed",
    "campaign_test_sent",
    "campaign_changed",
}


def actor_ref(user_id: int | None) -> str:
    if user_id is None:
        return ""
    key = f"{settings.SECRET_KEY}:audit-actor".encode()
    return hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()


def known_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"Unknown audit event kind {kind!r}; add it to vault.audit.KINDS.")
    return kind


def record_event(kind: str, *, actor_id: int | None = None, school_id: int | None = None):
    known_kind(kind)
    return AuditEvent.objects.create(kind=kind, actor=actor_ref(actor_id), school_id=school_id)


# Identical API reads already recorded in this process this minute (see `record_read`).
_recent_reads: set[tuple] = set()
_recent_minute: list = [None]


def forget_recent_reads() -> None:
    """Record the next read of everything again (tests start from a clean process)."""
    _recent_reads.clear()
    _recent_minute[0] = None


def this_minute():
    return timezone.now().replace(second=0, microsecond=0)


def _seen_this_minute(key: tuple) -> bool:
    minute = this_minute()
    if _recent_minute[0] != minute:
        forget_recent_reads()
        _recent_minute[0] = minute
    return key in _recent_reads


def record_read(
    kind: str,
    *,
    actor_id: int | None = None,
    school_id: int | None = None,
    repeat_of: str | None = None,
):
    """Record a staff read.

    With `repeat_of` (an API read's address: path and query), an identical read of the same
    school by the same person within the same clock minute writes no second row: the row says
    who read which school's figures, through the API, in which minute, and a program polling
    an answer every second would otherwise write 60 rows a minute that say nothing more. The
    first read of each address in a minute is always recorded; the memory is per server
    process, so with N processes a minute holds at most N rows for one repeated read. A read
    inside a transaction is always written (its row must roll back with it).

    A read changes nothing else, so its row is the only thing its commit would wait for. On
    PostgreSQL that commit does not wait for the flush to disk (`synchronous_commit` off for
    this one transaction): about 3 ms of the 4 ms an audited read used to pay. The rows are
    written in order and a crash of the application loses none; only a crash of the database
    server itself within a fraction of a second (three `wal_writer_delay`s, 0.6 s by default)
    could lose the newest rows, never corrupt them: the durability SQLite gives every commit
    here (`synchronous=NORMAL`). Inside a
    transaction that also changes something, the setting would reach those changes too, so
    there the row is written as any other."""
    known_kind(kind)
    if connection.in_atomic_block:
        return record_event(kind, actor_id=actor_id, school_id=school_id)
    key = (kind, actor_id, school_id, repeat_of)
    if repeat_of is not None and _seen_this_minute(key):
        return None
    if connection.vendor != "postgresql":
        event = record_event(kind, actor_id=actor_id, school_id=school_id)
    else:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            event = record_event(kind, actor_id=actor_id, school_id=school_id)
    if repeat_of is not None:
        _recent_reads.add(key)  # once written: a failed write is tried again next time
    return event


def forget_actor(user_id: int) -> int:
    """Unlink a deleted user's events: the events stay, nobody can tie them to anyone."""
    return AuditEvent.objects.filter(actor=actor_ref(user_id)).update(actor="")
