"""SIGTERM and SIGHUP end the cockpit the way `q` does: audit log finished, terminal given back.

Without handlers both signals end the process where it stands: the terminal stays in the
alternate screen with mouse reporting on and the cursor hidden, and an action that was running
keeps "attempt" as the last word in the audit log. SIGHUP is what a dropped SSH session or a
closed terminal window sends. MopsApp holds one StopSignals.

The handlers are plain `signal.signal` ones rather than the event loop's: a terminal that has gone
away can leave Textual's output thread dead and the loop stuck waiting to queue the next frame,
and a loop handler would then never run. A plain handler still runs in the main thread; it writes
the audit entries, asks the loop to exit, and ends the process anyway if the loop cannot.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from mopstui.core.service import Cockpit

#: Seconds the app has to wind down (Textual's teardown restores the terminal) after a stop
#: signal before the process ends regardless.
STOP_GRACE = 5.0


def stop_signals() -> list[signal.Signals]:
    """The signals that stop the cockpit, as this platform has them (Windows has neither)."""
    return [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]


class StopSignals:
    """`install` at the app's load, `remove` at its unmount; `exit(return_code=N)` ends the app."""

    def __init__(self, cockpit: Cockpit, exit_app: Callable[..., None]) -> None:
        self.cockpit = cockpit
        self.exit = exit_app
        #: The signal that stopped the cockpit, if one did.
        self.stopped_by: signal.Signals | None = None
        #: How many actions were still running then (their audit entries say how far they got).
        self.stopped_actions = 0
        self._previous_handlers: dict[int, Any] = {}

    def install(self) -> None:
        self._previous_handlers = {}
        if threading.current_thread() is not threading.main_thread():
            return  # only the main thread may set handlers (an app run from a test's thread)
        self._stop_loop = asyncio.get_running_loop()
        for signum in stop_signals():
            self._previous_handlers[signum] = signal.signal(signum, self._on_stop_signal)

    def remove(self) -> None:
        for signum, previous in self._previous_handlers.items():
            signal.signal(signum, previous)
        self._previous_handlers = {}

    def _on_stop_signal(self, signum: int, frame: FrameType | None) -> None:
        # The audit entries first and at once: whatever follows may be cut short.
        self.stopped_actions += self.cockpit.interrupt_pending()
        if self.stopped_by is not None:
            return  # a second signal while winding down
        self.stopped_by = signal.Signals(signum)
        code = 128 + signum  # the shell's status for "ended by signal N"
        deadline = threading.Timer(STOP_GRACE, os._exit, (code,))
        deadline.daemon = True  # a normal exit before the deadline ends it too
        deadline.start()
        # The handler may have interrupted the loop mid-callback: let the loop itself call exit.
        self._stop_loop.call_soon_threadsafe(lambda: self.exit(return_code=code))
