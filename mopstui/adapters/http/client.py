"""One HTTP client per source: timeouts, pacing, retries, error mapping and redaction in one place.

Adapters never see an httpx exception or response: `HttpClient.request` returns parsed JSON or raises
one of `mopstui.core.errors`' SourceError types with a one-line, redacted message naming the source.
"""

from __future__ import annotations

import asyncio
import contextlib
import json as jsonlib
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

import httpx

from mopstui.adapters.http.limits import (
    ArrivalLimiter,
    Clock,
    RateLimiter,
    Sleep,
    backoff_delay,
    parse_retry_after,
)
from mopstui.core.errors import (
    AuthError,
    BadAnswerError,
    NotFoundError,
    QuotaError,
    RateLimitError,
    SourceError,
    UnreachableError,
)
from mopstui.core.redact import redact, register_authorization

#: Parsed body placeholder when the answer is empty or not JSON (a hook may still want to look).
NO_JSON: Any = type("NoJson", (), {"__repr__": lambda self: "NO_JSON", "__bool__": lambda self: False})()

#: Tests (or a recording proxy) may set this to hand every new client a transport:
#: `factory(source_name) -> httpx.AsyncBaseTransport | None`. An explicit `transport=` wins.
transport_factory: Callable[[str], httpx.AsyncBaseTransport | None] | None = None

#: A per-adapter look at each answer before the default mapping: return to carry on, raise a
#: SourceError to fail now, or raise `Transient` to retry. `data` is the parsed JSON or NO_JSON.
ResponseHook = Callable[[httpx.Response, Any], None]

#: The largest answer body read by default, in MB: a page of any platform is far smaller, and a
#: runaway answer (a proxy's endless stream, a gzip bomb) stops here instead of growing to gigabytes.
DEFAULT_MAX_RESPONSE_MB = 32.0
#: Headers of the streamed answer that no longer describe the body once it is read and decoded.
_BODY_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})

_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpPolicy:
    """How politely one source talks to its platform."""

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    #: Calls allowed per `per_seconds` window; 0 means no limit of our own.
    max_calls: int = 0
    per_seconds: float = 1.0
    max_concurrency: int = 5
    #: Retries after the first attempt, for transient failures only.
    retries: int = 4
    backoff_base: float = 0.5
    backoff_cap: float = 20.0
    #: A Retry-After longer than this is reported rather than waited out (a fetch has a timeout).
    max_retry_after: float = 60.0
    #: Answers larger than this (decompressed) fail the call; set per source by `max_response_mb`.
    max_response_mb: float = DEFAULT_MAX_RESPONSE_MB


@dataclass(frozen=True)
class RawAnswer:
    """A 2xx answer's bytes and headers, for `request(..., raw=True)` (a CSV page, a file)."""

    content: bytes
    headers: Mapping[str, str]


class Transient(Exception):
    """Raised (by the client or a response hook) for a failure worth retrying after a pause.

    `error` is what the user sees if the retries run out. `retry_after` overrides the backoff;
    `max_retries` caps retries for this kind (Marketo asks for 611 to be retried "sparingly");
    `slow_down` also pauses every other call of this source (the platform said we are too fast).
    """

    def __init__(
        self,
        error: SourceError,
        *,
        retry_after: float | None = None,
        max_retries: int | None = None,
        slow_down: bool = False,
    ) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after
        self.max_retries = max_retries
        self.slow_down = slow_down


def excerpt(text: str, limit: int = 40) -> str:
    """The start of a body on one line, redacted: enough to recognise an HTML error page."""
    flat = " ".join(text.split())
    flat = redact(flat)
    return flat[:limit] + ("..." if len(flat) > limit else "")


def safe_path(url: httpx.URL | str) -> str:
    """A URL's path only: query strings may carry secrets (Marketo's identity call does)."""
    return urlsplit(str(url)).path or "/"


class HttpClient:
    """A source's connection to one platform. See the package docstring for the contract."""

    def __init__(
        self,
        source: str,
        base_url: str,
        *,
        policy: HttpPolicy = HttpPolicy(),
        transport: httpx.AsyncBaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
        response_hook: ResponseHook | None = None,
        on_call: Callable[[], None] | None = None,
        auth_hint: str = "",
        access_hint: str = "",
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).hostname or self.base_url
        self.policy = policy
        self.response_hook = response_hook
        #: What to do next, said after a 401 (the credentials) and a 403 (their permissions).
        self.auth_hint = auth_hint
        self.access_hint = access_hint
        #: Every HTTP request sent (retries included) over this client's life.
        self.calls = 0
        self._transport = (
            transport if transport is not None else (transport_factory(source) if transport_factory else None)
        )
        self._headers = dict(headers or {})
        self._auth = auth
        self._on_call = on_call
        self._sleep = sleep
        self._rng = rng
        self._limiter = (
            RateLimiter(policy.max_calls, policy.per_seconds, clock=clock, sleep=sleep)
            if policy.max_calls > 0
            else None
        )
        self._gate = asyncio.Semaphore(max(1, policy.max_concurrency))
        self._client: httpx.AsyncClient | None = None
        #: While the platform's daily quota is spent: the message every call meets, and when it ends.
        self._quota_stop: tuple[str, Callable[[], bool]] | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    def _http(self) -> httpx.AsyncClient:
        # Created on first use so a source can be built outside any event loop.
        if self._client is None:
            timeout = httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout)
            self._client = httpx.AsyncClient(
                base_url=self.base_url,
                timeout=timeout,
                headers=self._headers,
                auth=self._auth,
                transport=self._transport,
                follow_redirects=False,  # a redirect could carry our Authorization header elsewhere
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    # -- errors ---------------------------------------------------------------------------------
    def error(self, kind: type[SourceError], text: str) -> SourceError:
        """A one-line, redacted error naming the source: `kind("<source>: <text>")`."""
        return kind(redact(f"{self.source}: {' '.join(text.split())}"))

    # -- daily quota ----------------------------------------------------------------------------
    def stop_calls(self, error: QuotaError, resumes: Callable[[], bool]) -> QuotaError:
        """No call at all until `resumes()` says the quota has reset (a refused call still counts
        against it): until then every request fails with `error`'s message. Returns `error`, to raise."""
        self._quota_stop = (str(error), resumes)
        return error

    def _check_quota_stop(self) -> None:
        if self._quota_stop is not None:
            message, resumes = self._quota_stop
            if not resumes():
                raise QuotaError(message)
            self._quota_stop = None

    # -- requests -------------------------------------------------------------------------------
    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        expect: type | tuple[type, ...] | None = dict,
        use_hook: bool = True,
        limiter: ArrivalLimiter | None = None,
        raw: bool = False,
    ) -> Any:
        """Send one logical request (retrying transient failures) and return its parsed JSON.

        `idempotent` (default: true for GET/PUT/DELETE) decides whether a timeout or a 5xx may be
        retried: a POST that timed out may already have happened. `expect` checks the top-level
        JSON type (None for any, including an empty 204 body). `limiter`: every attempt, retries
        included, holds a place under it while it is sent and answered. `raw`: return a
        `RawAnswer` (body bytes and headers, still capped at `max_response_mb`) instead of JSON.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in _IDEMPOTENT
        attempt = 0
        while True:
            try:
                return await self._once(
                    method, url, params, json, data, headers, idempotent, expect, use_hook, limiter, raw
                )
            except Transient as transient:
                limit = self.policy.retries
                if transient.max_retries is not None:
                    limit = min(limit, transient.max_retries)
                if attempt >= limit:
                    raise transient.error from None
                if transient.retry_after is not None:
                    delay = transient.retry_after
                else:
                    delay = backoff_delay(attempt, self.policy.backoff_base, self.policy.backoff_cap, self._rng)
                if delay > self.policy.max_retry_after:
                    raise transient.error from None
                if transient.slow_down and self._limiter is not None:
                    self._limiter.penalise(delay)
                await self._sleep(delay)
                attempt += 1

    async def download(
        self,
        url: str,
        out: IO[bytes],
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int,
    ) -> Mapping[str, str]:
        """GET `url` and write its body to `out` as it arrives (a platform's export file, too big to
        hold in memory); return the answer's headers. Errors map as for `request`; a body larger
        than `max_bytes` fails. Not retried: part of the body may already be written."""
        self._check_quota_stop()
        if self._limiter is not None:
            await self._limiter.acquire()
        async with self._gate:
            self.calls += 1
            if self._on_call is not None:
                self._on_call()
            client = self._http()
            try:
                streamed = await client.send(
                    client.build_request("GET", url, params=params, headers=headers), stream=True
                )
            except httpx.HTTPError as exc:
                raise self.error(UnreachableError, f"cannot download from {self.host} ({_reason(exc)})") from None
            try:
                if streamed.status_code >= 300:
                    content = await self._read_capped(streamed)
                    response = httpx.Response(streamed.status_code, content=content, request=streamed.request)
                    body = _parse(response)
                    if self.response_hook is not None:
                        self.response_hook(response, body)
                    try:
                        self._check_status(response, body, True)
                    except Transient as transient:
                        raise transient.error from None
                    raise self.error(SourceError, f"{self.host} answered HTTP {streamed.status_code} for a download")
                size = 0
                try:
                    async for chunk in streamed.aiter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise self.error(
                                BadAnswerError,
                                f"the file from {self.host} is larger than {max_bytes / (1 << 20):,.0f} MB",
                            )
                        out.write(chunk)
                except httpx.HTTPError as exc:
                    raise self.error(
                        UnreachableError, f"download from {self.host} broke off ({_reason(exc)})"
                    ) from None
                return dict(streamed.headers)
            finally:
                await streamed.aclose()

    async def get(self, url: str, **kw: Any) -> Any:
        return await self.request("GET", url, **kw)

    async def post(self, url: str, **kw: Any) -> Any:
        return await self.request("POST", url, **kw)

    async def put(self, url: str, **kw: Any) -> Any:
        return await self.request("PUT", url, **kw)

    async def _once(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        json: Any,
        data: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        idempotent: bool,
        expect: type | tuple[type, ...] | None,
        use_hook: bool,
        limiter: ArrivalLimiter | None,
        raw: bool = False,
    ) -> Any:
        self._check_quota_stop()
        if self._limiter is not None:
            await self._limiter.acquire()
        async with limiter.slot() if limiter is not None else contextlib.nullcontext(), self._gate:
            self.calls += 1
            if self._on_call is not None:
                self._on_call()
            try:
                response = await self._send(method, url, params=params, json=json, data=data, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # Nothing was sent: always safe to try again.
                raise Transient(
                    self.error(
                        UnreachableError, f"cannot reach {self.host} ({_reason(exc)}); check the network or base_url"
                    )
                ) from None
            except httpx.TimeoutException:
                err = self.error(UnreachableError, f"no answer from {self.host} within {self.policy.read_timeout:g} s")
                if idempotent:
                    raise Transient(err) from None
                raise self.error(
                    UnreachableError,
                    f"no answer from {self.host} within {self.policy.read_timeout:g} s; the outcome is unknown, refresh to see it",
                ) from None
            except httpx.HTTPError as exc:
                err = self.error(UnreachableError, f"connection to {self.host} failed ({_reason(exc)})")
                if idempotent:
                    raise Transient(err) from None
                raise err from None
        # The header we sent (httpx builds Basic from email:token) is a secret form of its own.
        register_authorization(response.request.headers.get("authorization", ""))
        body = _parse(response)
        if use_hook and self.response_hook is not None:
            self.response_hook(response, body)
        self._check_status(response, body, idempotent)
        if raw:
            return RawAnswer(response.content, response.headers)
        if body is NO_JSON:
            if not response.content.strip():
                if expect is None:
                    return None
                raise self.error(BadAnswerError, f"{self.host} sent an empty answer to {safe_path(response.url)}")
            raise self.error(
                BadAnswerError, f"the answer from {self.host} was not JSON (starts with '{excerpt(response.text)}')"
            )
        if expect is not None and not isinstance(body, expect):
            raise self.error(
                BadAnswerError,
                f"unexpected answer from {self.host} for {safe_path(response.url)} (got JSON {type(body).__name__})",
            )
        return body

    async def _send(self, method: str, url: str, **kw: Any) -> httpx.Response:
        """Send one request and read its answer as a stream, no further than `max_response_mb`."""
        client = self._http()
        streamed = await client.send(client.build_request(method, url, **kw), stream=True)
        try:
            content = await self._read_capped(streamed)
        finally:
            await streamed.aclose()
        headers = [(k, v) for k, v in streamed.headers.multi_items() if k.lower() not in _BODY_HEADERS]
        return httpx.Response(streamed.status_code, headers=headers, content=content, request=streamed.request)

    async def _read_capped(self, response: httpx.Response) -> bytes:
        cap = int(self.policy.max_response_mb * (1 << 20))
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:  # said up front: read none of it
            raise self._too_big(response)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():  # decoded: a gzip bomb is counted as it unpacks
            size += len(chunk)
            if size > cap:
                raise self._too_big(response)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_big(self, response: httpx.Response) -> SourceError:
        return self.error(
            BadAnswerError,
            f"the answer from {self.host} to {safe_path(response.url)} is larger than "
            f"{self.policy.max_response_mb:g} MB; if that is expected, raise max_response_mb in [sources.{self.source}]",
        )

    def _check_status(self, response: httpx.Response, body: Any, idempotent: bool) -> None:
        status = response.status_code
        if status < 400:
            return
        detail = _message(body) or excerpt(response.text)
        if status == 401:
            raise self.error(
                AuthError,
                f"{self.host} refused the credentials (HTTP 401); {self.auth_hint or 'check the credentials'}",
            )
        if status == 403:
            hint = self.access_hint or self.auth_hint or "check the credentials and their permissions"
            raise self.error(
                AuthError, f"{self.host} refused access (HTTP 403{': ' + detail if detail else ''}); {hint}"
            )
        if status == 404:
            raise self.error(NotFoundError, f"{safe_path(response.url)} not found on {self.host} (HTTP 404)")
        if status == 429:
            wait = parse_retry_after(response.headers.get("Retry-After"))
            hint = f"retry in {wait:.0f} s" if wait is not None else "retry in a minute"
            # The platform refused before doing anything: safe to retry even a POST.
            raise Transient(
                self.error(RateLimitError, f"{self.host} is rate limiting this integration (HTTP 429); {hint}"),
                retry_after=wait,
                slow_down=True,
            )
        if status in _TRANSIENT_STATUS:
            err = self.error(UnreachableError, f"{self.host} answered HTTP {status}")
            if idempotent:
                raise Transient(err, retry_after=parse_retry_after(response.headers.get("Retry-After")))
            raise err
        raise self.error(
            SourceError,
            f"{self.host} answered HTTP {status} for {safe_path(response.url)}{': ' + detail if detail else ''}",
        )


def _parse(response: httpx.Response) -> Any:
    try:
        return jsonlib.loads(response.content) if response.content.strip() else NO_JSON
    except (ValueError, UnicodeDecodeError):
        return NO_JSON


def _message(body: Any) -> str:
    """The platform's own one-line reason, from the usual places in an error body."""
    if isinstance(body, dict):
        for key in ("message", "error_description", "errorMessage", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return excerpt(value, 120)
        messages = body.get("errorMessages")
        if isinstance(messages, list) and messages and isinstance(messages[0], str):
            return excerpt(messages[0], 120)
    return ""


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return excerpt(text, 80)
