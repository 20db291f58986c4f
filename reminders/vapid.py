"""The server's VAPID key pair (RFC 8292): push services accept our messages only when they
are signed with the private key whose public half the browser subscribed with.

VAPID_PRIVATE_KEY (settings, from the environment) holds the key as PEM or as the base64url
raw 32-byte scalar most tools print. Without it, a local install generates one on first use
in the data directory (mode 0600, like the secret key), so `make run` works with no setup.
Changing the key invalidates every subscription: browsers must subscribe again.
"""

import base64
import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_private_key_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _local_key(path: Path) -> str:
    if path.exists():
        return path.read_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = generate_private_key_pem()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(pem)
    return pem


@cache
def private_key() -> ec.EllipticCurvePrivateKey:
    configured = (settings.VAPID_PRIVATE_KEY or "").strip()
    text = configured or _local_key(Path(settings.DATA_DIR) / "vapid_private_key.pem")
    if "BEGIN" in text:
        key = serialization.load_pem_private_key(text.encode(), password=None)
    else:
        key = ec.derive_private_key(int.from_bytes(b64url_decode(text), "big"), ec.SECP256R1())
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("VAPID_PRIVATE_KEY must be a P-256 (prime256v1) private key.")
    return key


def private_key_pem() -> str:
    return (
        private_key()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def application_server_key() -> str:
    """The public key browsers subscribe with (PushManager.subscribe's applicationServerKey)."""
    point = (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return b64url(point)
