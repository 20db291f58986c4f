"""Envelope encryption with AES-GCM: a random data key per user, wrapped by a master key.

Pure functions over bytes, so the scheme can be read and tested without a database. A
ciphertext is `version byte | 12-byte nonce | AES-GCM(ciphertext + tag)`; the associated data
binds it to its owner, so one user's blob cannot be decrypted as another's.
"""

import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """The blob was tampered with, belongs to someone else, or its key is gone."""


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(key: bytes, plaintext: bytes, *, context: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def open_sealed(key: bytes, blob: bytes, *, context: bytes) -> bytes:
    if not blob or blob[:1] != VERSION:
        raise DecryptionError("Unknown ciphertext format.")
    nonce, ciphertext = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, context)
    except Exception as error:  # cryptography raises InvalidTag; never leak details
        raise DecryptionError("The data could not be decrypted.") from error
