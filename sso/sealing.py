"""Client secrets of identity providers, encrypted at rest like second factors (accounts/mfa.py):
AES-GCM under the site's "sso" key, itself wrapped by a master key from WR_MASTER_KEYS."""

import base64

from vault import envelope
from vault.services import site_key

PURPOSE = "sso"
PREFIX = "sealed:"
CONTEXT = b"sso-client-secret"


def seal_client_secret(text: str) -> str:
    blob = envelope.seal(site_key(PURPOSE), text.encode(), context=CONTEXT)
    return PREFIX + base64.urlsafe_b64encode(blob).decode()


def open_client_secret(stored: str) -> str:
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        raise envelope.DecryptionError("This client secret is not encrypted.")
    blob = base64.urlsafe_b64decode(stored.removeprefix(PREFIX))
    return envelope.open_sealed(site_key(PURPOSE), blob, context=CONTEXT).decode()
