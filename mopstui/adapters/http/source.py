"""`HttpSource`: the Source base class for adapters that talk HTTP through `HttpClient`."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx

from mopstui.adapters.http.client import DEFAULT_MAX_RESPONSE_MB, HttpClient, HttpPolicy, ResponseHook
from mopstui.adapters.http.limits import Clock, Sleep
from mopstui.core.redact import register_secret
from mopstui.core.source import Source, SourceContext

#: The largest answer cap a config may set: beyond it one answer alone would outgrow the cockpit.
MAX_RESPONSE_MB = 1024.0


@dataclass(frozen=True)
class HttpOptions:
    """Keys every HTTP source takes in its `[sources.NAME]` table, whatever its kind."""

    #: The largest answer body read from the platform, in MB (decompressed); a bigger one fails the source.
    max_response_mb: float = DEFAULT_MAX_RESPONSE_MB

    def __post_init__(self) -> None:
        if not 0 < self.max_response_mb <= MAX_RESPONSE_MB:
            raise ValueError(
                f"max_response_mb: expected a number of MB above 0 and at most {MAX_RESPONSE_MB:g}, "
                f"got {self.max_response_mb:g}"
            )


class HttpSource(Source):
    """A Source whose clients count their calls into `self.calls` and close with the source.

    A subclass says how its client is made in `build_client` (with `make_client`); `self.http` builds
    it on first use, so a missing secret fails that source's fetch, not the start-up.

    Keyword-only test seams: `transport` (an httpx.MockTransport), `clock` and `sleep` (fake time,
    so retries and rate limits never really wait), `rng` (deterministic jitter) and `now` (the
    wall clock).
    """

    SharedOptions = HttpOptions

    def __init__(
        self,
        name: str,
        options: Any,
        context: SourceContext | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        rng: Callable[[], float] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(name, options, context)
        shared = self.context.shared_options
        self.http_options: HttpOptions = shared if isinstance(shared, HttpOptions) else HttpOptions()
        self.transport = transport
        self.clock: Clock = time.monotonic if clock is None else clock
        self.sleep: Sleep = asyncio.sleep if sleep is None else sleep
        self.rng: Callable[[], float] = random.random if rng is None else rng
        #: Wall-clock time (due dates, quota resets), apart from the monotonic `clock` of the limiters.
        self.now: Callable[[], datetime] = (lambda: datetime.now(UTC)) if now is None else now
        self._clients: list[HttpClient] = []
        self._http: HttpClient | None = None

    @property
    def http(self) -> HttpClient:
        """This source's client, built by `build_client` on first use."""
        if self._http is None:
            self._http = self.build_client()
        return self._http

    def build_client(self) -> HttpClient:
        """The source's client: `return self.make_client(base_url, ...)`."""
        raise NotImplementedError(f"{type(self).__name__} does not say how its HTTP client is made")

    def secret(self, field: str) -> str:
        """The secret `field` of this source, registered so no message can ever show it."""
        value = self.context.secret(field)
        register_secret(value)
        return value

    def make_client(
        self,
        base_url: str,
        *,
        policy: HttpPolicy = HttpPolicy(),
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
        response_hook: ResponseHook | None = None,
        auth_hint: str = "",
        access_hint: str = "",
    ) -> HttpClient:
        """A client for `base_url`, wired to this source's counter, transport and fake time."""
        client = HttpClient(
            self.name,
            base_url,
            policy=replace(policy, max_response_mb=self.http_options.max_response_mb),
            transport=self.transport,
            headers=headers,
            auth=auth,
            response_hook=response_hook,
            on_call=self._count_call,
            auth_hint=auth_hint,
            access_hint=access_hint,
            clock=self.clock,
            sleep=self.sleep,
            rng=self.rng,
        )
        self._clients.append(client)
        return client

    def _count_call(self) -> None:
        self.calls += 1

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()
