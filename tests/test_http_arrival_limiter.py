"""ArrivalLimiter: a window counted from each answer, so the server's count holds whatever the delay."""

from __future__ import annotations

import asyncio

import pytest

from mopstui.adapters.http.limits import ArrivalLimiter, shared_limiter

from fakes.clock import FakeClock


async def test_a_place_is_held_until_a_window_after_the_answer() -> None:
    clock = FakeClock()
    limiter = ArrivalLimiter(2, 1.0, clock=clock, sleep=clock.sleep)
    entries = []
    for _ in range(3):
        async with limiter.slot():
            entries.append(clock.now - 1000.0)
            clock.advance(0.4)  # the call's round trip
    # the third waits a window after the first answer (0.4 + 1.0), not after the first send
    assert entries == pytest.approx([0.0, 0.4, 1.4])


async def test_calls_in_flight_hold_their_places() -> None:
    clock = FakeClock()
    limiter = ArrivalLimiter(2, 1.0, clock=clock, sleep=clock.sleep)
    answer = asyncio.Event()
    entered: list[float] = []

    async def call() -> None:
        async with limiter.slot():
            entered.append(clock.now - 1000.0)
            await answer.wait()

    tasks = [asyncio.create_task(call()) for _ in range(3)]
    await asyncio.sleep(0)
    assert len(entered) == 2  # both places taken by calls still waiting for their answers
    clock.advance(0.3)
    answer.set()
    await asyncio.gather(*tasks)
    assert entered == pytest.approx([0.0, 0.0, 1.3])


async def test_penalise_pauses_new_calls() -> None:
    clock = FakeClock()
    limiter = ArrivalLimiter(4, 1.1, clock=clock, sleep=clock.sleep)
    limiter.penalise(5.0)
    async with limiter.slot():
        assert clock.now - 1000.0 == pytest.approx(5.0)


async def test_shared_limiter_is_one_per_key_and_clock() -> None:
    clock, other = FakeClock(), FakeClock()
    first = shared_limiter("search", "token-a", 4, 1.1, clock=clock, sleep=clock.sleep)
    assert shared_limiter("search", "token-a", 4, 1.1, clock=clock, sleep=clock.sleep) is first
    assert shared_limiter("search", "token-b", 4, 1.1, clock=clock, sleep=clock.sleep) is not first
    assert shared_limiter("search", "token-a", 4, 1.1, clock=other, sleep=other.sleep) is not first
