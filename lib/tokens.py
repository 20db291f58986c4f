"""Secrets handed out once (API tokens, calendar feed URLs) are stored only as a digest."""

import hashlib


def token_digest(token: str) -> str:
    """The SHA-256 hex digest of `token`: what is stored and looked up, so a copy of the
    database opens nothing. (A token is 256 random bits: no salt or slow hash is needed.)"""
    return hashlib.sha256(token.encode()).hexdigest()
