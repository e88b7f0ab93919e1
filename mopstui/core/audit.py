"""The action audit log: one JSON object per line, appended, in the user state dir.

Every line is an entry of its own: an entry cut short by a crash (no newline at the end of the file)
never swallows the next one, and a line that cannot be read is reported by number, not fatal.
"""

from __future__ import annotations

import errno
import getpass
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mopstui.core.private import private_dir
from mopstui.core.redact import redact


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers, cron without USER)
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


class AuditLog:
    """Append-only JSON lines: time, user, source, action, target, outcome, message."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, source: str, action: str, target: str, outcome: str, message: str = "") -> dict[str, Any]:
        """Add one entry; raises OSError when it cannot be written (the caller decides what that stops)."""
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "user": os_user(),
            "source": source,
            "action": action,
            "target": redact(target),  # the last guard: nothing a secret is in reaches the file
            "outcome": outcome,
            "message": redact(message),
        }
        # backslashreplace: a lone surrogate (from a badly encoded file name) becomes a JSON escape.
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace")
        private_dir(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        try:
            if _torn(fd):  # a crash mid-write left a line without its newline: start afresh
                line = b"\n" + line
            # O_APPEND writes of one line are atomic enough for a cockpit and a cron check side by side.
            while line:
                written = os.write(fd, line)
                if written <= 0:
                    raise OSError(errno.EIO, "nothing could be written")
                line = line[written:]
        finally:
            os.close(fd)
        return entry

    def lines(self) -> list[tuple[int, dict[str, Any] | None]]:
        """(line number, entry) for each non-blank line, oldest first; None for a line that is no entry."""
        if not self.path.exists():
            return []
        out: list[tuple[int, dict[str, Any] | None]] = []
        with open(self.path, encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, start=1):
                if line.strip():
                    out.append((number, _entry(line)))
        return out

    def read(self) -> list[dict[str, Any]]:
        """Entries oldest first; unreadable lines are skipped, not fatal."""
        return [entry for _, entry in self.lines() if entry is not None]


def _torn(fd: int) -> bool:
    """Whether the file's last byte is not a newline (an entry cut short)."""
    if os.fstat(fd).st_size == 0:
        return False
    os.lseek(fd, -1, os.SEEK_END)
    return os.read(fd, 1) != b"\n"


def _entry(line: str) -> dict[str, Any] | None:
    try:
        item = json.loads(line)
    except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
        return None
    return item if isinstance(item, dict) else None
