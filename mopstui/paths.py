"""Where mopstui looks for its config and keeps its state. Read at call time, never at import.

A leaf that imports nothing from mopstui, so every layer, core included, may ask it.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
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


def config_origin(explicit: str | os.PathLike[str] | None = None) -> str | None:
    """Who named the config path: "--config", "$MOPSTUI_CONFIG", or None for the default location.

    Only the default location may be absent (the demo opens); a path someone gave must exist."""
    if explicit:
        return "--config"
    if os.environ.get("MOPSTUI_CONFIG"):
        return "$MOPSTUI_CONFIG"
    return None


def state_dir() -> Path:
    """`$MOPSTUI_STATE_DIR`, else the platform's user state dir (state store, audit log, exports)."""
    override = os.environ.get("MOPSTUI_STATE_DIR")
    return Path(override) if override else Path(platformdirs.user_state_dir(APP))


def cache_dir() -> Path:
    """`$MOPSTUI_CACHE_DIR`, else the platform's user cache dir (platform exports kept for counting)."""
    override = os.environ.get("MOPSTUI_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP))


def exports_dir() -> Path:
    """Where drill-down exports go: `exports/` inside the state dir (created when first used)."""
    return state_dir() / "exports"


def export_path(source: str, metric: str, when: datetime | None = None) -> Path:
    """A new CSV file name for the offending rows of `metric`, e.g. `crm-missing-country-20260101-0930.csv`."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{source}-{metric}").strip("-")
    return exports_dir() / f"{safe}-{stamp}.csv"
