"""Partner API keys: ``ajk_<prefix>_<secret>``; shown once, stored as a SHA-256 digest.

The secret is 32 random bytes, so a fast digest is enough (no offline guessing is feasible) and
verification stays cheap on every partner request; the prefix is visible and indexed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

KEY_SCHEME = "ajk"


@dataclass(frozen=True)
class NewApiKey:
    key: str
    prefix: str
    digest: str


def generate_api_key() -> NewApiKey:
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = f"{KEY_SCHEME}_{prefix}_{secret}"
    return NewApiKey(key=key, prefix=prefix, digest=digest(key))


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parse_prefix(key: str) -> str | None:
    """The prefix of a presented key, or None if it is not shaped like one of ours."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_SCHEME or len(parts[1]) != 8:
        return None
    return parts[1]


def verify_api_key(presented: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(presented), stored_digest)
