"""The OS keyring, reached only through a worker thread with a timeout.

On a headless jump box the keyring is often missing (`NoKeyringError`) or locked, and some backends
hang waiting for an unlock prompt nobody can see. Every call here therefore runs in a daemon thread
and is abandoned after `TIMEOUT` seconds. Daemon threads (not a ThreadPoolExecutor) because an
executor joins its workers at interpreter exit, so one hung keyring call would hang `mopstui` on quit.

Once the keyring has failed or timed out, it is marked unavailable for the rest of the process: later
calls fail at once with the same reason instead of stacking up more hung threads and more waiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from mopstui.core.errors import CredentialError
from mopstui.credentials.naming import SERVICE, keyring_username

#: Seconds to wait for any one keyring call before giving up on the keyring.
TIMEOUT = 3.0

T = TypeVar("T")

_broken: str | None = None  # why the keyring is unusable in this process, once known
_lock = threading.Lock()


class KeyringUnavailable(CredentialError):
    """The keyring has no backend, is locked, failed, or did not answer in time. `reason` says which."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"the OS keyring is unavailable ({reason})")


def reset() -> None:
    """Forget that the keyring failed (tests; or after the user started a keyring daemon)."""
    global _broken
    with _lock:
        _broken = None


def _mark_broken(reason: str) -> KeyringUnavailable:
    global _broken
    with _lock:
        if _broken is None:
            _broken = reason
        return KeyringUnavailable(_broken)


def _describe(exc: BaseException) -> str:
    from keyring.errors import InitError, KeyringLocked, NoKeyringError

    if isinstance(exc, NoKeyringError):
        return "no keyring backend found"
    if isinstance(exc, KeyringLocked):
        return "the keyring is locked"
    if isinstance(exc, InitError):
        return "the keyring could not be opened"
    # Backend errors (D-Bus, Secret Service...) carry no secret values, only their own wording.
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _call(what: Callable[[], T], timeout: float | None = None) -> T:
    """Run `what` in a daemon thread; KeyringUnavailable on error, no backend, or timeout."""
    if _broken is not None:
        raise KeyringUnavailable(_broken)
    limit = TIMEOUT if timeout is None else timeout
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["value"] = what()
        except BaseException as exc:  # reported to the caller's thread, never lost
            box["error"] = exc

    thread = threading.Thread(target=work, name="mopstui-keyring", daemon=True)
    thread.start()
    thread.join(limit)
    if thread.is_alive():
        raise _mark_broken(f"no answer within {limit:g} s, perhaps waiting to be unlocked")
    if "error" in box:
        error = box["error"]
        from keyring.errors import PasswordDeleteError

        if isinstance(error, PasswordDeleteError):
            raise error  # nothing to delete: the keyring itself works
        if isinstance(error, Exception):
            raise _mark_broken(_describe(error)) from None
        assert isinstance(error, BaseException)
        raise error  # KeyboardInterrupt and the like
    return box["value"]  # type: ignore[return-value]


def get(source: str, field: str, timeout: float | None = None) -> str | None:
    """The stored secret, or None if the keyring holds none. KeyringUnavailable if unusable."""
    import keyring

    value = _call(lambda: keyring.get_password(SERVICE, keyring_username(source, field)), timeout)
    return value or None


def put(source: str, field: str, value: str, timeout: float | None = None) -> None:
    import keyring

    _call(lambda: keyring.set_password(SERVICE, keyring_username(source, field), value), timeout)


def delete(source: str, field: str, timeout: float | None = None) -> bool:
    """Remove the entry; True if there was one."""
    import keyring
    from keyring.errors import PasswordDeleteError

    try:
        _call(lambda: keyring.delete_password(SERVICE, keyring_username(source, field)), timeout)
    except PasswordDeleteError:
        return False
    return True
