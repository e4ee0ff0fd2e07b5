"""Token-bucket rate limits per caller (a partner key, or a client address for public lists).

Buckets live in the process: with several replicas each enforces its share, which is what a
limit meant to protect each replica needs; a limit across replicas belongs in the gateway.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict

from shared.errors import TooManyRequests


class RateLimiter:
    def __init__(
        self, per_minute: float, burst: float | None = None, *, max_keys: int = 100_000, clock=time.monotonic
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst if burst is not None else max(1.0, per_minute / 6)
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, *, rate_per_minute: float | None = None, cost: float = 1.0) -> float:
        """Take ``cost`` tokens; returns 0 when allowed, else the seconds to wait."""
        rate = (rate_per_minute / 60.0) if rate_per_minute else self.rate
        burst = max(1.0, rate_per_minute / 6) if rate_per_minute else self.burst
        now = self.clock()
        tokens, last = self._buckets.pop(key, (burst, now))
        tokens = min(burst, tokens + (now - last) * rate)
        if tokens >= cost:
            self._buckets[key] = (tokens - cost, now)
            wait = 0.0
        else:
            self._buckets[key] = (tokens, now)
            wait = (cost - tokens) / rate
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait

    def check(self, key: str, **kw) -> None:
        """Raise 429 with Retry-After when ``key`` is over its limit."""
        wait = self.take(key, **kw)
        if wait > 0:
            secs = max(1, math.ceil(wait))
            raise TooManyRequests(
                f"rate limit exceeded; retry in {secs} s", code="rate_limited", headers={"Retry-After": str(secs)}
            )
