"""Fake time: `FakeClock` for HTTP tests (`sleep` advances `now` instantly, and remembers every
pause), `WallClock` for the memory's local time (a test sets `now`)."""

from __future__ import annotations

from datetime import datetime


class FakeClock:
    """A monotonic clock that only moves when someone sleeps (or a test calls `advance`)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        self.now += seconds


class WallClock:
    """The time of day the memory and the cockpit see: whatever the test set `now` to."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
