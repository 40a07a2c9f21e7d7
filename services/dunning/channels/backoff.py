"""When to try a failed delivery again: exponential backoff with a cap (pure)."""
from __future__ import annotations

from datetime import timedelta

FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=6)


def next_attempt_delay(attempt: int, *, first: timedelta = FIRST_DELAY, cap: timedelta = MAX_DELAY) -> timedelta:
    """Delay before attempt `attempt + 1`, after `attempt` failures (1 → first, doubling, capped).

    No jitter: the dispatcher's schedule is reproducible in tests, and messages already
    spread out because each was first tried when its own step ran.
    """
    if attempt < 1:
        raise ValueError("attempt counts failures so far: 1 or more")
    # Past 2**20 doublings any real cap is hit: stop before huge integers.
    factor = 2 ** min(attempt - 1, 20)
    return min(first * factor, cap)
