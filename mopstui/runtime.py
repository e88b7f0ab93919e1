"""Wiring: turn a validated Config into a running Cockpit (sources, audit log, memory)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from functools import partial

from mopstui import paths
from mopstui.config import Config
from mopstui.core.audit import AuditLog
from mopstui.core.service import Cockpit, SourceHandle
from mopstui.core.source import SourceContext


def audit_log() -> AuditLog:
    return AuditLog(paths.state_dir() / "audit.jsonl")


def build_cockpit(config: Config, *, read_only: bool = False, memory: object | None = None) -> Cockpit:
    """Instantiate every configured source; `read_only` (from --read-only) adds to the config's.

    Secrets the sources declare are looked up first (env, keyring with a timeout, file), so that
    `context.secret` answers from memory inside the event loop. Secrets already looked up in this
    process are not asked again, so call `warm_secrets` (sync, before the loop) or
    `build_cockpit_async` (from inside a loop) to keep the keyring off the event loop entirely.
    """
    warm_secrets(config)
    handles = {}
    for sc in config.sources:
        name = sc.name
        context = SourceContext(
            state_dir=paths.state_dir(),
            secret=partial(_resolve, name),
            replies=config.replies,
            shared_options=sc.shared_options,
            revisions=_revisions(memory, name),
        )
        source = sc.cls(name, sc.options, context)
        handles[name] = SourceHandle(
            source, read_only=sc.read_only, timeout=sc.timeout_seconds or config.timeout_seconds
        )
    return Cockpit(
        handles,
        read_only=read_only or config.read_only,
        audit=audit_log(),
        memory=memory,  # type: ignore[arg-type]
    )


def _revisions(memory: object | None, source: str) -> Callable[[], Mapping[str, str] | None] | None:
    """The kept definitions' revisions of `source`, when memory keeps them (see mopstui.core.drift)."""
    known = getattr(memory, "known_revisions", None)
    return partial(known, source) if callable(known) else None


def _resolve(source: str, field: str) -> str:
    from mopstui import credentials  # the credentials package, only for sources that have secrets

    return credentials.resolve(source, field)


def warm_secrets(config: Config) -> None:
    """Look up every secret the config needs that this process has not looked up yet."""
    if not config.notify and not any(sc.cls.secret_fields for sc in config.sources):
        return  # nothing to look up (the demo)
    from mopstui import credentials  # the credentials package, only when something is looked up

    pending = [p for p in credentials.config_secrets(config) if credentials.cached(*p) is None]
    if pending:
        credentials.preresolve(pending)


async def build_cockpit_async(config: Config, *, read_only: bool = False, memory: object | None = None) -> Cockpit:
    """`build_cockpit` for async callers: the keyring lookups run in a worker thread."""
    await asyncio.to_thread(warm_secrets, config)
    return build_cockpit(config, read_only=read_only, memory=memory)
