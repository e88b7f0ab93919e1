"""What the shared HTTP layer does for every adapter: the daily-quota stop, the 401/403 hints, and
the arrival limiter taken by every attempt of a request."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mopstui.adapters.http import HttpClient, HttpPolicy
from mopstui.adapters.http.limits import ArrivalLimiter
from mopstui.core.errors import AuthError, QuotaError

from fakes.clock import FakeClock

BASE = "https://api.example.test"


def client_for(handler: Any, clock: FakeClock, **kw: Any) -> HttpClient:
    return HttpClient(
        "src", BASE, transport=httpx.MockTransport(handler), clock=clock, sleep=clock.sleep, rng=lambda: 0.5, **kw
    )


async def test_a_spent_daily_quota_stops_every_call_until_it_resets() -> None:
    clock, seen = FakeClock(), []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(429 if request.url.path == "/spent" else 200, json={})

    def hook(response: httpx.Response, data: Any) -> None:
        if response.status_code == 429:
            resume_at = clock() + 3600
            raise client.stop_calls(QuotaError("src: the daily quota is spent"), lambda: clock() >= resume_at)

    client = client_for(handler, clock, response_hook=hook)
    with pytest.raises(QuotaError, match="daily quota is spent"):
        await client.get("/spent")
    with pytest.raises(QuotaError, match="daily quota is spent"):
        await client.get("/other")
    assert seen == ["/spent"]  # not retried, and no call at all while stopped
    clock.advance(3601)
    assert await client.get("/other") == {}
    assert seen == ["/spent", "/other"]


@pytest.mark.parametrize(
    ("status", "hint"), [(401, "run `mopstui auth set src token`"), (403, "give the app the read scope")]
)
async def test_401_and_403_end_with_the_adapters_hints(status: int, hint: str) -> None:
    client = client_for(
        lambda request: httpx.Response(status, json={}),
        FakeClock(),
        auth_hint="run `mopstui auth set src token`",
        access_hint="give the app the read scope",
    )
    with pytest.raises(AuthError) as info:
        await client.get("/x")
    assert str(info.value).startswith("src: api.example.test refused") and str(info.value).endswith(hint)


async def test_every_attempt_takes_a_place_under_the_limiter() -> None:
    """A retry after a read timeout is one more arrival: it waits for a place like any call."""
    clock, arrivals = FakeClock(), []

    def handler(request: httpx.Request) -> httpx.Response:
        arrivals.append(clock())
        if len(arrivals) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200, json={"total": 1})

    client = client_for(handler, clock, policy=HttpPolicy(retries=2))
    limiter = ArrivalLimiter(1, 5.0, clock=clock, sleep=clock.sleep)
    assert await client.post("/search", json={}, idempotent=True, limiter=limiter) == {"total": 1}
    assert len(arrivals) == 2 and arrivals[1] - arrivals[0] >= 5.0
