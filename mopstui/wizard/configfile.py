"""Writing config.toml: validated first, written atomically, the old file kept as a backup."""

from __future__ import annotations

import os
import shutil
import tempfile
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

import tomli_w

from mopstui.config import Config, parse_config
from mopstui.core.errors import ConfigError

HEADER = (
    "# Written by `mopstui init`. Secrets never go here: `mopstui auth status` shows where they are.\n"
    "# Each [sources.NAME] table has a `kind` and that kind's settings; see the README.\n\n"
)


def read_existing(path: Path) -> dict[str, Any]:
    """The current file's tables, to add sources to; ConfigError if it cannot be read as TOML."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "file", f"cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "file", f"invalid TOML ({exc}); replace it instead, a backup is kept") from None
    except RecursionError:  # tomllib recurses once per nested list or inline table
        raise ConfigError(str(path), "file", "nested too deeply; replace it instead, a backup is kept") from None


def validate(data: dict[str, Any], path: Path) -> Config:
    """The same strict check a hand-written file gets; ConfigError names the key."""
    return parse_config(data, path)


def backup(path: Path) -> Path:
    """Copy `path` aside as `config.toml.bak-YYYYmmdd-HHMMSS` (never over an earlier backup)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.bak-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.bak-{stamp}-{n}")
    shutil.copy2(path, target)
    return target


def write(path: Path, data: dict[str, Any]) -> Path | None:
    """Write `data` as TOML; returns the backup's path if a file was there. Atomic: a crash
    half-way leaves the old file, never half of the new one."""
    kept = backup(path) if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(HEADER + tomli_w.dumps(data))
        # A new file stays private (mkstemp makes it 0600); a replaced one keeps its old mode.
        if kept is not None:
            os.chmod(tmp, os.stat(kept).st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return kept
