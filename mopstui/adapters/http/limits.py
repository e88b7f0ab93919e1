"""Pacing for one source: a sliding-window rate limiter, backoff with jitter, `Retry-After` parsing.

Clock and sleep are injected so tests run on fake time and never really wait.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


class RateLimiter:
    """At most `max_calls` starts in any `per_seconds` window (a sliding log, exact and tiny).

    A sliding log rather than a token bucket because the platforms count calls in a rolling
    window (Marketo: 100 per 20 s per instance); a bucket would allow bursts they would refuse.
    """

    def __init__(self, max_calls: int, per_seconds: float, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        if max_calls < 1 or per_seconds <= 0:
            raise ValueError("a rate limit needs at least 1 call per a positive number of seconds")
        self.max_calls = max_calls
        self.per_seconds = per_seconds
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until one more call fits in the window, then record it."""
        async with self._lock:  # one waiter at a time keeps the order fair
            while True:
                now = self._clock()
                if now < self._paused_until:
                    await self._sleep(self._paused_until - now)
                    continue
                while self._starts and now - self._starts[0] >= self.per_seconds:
                    self._starts.popleft()
                if len(self._starts) < self.max_calls:
                    self._starts.append(now)
                    return
                await self._sleep(self.per_seconds - (now - self._starts[0]))

    def penalise(self, seconds: float) -> None:
        """The platform said "slow down": start no call for `seconds` from now (the window still applies after)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)


def backoff_delay(attempt: int, base: float, cap: float, rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff with "equal jitter": half the step fixed, half random.

    Attempt 0 waits about `base`, then 2x, 4x... up to `cap`. Jitter spreads clients that failed
    together (a 606 storm hits every integration on the instance at once) so they do not retry together.
    """
    step = min(cap, base * (2 ** attempt))
    return step / 2 + rng() * step / 2


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
