"""Keep the developer's machine out of every test: config, state, keyring and network."""

from __future__ import annotations

import os
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
