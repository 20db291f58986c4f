"""TOTP secrets and recovery-code seeds are encrypted at rest: a copy of the database alone
cannot make anyone's codes, and signing in with a code works before and after a master key
rotation."""

import importlib
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from accounts.mfa import MFAAdapter
from conftest import PASSWORD, totp_code, with_totp
from vault import envelope, keys
from vault.models import SiteKey

pytestmark = pytest.mark.django_db
migration = importlib.import_module("accounts.migrations.0003_encrypt_mfa_secrets")


def stored_rows() -> str:
    """Every authenticator row as the database holds it (what a dump would show)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator")
        return "\n".join(str(row[0]) for row in cursor.fetchall())


def sign_in_with_code(client, user, secret) -> None:
    first = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert first["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})


@pytest.fixture
def master_keys(monkeypatch):
    """Set WR_MASTER_KEYS for the test; the cache of parsed keys is cleared around it."""

    def use(*entries: str) -> None:
        monkeypatch.setenv("WR_MASTER_KEYS", ",".join(entries))
        keys.master_keys.cache_clear()

    yield use
    keys.master_keys.cache_clear()


def test_the_database_holds_no_totp_secret_in_clear(client, staff):
    secret = with_totp(staff)

    rows = stored_rows()
    assert secret not in rows
    assert "sealed:" in rows
    stored = Authenticator.objects.get(user=staff, type="totp").data["secret"]
    assert stored != secret

    sign_in_with_code(client, staff, secret)
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_recovery_code_seeds_are_sealed_and_the_codes_still_work(staff):
    with_totp(staff)
    codes = RecoveryCodes.activate(staff)

    seed_in_clear = MFAAdapter().decrypt(codes.instance.data["seed"])
    assert seed_in_clear not in stored_rows()
    first = codes.generate_codes()[0]
    assert first not in stored_rows()
    assert RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).validate_code(first)


def test_a_wrong_key_opens_nothing(staff, master_keys):
    master_keys(keys.new_master_key_entry())
    with_totp(staff)
    stored = Authenticator.objects.get(user=staff, type="totp").data["secret"]

    master_keys(keys.new_master_key_entry())  # the database copied without its master key

    with pytest.raises(envelope.DecryptionError):
        MFAAdapter().decrypt(stored)


def test_rotating_the_master_key_keeps_sign_in_with_a_code_working(client, staff, master_keys):
    old = keys.new_master_key_entry()
    master_keys(old)
    secret = with_totp(staff)
    stored = Authenticator.objects.get(user=staff, type="totp").data["secret"]

    new = keys.new_master_key_entry()
    master_keys(new, old)
    call_command("rotate_master_key", stdout=StringIO())
    assert SiteKey.objects.get(purpose="mfa").master_key_id == new.split(":")[0]
    master_keys(new)  # the old key is dropped

    sign_in_with_code(client, staff, secret)
    assert client.session["_auth_user_id"] == str(staff.pk)
    # The secrets themselves were not rewritten: only the key that seals them was re-wrapped.
    assert Authenticator.objects.get(user=staff, type="totp").data["secret"] == stored


def test_the_migration_seals_secrets_stored_in_clear_and_going_back_opens_them(client, staff):
    legacy = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    Authenticator.objects.create(user=staff, type="totp", data={"secret": legacy})
    Authenticator.objects.create(
        user=staff,
        type="recovery_codes",
        data={"seed": "ab" * 40, "used_mask": 0, "migrated_codes": ["12345678"]},
    )
    with pytest.raises(envelope.DecryptionError):
        MFAAdapter().decrypt(legacy)  # outside the migration, a secret in clear is refused

    migration.seal_secrets_in_clear(apps, None)
    rows = stored_rows()
    assert legacy not in rows and "ab" * 40 not in rows and "12345678" not in rows
    migration.seal_secrets_in_clear(apps, None)  # running twice seals nothing twice
    sealed = Authenticator.objects.get(type="totp").data["secret"]
    assert MFAAdapter().decrypt(sealed) == legacy
    sign_in_with_code(client, staff, legacy)
    assert client.session["_auth_user_id"] == str(staff.pk)

    migration.open_sealed_secrets(apps, None)
    assert Authenticator.objects.get(type="totp").data["secret"] == legacy
    recovery = Authenticator.objects.get(type="recovery_codes").data
    assert recovery["seed"] == "ab" * 40 and recovery["migrated_codes"] == ["12345678"]
