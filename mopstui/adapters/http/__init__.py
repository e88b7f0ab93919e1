"""The shared HTTP layer every HTTP adapter (Marketo, Jira, HubSpot...) stands on.

What it gives an adapter:

- one `httpx.AsyncClient` per `HttpClient`, created lazily, explicit connect/read timeouts, no
  redirects followed (a redirect could carry the Authorization header to another host);
- retries with exponential backoff and jitter for transient failures only: connection failures,
  timeouts and 408/425/429/5xx for idempotent methods; 429 for any method; `Retry-After` honoured
  (seconds or HTTP date; longer than `HttpPolicy.max_retry_after` is reported, not waited out);
- a per-client rate limiter (`max_calls` per `per_seconds`, sliding window) and concurrency cap;
- errors as `mopstui.core.errors` types with one-line messages naming the source and host, redacted
  (messages carry the path at most, never a query string or header);
- garbage (non-JSON, empty, wrong top-level type) as BadAnswerError, never a crash;
- answers read as a stream and refused past `HttpPolicy.max_response_mb` (unpacked size), which
  every HTTP source's `max_response_mb` key sets (`HttpOptions`, its `SharedOptions`);
- a call counter (`HttpClient.calls`, and `on_call` which `HttpSource` wires to `Source.calls`);
- the 401/403 messages, ending with the adapter's `auth_hint` (401) and `access_hint` (403);
- the daily-quota stop: once a hook has called `stop_calls(error, resumes)`, no call at all is
  made (each refused one would still count) and every request fails with that error until
  `resumes()` is true;
- `limiter=` (an `ArrivalLimiter`) on a request: every attempt, retries included, takes a place.

Per-adapter classification: pass `response_hook(response, data)` (data is parsed JSON or NO_JSON).
It runs before the default status mapping; it may return (carry on), raise a SourceError (fatal) or
raise `Transient(error, retry_after=, max_retries=, slow_down=)` to retry. Marketo uses it for its
HTTP-200 `success: false` envelope; HubSpot can read `policyName` from a 429 body.

Usage: an adapter subclasses `HttpSource` and returns `self.make_client(base_url, policy=HttpPolicy(...),
auth=..., response_hook=..., auth_hint=..., access_hint=...)` from `build_client`, then calls
`self.http.get` / `self.http.post`; `self.http` calls `build_client` on first use, so a missing
secret fails the fetch, not the start-up. `JiraSource.build_client` (adapters/jira) is the plainest
whole example.

Tests: `JiraSource("jira", options, ctx, transport=httpx.MockTransport(handler), sleep=fake_sleep)`.
Where a source is built for you (config -> runtime), set `mopstui.adapters.http.client.transport_factory`
to `lambda source_name: transport` (monkeypatch it) and every new client uses that transport.
"""

from mopstui.adapters.http.client import (
    NO_JSON,
    HttpClient,
    HttpPolicy,
    RawAnswer,
    ResponseHook,
    Transient,
    excerpt,
    safe_path,
)
from mopstui.adapters.http.limits import RateLimiter, backoff_delay, parse_retry_after
from mopstui.adapters.http.source import HttpSource

__all__ = [
    "NO_JSON",
    "HttpClient",
    "HttpPolicy",
    "HttpSource",
    "RateLimiter",
    "RawAnswer",
    "ResponseHook",
    "Transient",
    "backoff_delay",
    "excerpt",
    "parse_retry_after",
    "safe_path",
]
