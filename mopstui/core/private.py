"""Files only their owner may read: what mopstui writes in the user's dirs holds platform data,
the audit trail, exports of contact rows and secrets, so it is created 0600 (folders 0700) whatever
the umask, and a file an older mopstui left wider loses its group and other bits.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO, Any

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """`path` and its missing parents created; the folder itself 0700 when we create it (the umask
    can only take bits away from that). An existing folder is left as it is: it may be shared on purpose."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    return path


def private_file(path: Path, *beside: str) -> Path:
    """Create `path` empty if missing, 0600; tighten it and the files named `path` + each suffix
    in `beside` (SQLite's "-wal", "-shm") if they exist. Best effort: a file we cannot open is left
    for its writer to report in its own words."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, PRIVATE_FILE)
    except OSError:
        return path
    try:
        _tighten(fd, PRIVATE_FILE)
    finally:
        os.close(fd)
    for suffix in beside:
        _tighten(path.with_name(path.name + suffix), PRIVATE_FILE)
    return path


def open_private(path: Path, mode: str = "w", **kw: Any) -> IO[Any]:
    """`open(path, mode)` for "w", "a", "wb" or "ab", the file 0600 whatever the umask."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        _tighten(fd, PRIVATE_FILE)
        return os.fdopen(fd, mode, **kw)
    except BaseException:
        os.close(fd)
        raise


def _tighten(target: int | Path, mode: int) -> None:
    """Clear the bits `mode` leaves out (group and other) of a regular file; anything else (a folder
    where a file belongs, a missing file) is left alone."""
    if os.name != "posix":
        return
    try:
        st = os.stat(target)
        if stat.S_ISREG(st.st_mode):
            current = stat.S_IMODE(st.st_mode)
            if current & ~mode:
                os.chmod(target, current & mode)
    except OSError:
        pass
