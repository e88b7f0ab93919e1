"""Keep the developer's machine out of every test: config, state, keyring and network."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point config, state and XDG dirs into tmp_path and drop any MOPSTUI_* from the environment."""
    for key in list(os.environ):
        if key.startswith("MOPSTUI_"):
            monkeypatch.delenv(key)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("MOPSTUI_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("MOPSTUI_STATE_DIR", str(home / "state"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


@pytest.fixture
def utc_and_real_clock(monkeypatch: pytest.MonkeyPatch):
    """TZ=UTC for the scenes' "updated HH:MM" (local time), whatever the machine's zone; the TUI's
    clock set back to the real one afterwards."""
    from mopstui.tui import format as fmt

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    fmt.set_clock(None)
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def config_dir(isolated_home: Path) -> Path:
    path = isolated_home / "config"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def state_dir(isolated_home: Path) -> Path:
    path = isolated_home / "state"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def write_config(config_dir: Path):
    """Write config.toml text into the isolated config dir and return its path."""

    def write(text: str, name: str = "config.toml") -> Path:
        path = config_dir / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def _memory_keyring_class() -> type:
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    class _MemoryKeyring(KeyringBackend):
        """An in-memory keyring: tests never reach the developer's real one."""

        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.entries: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.entries.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.entries[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if self.entries.pop((service, username), None) is None:
                raise PasswordDeleteError("not found")

    return _MemoryKeyring


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch):
    """Every test gets a fresh in-memory keyring; subprocesses get the no-backend keyring.

    Also forgets what mopstui.credentials cached or learnt about the keyring in earlier tests.
    """
    import keyring

    from mopstui import credentials
    from mopstui.credentials import keyring_store

    backend = _memory_keyring_class()()
    keyring.set_keyring(backend)
    # A child process must not find the real keyring either.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring_store.reset()
    credentials.forget()
    yield backend
    keyring_store.reset()
    credentials.forget()


@pytest.fixture(autouse=True)
def real_clock():
    """Every test starts and ends on the real clock, whatever scene froze it (see devtools.shots)."""
    from mopstui.tui import format as fmt

    fmt.set_clock(None)
    yield
    fmt.set_clock(None)
