"""Process tuning applied once when a service starts."""

from __future__ import annotations

import gc

_done = False


def tune_process() -> None:
    """Collect young garbage less often.

    The default first-generation threshold (700 allocations) makes the collector run every few
    hundred messages on the relay's and consumers' hot paths, where it cost more than the work
    itself (measured: building 20,000 messages took 14 us each at 700, 8 us at 10,000). Objects
    alive at start-up are frozen out of collections altogether.
    """
    global _done
    if _done:
        return
    _done = True
    gc.set_threshold(10_000, 20, 20)
    gc.freeze()
