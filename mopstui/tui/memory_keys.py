"""The cockpit's memory keys: `space` marks the selected item reviewed (for the day), `s` opens
"since last check". Mixed into MopsApp, which owns the Memory it hands to the cockpit service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mopstui.core.memory import Memory

if TYPE_CHECKING:
    from mopstui.tui.screens.main import MainScreen


def open_memory() -> tuple[Memory | None, str]:
    """The Memory on the default state store, and a one-line warning to show ("" when none)."""
    from mopstui import runtime
    from mopstui.core.store import StoreError, open_default

    try:
        store = open_default()
    except StoreError as exc:
        return None, f"{exc}; running without memory (no new marks or trends)"
    return Memory(store, audit=runtime.audit_log(), origin="cockpit"), store.warning


class MemoryKeys:
    """Actions `review` and `since` for the app (which provides `main`, `notify`, `push_screen`)."""

    memory: Memory | None = None
    memory_warning: str = ""

    if TYPE_CHECKING:  # provided by MopsApp
        @property
        def main(self) -> MainScreen | None: ...

        def notify(self, message: str, **kw: Any) -> None: ...

        def push_screen(self, screen: Any) -> Any: ...

    def show_memory_warning(self) -> None:
        if self.memory_warning:
            self.notify(self.memory_warning, title="State store", severity="warning", timeout=15)

    def sync_reviewed(self, main: MainScreen) -> None:
        """Give every pane today's reviewed marks (they hide the • new marker)."""
        if self.memory is None:
            return
        try:
            reviewed = self.memory.reviewed_keys()
        except Exception:  # a busy or broken store must not break the screen
            return
        for name in ("workflows", "requests", "quality"):
            main.pane(name).reviewed = set(reviewed)

    def action_review(self) -> None:
        main = self.main
        if main is None:
            return
        item = main.active_pane.selected()
        if item is None:
            return
        if self.memory is None:
            self.notify("No state store: reviewed marks cannot be kept", severity="warning")
            return
        key = item.key
        try:
            if self.memory.is_reviewed(key):
                self.memory.unmark_reviewed(key)
                message = "Marked not reviewed"
            else:
                self.memory.mark_reviewed(key)
                message = "Marked reviewed for today"
        except Exception as exc:
            self.notify(f"State store: {exc}", severity="error")
            return
        self.sync_reviewed(main)
        main.active_pane.rebuild()
        title = getattr(item, "name", None) or getattr(item, "title", None) or getattr(item, "label", key)
        self.notify(f"{message}: {title}")

    def action_since(self) -> None:
        from mopstui.tui.screens.since import SinceScreen

        if self.memory is None:
            self.notify("No state store: nothing to compare with", severity="warning")
            return
        try:
            since = self.memory.since_last_check()
            reviewed = self.memory.reviewed_keys()
        except Exception as exc:
            self.notify(f"State store: {exc}", severity="error")
            return
        self.push_screen(SinceScreen(since, reviewed))
