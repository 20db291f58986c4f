from .models import ConsentRecord

# Bump when the privacy notice (templates/accounts/who_sees_what.html) changes in substance.
PRIVACY_NOTICE_VERSION = "2026-12"  # published releases, roster, deletion and published totals


def record_consent(*, user, notice_version: str) -> ConsentRecord:
    record, _ = ConsentRecord.objects.get_or_create(user=user, notice_version=notice_version)
    return record
