"""The action audit log: one JSON object per line, appended, in the user state dir."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


def os_user() -> str:
    import getpass  # here: it brings in termios, which start-up never needs

    try:
        return getpass.getuser()
    except Exception:  # no login name (containers, cron without USER)
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


class AuditLog:
    """Append-only JSON lines: time, user, source, action, target, outcome, message."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, source: str, action: str, target: str, outcome: str, message: str = "") -> dict[str, Any]:
        entry = {
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "user": os_user(),
            "source": source,
            "action": action,
            "target": target,
            "outcome": outcome,
            "message": message,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # O_APPEND writes of one line are atomic enough for a cockpit and a cron check side by side.
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return entry

    def read(self) -> list[dict[str, Any]]:
        """Entries oldest first; unreadable lines are skipped, not fatal."""
        if not self.path.exists():
            return []
        entries = []
        with open(self.path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    item = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(item, dict):
                    entries.append(item)
        return entries
