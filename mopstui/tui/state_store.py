"""The cockpit's state store (Memory): opened at start, and its trouble told as notices.

Trouble is told at start (the store could not be opened, or only with a warning) and after each
snapshot is written (rows it could not read, a snapshot it could not save), each line once.
"""

from __future__ import annotations

from mopstui import runtime
from mopstui.core.memory import Memory
from mopstui.core.store import StoreError, open_default


def open_memory() -> tuple[Memory | None, str]:
    """The Memory on the default state store, and a one-line warning to show ("" when none)."""
    try:
        store = open_default()
    except StoreError as exc:
        return None, f"{exc}; running without memory (no new marks or trends)"
    return Memory(store, audit=runtime.audit_log(), origin="cockpit"), store.warning


class StoreTrouble:
    """Remembers (rows left unread, snapshot not saved) as last told, so each is told once."""

    def __init__(self) -> None:
        self.told: tuple[str, str] = ("", "")

    def news(self, memory: Memory) -> list[str]:
        """The trouble lines that are new since the last call."""
        now = (memory.store.unreadable, memory.error)
        lines = [line for line, before in zip(now, self.told, strict=False) if line and line != before]
        self.told = now
        return lines
