"""Identifiers: UUIDv7 (time-ordered, RFC 9562) for events and resources."""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_POOL_BYTES = 10 * 512  # random bytes for 512 ids, fetched with one system call
_pool = b""
_at = _POOL_BYTES


def _random10() -> int:
    global _pool, _at
    with _lock:
        if _at >= _POOL_BYTES:
            _pool, _at = os.urandom(_POOL_BYTES), 0
        start = _at
        _at += 10
    return int.from_bytes(_pool[start : start + 10], "big")


def new_id() -> str:
    """A version 7 UUID as text: 48-bit Unix milliseconds, then random bits; sorts by creation time."""
    ms = time.time_ns() // 1_000_000
    value = (ms & 0xFFFF_FFFF_FFFF) << 80 | _random10()
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 9562 variant
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def uuid7() -> uuid.UUID:
    return uuid.UUID(new_id())
