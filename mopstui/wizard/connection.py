"""Test each configured source's connection once, concurrently, each under its own timeout."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from mopstui.config import Config
from mopstui.core.errors import MopstuiError
from mopstui.core.redact import redact
from mopstui.core.safe_text import visible
from mopstui.runtime import build_cockpit_async


@dataclass(frozen=True)
class ConnectionResult:
    """What testing one connection in `mopstui init` found."""

    source: str
    kind: str
    ok: bool
    message: str


async def check_all(config: Config) -> list[ConnectionResult]:
    """`check_connection()` on every source, in config order; never raises, messages redacted and
    without terminal controls."""
    cockpit = await build_cockpit_async(config)

    async def one(name: str) -> ConnectionResult:
        handle = cockpit.handles[name]
        source = handle.source
        try:
            async with asyncio.timeout(handle.timeout):
                message, ok = await source.check_connection(), True
        except TimeoutError:
            message, ok = f"no answer within {handle.timeout:g} s", False
        except MopstuiError as exc:
            message, ok = str(exc), False
        except Exception as exc:  # an adapter bug must not end the wizard
            message, ok = f"unexpected error: {type(exc).__name__}: {exc}", False
        return ConnectionResult(name, source.kind, ok, visible(redact(message or "ok")))  # printed as one line

    try:
        return list(await asyncio.gather(*(one(n) for n in cockpit.handles)))
    finally:
        await cockpit.aclose()


def run_checks(config: Config) -> list[ConnectionResult]:
    return asyncio.run(check_all(config))


def lines(results: list[ConnectionResult]) -> list[str]:
    width = max((len(r.source) for r in results), default=0)
    return [f"  {'ok    ' if r.ok else 'FAILED'}  {r.source.ljust(width)}  {r.message}" for r in results]
