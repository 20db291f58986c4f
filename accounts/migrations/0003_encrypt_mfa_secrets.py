"""Seal the TOTP secrets and recovery-code seeds that were stored in clear (see accounts.mfa).

Only this migration reads a secret in clear: the adapter refuses one afterwards. Reversible:
going back opens them again.
"""

from django.db import migrations

from accounts.mfa import PURPOSE, is_sealed, open_secret, seal_secret
from vault.services import site_key

TYPES = ["totp", "recovery_codes"]


def with_secrets_changed(data: dict, change) -> dict:
    data = dict(data)
    for name in ("secret", "seed"):
        if name in data:
            data[name] = change(data[name])
    if "migrated_codes" in data:
        data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
    return data


def seal_secrets_in_clear(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    authenticators = list(Authenticator.objects.filter(type__in=TYPES))
    if not authenticators:
        return
    key = site_key(PURPOSE, model=apps.get_model("vault", "SiteKey"))

    def seal(value: str) -> str:
        return value if is_sealed(value) else seal_secret(value, key=key)

    for authenticator in authenticators:
        authenticator.data = with_secrets_changed(authenticator.data, seal)
        authenticator.save(update_fields=["data"])


def open_sealed_secrets(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    SiteKey = apps.get_model("vault", "SiteKey")
    if not SiteKey.objects.filter(purpose=PURPOSE).exists():
        return  # nothing was ever sealed
    key = site_key(PURPOSE, model=SiteKey)

    def open_(value: str) -> str:
        return open_secret(value, key=key) if is_sealed(value) else value

    for authenticator in Authenticator.objects.filter(type__in=TYPES):
        authenticator.data = with_secrets_changed(authenticator.data, open_)
        authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_personal_token"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("vault", "0003_site_key"),
    ]

    operations = [migrations.RunPython(seal_secrets_in_clear, open_sealed_secrets)]
