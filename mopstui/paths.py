"""Where mopstui looks for its config and keeps its state. Read at call time, never at import."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "mopstui"


def config_dir() -> Path:
    """`$MOPSTUI_CONFIG_DIR`, else the platform's user config dir."""
    override = os.environ.get("MOPSTUI_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP))


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--config PATH`, else `$MOPSTUI_CONFIG`, else `config.toml` in the config dir."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("MOPSTUI_CONFIG")
    if env:
        return Path(env).expanduser()
    return config_dir() / "config.toml"


def state_dir() -> Path:
    """`$MOPSTUI_STATE_DIR`, else the platform's user state dir (state store, audit log, exports)."""
    override = os.environ.get("MOPSTUI_STATE_DIR")
    return Path(override) if override else Path(platformdirs.user_state_dir(APP))


def ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
