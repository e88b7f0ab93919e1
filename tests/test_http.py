"""The shared HTTP layer: retries, pacing, error mapping, redaction, garbage, call counting."""

from __future__ import annotations

import asyncio
from datetime import UTC
from typing import Any

import httpx
import pytest

from mopstui.adapters.http import (
    NO_JSON,
    HttpClient,
    HttpPolicy,
    HttpSource,
    RateLimiter,
    Transient,
    backoff_delay,
    parse_retry_after,
)
from mopstui.adapters.http import client as client_mod
from mopstui.core.errors import (
    AuthError,
    BadAnswerError,
    NotFoundError,
    RateLimitError,
    SourceError,
    UnreachableError,
)
from mopstui.core.redact import register_secret

from fakes.clock import FakeClock

BASE = "https://api.example.test"


def make(handler: Any, clock: FakeClock | None = None, **policy: Any) -> tuple[HttpClient, FakeClock]:
    clock = clock or FakeClock()
    client = HttpClient(
        "src",
        BASE,
        policy=HttpPolicy(**policy),
        transport=httpx.MockTransport(handler),
        clock=clock,
        sleep=clock.sleep,
        rng=lambda: 0.5,
        auth_hint="run `mopstui auth set src token`",
    )
    return client, clock


def sequence(*responses: httpx.Response | Exception) -> tuple[Any, list[httpx.Request]]:
    """A handler answering each call with the next response (the last repeats)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = responses[min(len(seen) - 1, len(responses) - 1)]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler, seen


async def test_json_is_returned_and_calls_counted() -> None:
    handler, seen = sequence(httpx.Response(200, json={"ok": True}))
    client, _ = make(handler)
    assert await client.get("/x", params={"a": 1}) == {"ok": True}
    assert client.calls == 1 and seen[0].url.params["a"] == "1"


async def test_5xx_is_retried_with_backoff_then_succeeds() -> None:
    handler, seen = sequence(httpx.Response(502), httpx.Response(503), httpx.Response(200, json=[1]))
    client, clock = make(handler, backoff_base=1.0)
    assert await client.get("/x", expect=list) == [1]
    assert len(seen) == 3 and client.calls == 3
    # equal jitter with rng=0.5: 0.75 of the step; steps 1 s then 2 s
    assert clock.sleeps == [0.75, 1.5]


async def test_5xx_gives_up_after_retries_with_one_line_error() -> None:
    handler, seen = sequence(httpx.Response(500, text="<html>\n<body>oops</body></html>"))
    client, _ = make(handler, retries=2)
    with pytest.raises(UnreachableError) as info:
        await client.get("/x")
    assert len(seen) == 3
    message = str(info.value)
    assert message.startswith("src: ") and "HTTP 500" in message and "\n" not in message


async def test_post_is_not_retried_on_5xx_or_timeout() -> None:
    handler, seen = sequence(httpx.Response(502))
    client, _ = make(handler)
    with pytest.raises(UnreachableError):
        await client.post("/x", json={})
    assert len(seen) == 1
    handler, seen = sequence(httpx.ReadTimeout("slow"))
    client, _ = make(handler)
    with pytest.raises(UnreachableError, match="outcome is unknown"):
        await client.post("/x", json={})
    assert len(seen) == 1


async def test_connect_errors_are_retried_even_for_post() -> None:
    handler, seen = sequence(httpx.ConnectError("refused"), httpx.Response(200, json={}))
    client, _ = make(handler)
    assert await client.post("/x", json={}) == {}
    assert len(seen) == 2


async def test_timeouts_exhausted_become_unreachable() -> None:
    handler, seen = sequence(httpx.ReadTimeout("slow"))
    client, _ = make(handler, retries=1, read_timeout=7)
    with pytest.raises(UnreachableError, match="within 7 s"):
        await client.get("/x")
    assert len(seen) == 2


async def test_429_honours_retry_after_seconds() -> None:
    handler, seen = sequence(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={}))
    client, clock = make(handler)
    assert await client.post("/x", json={}) == {}  # refused before doing anything: POST retried too
    assert clock.sleeps[0] == 7.0 and len(seen) == 2


async def test_429_with_a_long_retry_after_is_reported_not_waited() -> None:
    handler, seen = sequence(httpx.Response(429, headers={"Retry-After": "3600"}))
    client, clock = make(handler)
    with pytest.raises(RateLimitError, match="retry in 3600 s"):
        await client.get("/x")
    assert len(seen) == 1 and clock.sleeps == []


async def test_429_slows_down_the_whole_source() -> None:
    handler, seen = sequence(httpx.Response(429, headers={"Retry-After": "5"}), httpx.Response(200, json={}))
    client, clock = make(handler, max_calls=10, per_seconds=1)
    start = clock.now
    await client.get("/x")
    await client.get("/y")
    assert clock.now - start >= 5.0


@pytest.mark.parametrize(
    ("status", "error", "text"),
    [
        (401, AuthError, "run `mopstui auth set src token`"),
        (403, AuthError, "HTTP 403"),
        (404, NotFoundError, "/missing not found"),
        (400, SourceError, "HTTP 400"),
    ],
)
async def test_status_mapping(status: int, error: type[Exception], text: str) -> None:
    handler, seen = sequence(httpx.Response(status, json={"message": "nope"}))
    client, _ = make(handler)
    with pytest.raises(error) as info:
        await client.get("/missing")
    assert text in str(info.value) and len(seen) == 1


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html><body>502 Bad Gateway</body></html>"),
        httpx.Response(200, content=b"\xff\xfe\x00garbage"),
        httpx.Response(200, text="{truncated"),
        httpx.Response(200, text=""),
        httpx.Response(200, json=["a list"]),
    ],
)
async def test_garbage_is_a_bad_answer_not_a_crash(response: httpx.Response) -> None:
    handler, _ = sequence(response)
    client, _ = make(handler)
    with pytest.raises(BadAnswerError) as info:
        await client.get("/x", expect=dict)
    assert str(info.value).startswith("src: ")


async def test_empty_204_is_fine_when_nothing_is_expected() -> None:
    handler, _ = sequence(httpx.Response(204))
    client, _ = make(handler)
    assert await client.put("/x", json={}, expect=None) is None


async def test_secrets_never_reach_messages() -> None:
    register_secret("sk-very-secret-value")
    handler, _ = sequence(httpx.Response(400, json={"message": "bad token sk-very-secret-value"}))
    client, _ = make(handler)
    with pytest.raises(SourceError) as info:
        await client.get("/x", params={"client_secret": "sk-very-secret-value", "access_token": "abc123456"})
    message = str(info.value)
    assert "sk-very-secret-value" not in message and "abc123456" not in message
    assert "?" not in message  # no query string at all


async def test_connect_error_text_is_redacted() -> None:
    register_secret("hunter2-secret")
    handler, _ = sequence(httpx.ConnectError("failed for https://x/?client_secret=hunter2-secret"))
    client, _ = make(handler, retries=0)
    with pytest.raises(UnreachableError) as info:
        await client.get("/x")
    assert "hunter2-secret" not in str(info.value)


async def test_response_hook_can_retry_fail_or_pass() -> None:
    def hook(response: httpx.Response, data: Any) -> None:
        if data is NO_JSON:
            return
        if data.get("code") == "busy":
            raise Transient(RateLimitError("src: busy"), max_retries=1)
        if data.get("code") == "fatal":
            raise NotFoundError("src: gone")

    handler, seen = sequence(httpx.Response(200, json={"code": "busy"}))
    client = HttpClient(
        "src", BASE, transport=httpx.MockTransport(handler), response_hook=hook, sleep=FakeClock().sleep
    )
    with pytest.raises(RateLimitError):
        await client.get("/x")
    assert len(seen) == 2  # max_retries=1 caps the policy's 4
    handler, seen = sequence(httpx.Response(200, json={"code": "fatal"}))
    client = HttpClient("src", BASE, transport=httpx.MockTransport(handler), response_hook=hook)
    with pytest.raises(NotFoundError):
        await client.get("/x")
    assert len(seen) == 1
    handler, _ = sequence(httpx.Response(200, json={"code": "fatal"}))
    client = HttpClient("src", BASE, transport=httpx.MockTransport(handler), response_hook=hook)
    assert await client.get("/x", use_hook=False) == {"code": "fatal"}


async def test_rate_limiter_paces_calls_in_a_sliding_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, 20, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(7):
        await limiter.acquire()
        starts.append(clock.now - 1000.0)
    assert starts == [0, 0, 0, 20, 20, 20, 40]


async def test_concurrency_cap_holds() -> None:
    active = 0
    peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.01)
        active -= 1
        return httpx.Response(200, json={})

    client = HttpClient("src", BASE, policy=HttpPolicy(max_concurrency=2), transport=httpx.MockTransport(handler))
    await asyncio.gather(*(client.get(f"/{i}") for i in range(8)))
    assert peak == 2 and client.calls == 8
    await client.aclose()


def test_backoff_grows_and_is_capped() -> None:
    assert backoff_delay(0, 1, 10, lambda: 0.0) == 0.5
    assert backoff_delay(3, 1, 10, lambda: 1.0) == 8.0
    assert backoff_delay(10, 1, 10, lambda: 1.0) == 10.0


def test_retry_after_forms() -> None:
    from datetime import datetime

    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


async def test_http_source_counts_calls_and_uses_injected_transport() -> None:
    handler, _ = sequence(httpx.Response(200, json={}))

    class Probe(HttpSource):
        kind = "probe"

    source = Probe("p", None, transport=httpx.MockTransport(handler))
    client = source.make_client(BASE)
    await client.get("/a")
    await client.get("/b")
    assert source.calls == 2
    source.reset_calls()
    await client.get("/c")
    assert source.calls == 1
    await source.aclose()


async def test_module_transport_factory_is_used_when_none_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    handler, seen = sequence(httpx.Response(200, json={"via": "factory"}))
    monkeypatch.setattr(client_mod, "transport_factory", lambda name: httpx.MockTransport(handler))
    client = HttpClient("src", BASE)
    assert await client.get("/x") == {"via": "factory"} and len(seen) == 1


async def test_penalty_pauses_without_forgetting_the_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, 20, clock=clock, sleep=clock.sleep)
    await limiter.acquire()
    await limiter.acquire()
    limiter.penalise(1.0)
    await limiter.acquire()  # the pause is shorter than the window: the window still decides
    assert clock.now - 1000.0 == 20.0
    limiter.penalise(30.0)
    await limiter.acquire()
    assert clock.now - 1000.0 == 50.0
