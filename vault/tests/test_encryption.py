import base64
import os
from io import StringIO

import pytest
from django.core.management import call_command

from vault import envelope, keys
from vault.models import DataKey
from vault.services import decrypt_text, destroy_data_key, encrypt_text, rewrap_data_keys

pytestmark = pytest.mark.django_db
SECRET_NOTE = "I cried in the supply closet after rounds"


def test_sealed_text_opens_only_with_its_key_and_owner():
    key = envelope.new_data_key()
    blob = envelope.seal(key, b"hello", context=b"user:1")

    assert envelope.open_sealed(key, blob, context=b"user:1") == b"hello"
    with pytest.raises(envelope.DecryptionError):
        envelope.open_sealed(key, blob, context=b"user:2")
    with pytest.raises(envelope.DecryptionError):
        envelope.open_sealed(envelope.new_data_key(), blob, context=b"user:1")
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(envelope.DecryptionError):
        envelope.open_sealed(key, tampered, context=b"user:1")


def test_destroying_the_data_key_makes_old_text_unreadable(student):
    blob = encrypt_text(student, SECRET_NOTE)
    destroy_data_key(student)

    with pytest.raises(envelope.DecryptionError):
        decrypt_text(student, blob)


def test_rotating_the_master_key_keeps_text_readable(student, monkeypatch):
    old = keys.new_master_key_entry()
    monkeypatch.setenv("WR_MASTER_KEYS", old)
    keys.master_keys.cache_clear()
    blob = encrypt_text(student, SECRET_NOTE)

    new = keys.new_master_key_entry()
    monkeypatch.setenv("WR_MASTER_KEYS", f"{new},{old}")
    keys.master_keys.cache_clear()
    assert rewrap_data_keys() == 1
    assert DataKey.objects.get(user=student).master_key_id == new.split(":")[0]

    monkeypatch.setenv("WR_MASTER_KEYS", new)
    keys.master_keys.cache_clear()
    assert decrypt_text(student, blob) == SECRET_NOTE
    keys.master_keys.cache_clear()


def test_malformed_master_keys_are_refused_with_advice():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="rotate_master_key --new-key"):
        keys.parse_master_keys("k1:" + base64.urlsafe_b64encode(os.urandom(8)).decode())


def test_rotate_command_prints_a_new_key():
    out = StringIO()
    call_command("rotate_master_key", "--new-key", stdout=out)

    assert len(keys.parse_master_keys(out.getvalue().strip())) == 1
