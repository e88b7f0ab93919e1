"""The cockpit's memory keys: `space` marks the selected item reviewed (for the day), `s` opens
"since last check". Mixed into MopsApp, which owns the Memory it hands to the cockpit service.
Trouble with the state store is told as a notice: at start, and after a snapshot is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.worker import Worker, WorkerState

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
    #: (rows left unread, snapshot not saved) as last told, so each is told once, not every refresh.
    memory_told: tuple[str, str] = ("", "")

    if TYPE_CHECKING:  # provided by MopsApp
        @property
        def main(self) -> MainScreen | None: ...

        def notify(self, message: str, **kw: Any) -> None: ...

        def push_screen(self, screen: Any) -> Any: ...

    def show_memory_warning(self) -> None:
        if self.memory_warning:
            self.notify(self.memory_warning, title="State store", severity="warning", timeout=15)

    def show_memory_trouble(self) -> None:
        """Tell of rows the store could not read and of a snapshot it could not save, when new."""
        if self.memory is None:
            return
        now = (self.memory.store.unreadable, self.memory.error)
        for line, before in zip(now, self.memory_told):
            if line and line != before:
                self.notify(line, title="State store", severity="warning", timeout=15)
        self.memory_told = now

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # the snapshot writer runs after each refresh (see MopsApp.record_after_paint)
        if event.worker.group == "record" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self.show_memory_trouble()

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
