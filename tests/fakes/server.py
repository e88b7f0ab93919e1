"""What every transport-level fake shares: a request log, scripted one-off failures, a MockTransport."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

Factory = Callable[[httpx.Request], httpx.Response]


@dataclass(kw_only=True)
class RecordingServer:
    """Subclasses implement `serve(request)`; `handle` logs and plays scripted failures first."""

    #: Every request received, in order.
    log: list[httpx.Request] = field(default_factory=list)
    #: (path regex, response factory) consumed in order by the first matching request.
    failures: list[tuple[str, Factory]] = field(default_factory=list)

    def fail_next(self, path_pattern: str, response: httpx.Response | Factory) -> None:
        """Answer the next request whose path matches `path_pattern` with `response`."""
        factory = response if callable(response) else (lambda _req, r=response: r)
        self.failures.append((path_pattern, factory))

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def calls(self, method: str, path_pattern: str) -> list[httpx.Request]:
        return [r for r in self.log if r.method == method and re.search(path_pattern, r.url.path)]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.log.append(request)
        for i, (pattern, factory) in enumerate(self.failures):
            if re.search(pattern, request.url.path):
                del self.failures[i]
                return factory(request)
        return self.serve(request)

    def serve(self, request: httpx.Request) -> httpx.Response:
        raise NotImplementedError
