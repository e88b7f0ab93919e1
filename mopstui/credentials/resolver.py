"""Where a secret comes from: environment, then the OS keyring, then the opt-in credentials file.

`lookup` always asks afresh and says where the value came from (for `auth status`, `config check`
and the sources view). `resolve` is what sources use: it answers from a per-process cache filled by
`preresolve`, which runs before the cockpit's event loop starts (or in a thread from async code), so
a source's `context.secret(field)` never waits on the keyring inside the event loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from mopstui.core.errors import CredentialError
from mopstui.core.redact import register_secret
from mopstui.credentials import file_store, keyring_store
from mopstui.credentials.naming import (
    SERVICE,
    auth_set_command,
    env_var_name,
    keyring_username,
)

if TYPE_CHECKING:
    from mopstui.config import Config

Origin = Literal["env", "keyring", "file", "missing"]

#: The Slack webhook used by notifications is a secret like any other, under this source name.
NOTIFY_SOURCE, NOTIFY_FIELD = "notify", "slack_webhook"


@dataclass(frozen=True)
class Resolution:
    """One secret's whereabouts. `value` never shows in repr and is None when missing."""

    source: str
    field: str
    origin: Origin
    #: env var name, keyring entry, file path, or (when missing) the one-line message saying what to do.
    detail: str
    value: str | None = dataclasses.field(default=None, repr=False, compare=False)
    #: Why the keyring could not be asked, if it could not.
    keyring_problem: str | None = None

    @property
    def found(self) -> bool:
        return self.origin != "missing"


def keyring_alternatives(source: str, field_name: str, reason: str) -> str:
    """The one message for a keyring that has no backend, is locked or hangs: what else works."""
    return (
        f"the OS keyring is unavailable ({reason}): set {env_var_name(source, field_name)} in the "
        f"environment, or run `{auth_set_command(source, field_name, insecure=True)}` to keep it in a "
        "0600 file, or start and unlock a keyring daemon"
    )


def missing_message(source: str, field_name: str, keyring_problem: str | None = None) -> str:
    head = f"no {field_name} for source '{source}'"
    if keyring_problem:
        return f"{head}: {keyring_alternatives(source, field_name, keyring_problem)}"
    return f"{head}: run `{auth_set_command(source, field_name)}`"


_cache: dict[tuple[str, str], Resolution] = {}
_cache_lock = threading.Lock()


def _remember(found: Resolution) -> Resolution:
    if found.value:
        register_secret(found.value)
    with _cache_lock:
        _cache[(found.source, found.field)] = found
    return found


def _from_env(source: str, field_name: str) -> Resolution | None:
    name = env_var_name(source, field_name)
    value = os.environ.get(name)
    return Resolution(source, field_name, "env", name, value) if value else None


def _from_file(source: str, field_name: str, keyring_problem: str | None) -> Resolution | None:
    value = file_store.get(source, field_name)
    if not value:
        return None
    return Resolution(source, field_name, "file", str(file_store.path()), value, keyring_problem)


def lookup(source: str, field_name: str, *, timeout: float | None = None) -> Resolution:
    """Ask every place afresh, in order; never raises for a missing secret (origin "missing")."""
    found = _from_env(source, field_name)
    if found:
        return _remember(found)
    problem: str | None = None
    try:
        value = keyring_store.get(source, field_name, timeout)
    except keyring_store.KeyringUnavailable as exc:
        problem = exc.reason
    else:
        if value:
            entry = f"service {SERVICE}, user {keyring_username(source, field_name)}"
            return _remember(Resolution(source, field_name, "keyring", entry, value))
    try:
        found = _from_file(source, field_name, problem)
    except CredentialError as exc:  # unreadable file: say so instead of "missing"
        return _remember(Resolution(source, field_name, "missing", str(exc), None, problem))
    if found:
        return _remember(found)
    return _remember(
        Resolution(source, field_name, "missing", missing_message(source, field_name, problem), None, problem)
    )


def resolve(source: str, field_name: str) -> str:
    """The secret's value, or CredentialError with the one-line message saying what to do.

    Answers from the cache when `preresolve` or `lookup` already found it. A secret known to be
    missing is re-checked only in the environment and the file (cheap), never the keyring again,
    so a source that lacks its secret fails fast on every refresh instead of waiting.
    """
    with _cache_lock:
        cached = _cache.get((source, field_name))
    if cached is None:
        cached = lookup(source, field_name)
    elif not cached.found:
        again = _from_env(source, field_name) or _from_file(source, field_name, cached.keyring_problem)
        if again:
            cached = _remember(again)
    if cached.value is None:
        raise CredentialError(cached.detail)
    return cached.value


async def resolve_async(source: str, field_name: str) -> str:
    """`resolve` in a worker thread: safe to await from the event loop even if the keyring hangs."""
    return await asyncio.to_thread(resolve, source, field_name)


def cached(source: str, field_name: str) -> Resolution | None:
    """What the last lookup found, without asking anything (for the cockpit's sources view)."""
    with _cache_lock:
        return _cache.get((source, field_name))


def forget(source: str | None = None, field_name: str | None = None) -> None:
    """Drop cached answers: one secret, or all of them (after `auth set`/`delete`; in tests)."""
    with _cache_lock:
        if source is None:
            _cache.clear()
        else:
            _cache.pop((source, field_name or ""), None)


def config_secrets(config: Config) -> list[tuple[str, str]]:
    """(source, field) for each secret the configured sources declare, plus Slack's if notify is set."""
    pairs = [(sc.name, f) for sc in config.sources for f in sc.cls.secret_fields]
    if config.notify:
        pairs.append((NOTIFY_SOURCE, NOTIFY_FIELD))
    return pairs


def preresolve(pairs: Iterable[tuple[str, str]]) -> list[Resolution]:
    """Look up each secret now, filling the cache `resolve` answers from. Blocks at most about one
    keyring timeout in all, since a keyring that times out once is not asked again."""
    return [lookup(source, field_name) for source, field_name in pairs]


async def preresolve_async(pairs: Iterable[tuple[str, str]]) -> list[Resolution]:
    return await asyncio.to_thread(preresolve, list(pairs))
