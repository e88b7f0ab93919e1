"""Pacing for one source: sliding-window rate limiters, backoff with jitter, `Retry-After` parsing.

Clock and sleep are injected so tests run on fake time and never really wait.
"""

from __future__ import annotations

import asyncio
import random
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


class _Window:
    """What both limiters share: `max_calls` per `per_seconds`, fake-able time, a pause the platform
    may ask for, and waiters served one at a time in order. `_times` holds the times that count."""

    def __init__(
        self, max_calls: int, per_seconds: float, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        if max_calls < 1 or per_seconds <= 0:
            raise ValueError("a rate limit needs at least 1 call per a positive number of seconds")
        self.max_calls = max_calls
        self.per_seconds = per_seconds
        self._clock = clock
        self._sleep = sleep
        self._times: deque[float] = deque()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    def penalise(self, seconds: float) -> None:
        """The platform said "slow down": start no call for `seconds` from now (the window still applies after)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def _wait_for_place(self) -> None:
        async with self._lock:  # one waiter at a time keeps the order fair
            while True:
                now = self._clock()
                if now < self._paused_until:
                    await self._sleep(self._paused_until - now)
                    continue
                while self._times and now - self._times[0] >= self.per_seconds:
                    self._times.popleft()
                if self._take(now):
                    return
                await self._wait(now)

    def _take(self, now: float) -> bool:
        raise NotImplementedError

    async def _wait(self, now: float) -> None:
        """Until the oldest time in the window leaves it."""
        await self._sleep(self.per_seconds - (now - self._times[0]))


class RateLimiter(_Window):
    """At most `max_calls` starts in any `per_seconds` window (a sliding log, exact and tiny).

    A sliding log rather than a token bucket because the platforms count calls in a rolling
    window (Marketo: 100 per 20 s per instance); a bucket would allow bursts they would refuse.
    """

    async def acquire(self) -> None:
        """Wait until one more call fits in the window, then record it."""
        await self._wait_for_place()

    def _take(self, now: float) -> bool:
        if len(self._times) < self.max_calls:
            self._times.append(now)  # when the call starts
            return True
        return False


class ArrivalLimiter(_Window):
    """At most `max_calls` calls reach the server in any `per_seconds` window, whatever the network delay.

    A call holds its place from before it is sent until `per_seconds` after its answer is back; it
    reached the server in between. So of any `max_calls + 1` calls, the last to take a place did so
    `per_seconds` after one of the others had its answer: their arrivals are that far apart. (Timing
    from the send instead lets a slow first call, on a new connection, arrive next to a fast later one.)
    """

    def __init__(
        self, max_calls: int, per_seconds: float, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        super().__init__(max_calls, per_seconds, clock=clock, sleep=sleep)
        self._in_flight = 0
        self._ended = asyncio.Event()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a place for one call (send it and read its answer inside the block)."""
        await self._wait_for_place()
        try:
            yield
        finally:
            # Recorded even when the call failed: it may still have reached the server.
            self._in_flight -= 1
            self._times.append(self._clock())  # when its answer came back
            self._ended.set()

    def _take(self, now: float) -> bool:
        if self._in_flight + len(self._times) < self.max_calls:
            self._in_flight += 1
            return True
        return False

    async def _wait(self, now: float) -> None:
        if self._times:
            await super()._wait(now)
        else:  # every place is a call still in flight: wait for one to end
            self._ended.clear()
            await self._ended.wait()


_shared: weakref.WeakValueDictionary[tuple[Hashable, ...], ArrivalLimiter] = weakref.WeakValueDictionary()


def shared_limiter(
    scope: str,
    key: str,
    max_calls: int,
    per_seconds: float,
    *,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> ArrivalLimiter:
    """The one ArrivalLimiter of `scope` for `key` in the running event loop.

    Platforms count some limits per token, so every source using the same token must share one
    window: `key` names the token without being it (e.g. its SHA-256). Held weakly: callers keep a
    reference for as long as they use it.
    """
    ident = (scope, key, max_calls, per_seconds, clock, sleep, asyncio.get_running_loop())
    limiter = _shared.get(ident)
    if limiter is None:
        limiter = ArrivalLimiter(max_calls, per_seconds, clock=clock, sleep=sleep)
        _shared[ident] = limiter
    return limiter


def backoff_delay(attempt: int, base: float, cap: float, rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff with "equal jitter": half the step fixed, half random.

    Attempt 0 waits about `base`, then 2x, 4x... up to `cap`. Jitter spreads clients that failed
    together (a 606 storm hits every integration on the instance at once) so they do not retry together.
    """
    step: float = min(cap, base * 2.0**attempt)
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
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
