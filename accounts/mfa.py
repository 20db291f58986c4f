"""TOTP secrets and recovery-code seeds, encrypted at rest.

A TOTP secret is enough to make a staff member's codes, so a copy of the database must not
hold it in clear. allauth passes every such secret through its MFA adapter's `encrypt` and
`decrypt` hooks, which are given the text alone (not whose it is), so they seal it with AES-GCM
under one key of the site (vault.SiteKey "mfa"), itself wrapped by a master key from
WR_MASTER_KEYS: rotating the master key re-wraps that key and leaves the secrets as they are.
"""

import base64

from allauth.mfa.adapter import DefaultMFAAdapter

from vault import envelope
from vault.services import site_key

PURPOSE = "mfa"
PREFIX = "sealed:"
CONTEXT = b"mfa-secret"


def seal_secret(text: str, *, key: bytes) -> str:
    blob = envelope.seal(key, text.encode(), context=CONTEXT)
    return PREFIX + base64.urlsafe_b64encode(blob).decode()


def open_secret(stored: str, *, key: bytes) -> str:
    if not is_sealed(stored):
        # Secrets stored in clear before this existed are sealed by a data migration
        # (accounts 0003); one found afterwards was written around the adapter.
        raise envelope.DecryptionError("This secret is not encrypted.")
    blob = base64.urlsafe_b64decode(stored.removeprefix(PREFIX))
    return envelope.open_sealed(key, blob, context=CONTEXT).decode()


def is_sealed(stored: str) -> bool:
    # Secrets in clear are base32 (TOTP), hex (seeds) or digits (codes): never a colon.
    return stored.startswith(PREFIX)


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return seal_secret(text, key=site_key(PURPOSE))

    def decrypt(self, encrypted_text: str) -> str:
        return open_secret(encrypted_text, key=site_key(PURPOSE))
