"""Master keys, from the environment.

WR_MASTER_KEYS is a comma-separated list of `id:base64url-32-bytes`; the first is current and
the rest only unwrap older data keys until `manage.py rotate_master_key` rewraps them. Without
it, a local install generates one key into the data directory (like SECRET_KEY).
"""

import base64
import os
import secrets
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def parse_master_keys(value: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for entry in filter(None, (part.strip() for part in value.split(","))):
        key_id, _, encoded = entry.partition(":")
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError as error:
            raise ImproperlyConfigured(f"WR_MASTER_KEYS entry {key_id!r} is not base64.") from error
        if not key_id or len(key) != 32:
            raise ImproperlyConfigured(
                "WR_MASTER_KEYS entries look like id:KEY where KEY is 32 random bytes in "
                "base64url; generate one with `python manage.py rotate_master_key --new-key`."
            )
        keys[key_id] = key
    return keys


def new_master_key_entry() -> str:
    return f"k{secrets.token_hex(4)}:" + base64.urlsafe_b64encode(os.urandom(32)).decode()


def _local_master_keys(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(new_master_key_entry())
    return path.read_text().strip()


@cache
def master_keys() -> dict[str, bytes]:
    value = os.environ.get("WR_MASTER_KEYS") or _local_master_keys(
        Path(settings.DATA_DIR) / "master_keys"
    )
    keys = parse_master_keys(value)
    if not keys:
        raise ImproperlyConfigured("WR_MASTER_KEYS holds no key.")
    return keys


def current_master_key() -> tuple[str, bytes]:
    key_id, key = next(iter(master_keys().items()))
    return key_id, key
