"""The opt-in credentials file: `credentials.toml` in the config dir, mode 0600.

For boxes with no usable keyring. It is written only when the user asks with `--insecure-storage`
(or says yes in `mopstui init`), and every write returns a warning for the caller to print. Shape:

    ["marketo-prod"]
    client_secret = "..."
"""

from __future__ import annotations

import os
import stat
import tempfile
import tomllib
from pathlib import Path

import tomli_w

from mopstui import paths
from mopstui.core.errors import CredentialError
from mopstui.core.private import private_dir

FILENAME = "credentials.toml"


def path() -> Path:
    return paths.config_dir() / FILENAME


def warning(where: Path | None = None) -> str:
    """What the user must hear each time a secret goes into the file."""
    return (
        f"warning: secrets are stored in plain text in {where or path()} (mode 0600): anyone with "
        "your account or root can read them; prefer the OS keyring or an environment variable"
    )


def read_all() -> dict[str, dict[str, str]]:
    """Every secret in the file by source and field; {} if there is no file."""
    file = path()
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise CredentialError(f"{file}: cannot be read ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        # Never echo the parser's message: it may quote a line holding a secret.
        raise CredentialError(f"{file}: not valid TOML; fix or delete it, then run `mopstui auth set` again") from None
    table: dict[str, dict[str, str]] = {}
    for source, fields in data.items():
        if isinstance(fields, dict):
            table[source] = {k: v for k, v in fields.items() if isinstance(v, str) and v}
    return table


def get(source: str, field: str) -> str | None:
    return read_all().get(source, {}).get(field)


def put(source: str, field: str, value: str) -> Path:
    """Store one secret; returns the file's path. The caller prints `warning()`."""
    data = read_all()
    data.setdefault(source, {})[field] = value
    return _write(data)


def remove(source: str, field: str) -> bool:
    """Drop one secret; True if it was there. The file goes away once it holds nothing."""
    data = read_all()
    if field not in data.get(source, {}):
        return False
    del data[source][field]
    if not data[source]:
        del data[source]
    if data:
        _write(data)
    else:
        path().unlink(missing_ok=True)
    return True


def permissions_problem() -> str | None:
    """A one-line complaint if the file is readable by others than its owner (POSIX only)."""
    file = path()
    if os.name != "posix" or not file.exists():
        return None
    mode = stat.S_IMODE(file.stat().st_mode)
    if mode & 0o077:
        return f"warning: {file} has mode {mode:04o}; run `chmod 600 {file}`"
    return None


def _write(data: dict[str, dict[str, str]]) -> Path:
    """Replace the file atomically; the new file is created 0600, so no moment exists where it is wider."""
    file = path()
    private_dir(file.parent)
    fd, tmp = tempfile.mkstemp(prefix=".credentials.", suffix=".tmp", dir=file.parent)  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            tomli_w.dump(data, fh)
        os.chmod(tmp, 0o600)
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return file
