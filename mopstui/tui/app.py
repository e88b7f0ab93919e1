"""MopsApp: the Textual application. Builds the cockpit from config, refreshes it, routes results.

The app owns refresh, theme, keymap, help, the sources and since-last-check views and the state
store; the main screen owns what is done to the items it shows. Refreshes run as one async worker
that posts `SourceAnswered` as each source answers and `RefreshFinished` at the end; the next
automatic refresh is armed only after the previous one finished, so refreshes never overlap.
"""

from __future__ import annotations

import signal
from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from mopstui import paths
from mopstui.config import Config
from mopstui.core.memory import Memory
from mopstui.core.safe_text import visible
from mopstui.core.service import Cockpit, SourceResult
from mopstui.runtime import build_cockpit
from mopstui.tui.format import key_label
from mopstui.tui.looks import (
    checked_keymap,
    pick_theme_before_start,
    register_themes,
    remember_theme,
    remembered_theme,
)
from mopstui.tui.messages import ActionFinished, RefreshFinished, SourceAnswered
from mopstui.tui.palette_commands import MopsCommands
from mopstui.tui.screens.main import MainScreen
from mopstui.tui.state_store import StoreTrouble, open_memory
from mopstui.tui.stop_signals import StopSignals
from mopstui.tui.widgets.table import ItemTable

#: Seconds the snapshot writer leaves the screen between slices (see Memory.record).
RECORD_PAUSE = 0.005


class MopsApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "mopstui"
    COMMANDS = App.COMMANDS | {MopsCommands}
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("r", "refresh_all", "Refresh", id="refresh"),
        Binding("s", "since", "Since last check", id="since"),
        Binding("S", "sources", "Sources", id="sources"),
    ]

    def __init__(
        self,
        config: Config,
        *,
        read_only: bool = False,
        theme: str | None = None,
        cockpit: Cockpit | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.config_location = str(config.path or paths.config_path())
        self.memory: Memory | None = None
        self.memory_warning = ""
        if cockpit is None:
            self.memory, self.memory_warning = open_memory()
            cockpit = build_cockpit(config, read_only=read_only, memory=self.memory)
        self.cockpit = cockpit
        self.store_trouble = StoreTrouble()
        self.stop_signals = StopSignals(cockpit, self.exit)
        name, self.theme_notices = register_themes(self, theme, remembered_theme(paths.state_dir()), config.theme)
        pick_theme_before_start(self, name)  # the first paint has the chosen theme
        #: The [keys] remaps actually applied (bad ids and conflicts left out); help and hints read it.
        self.applied_keys: dict[str, str] = {}
        self._auto_timer: Timer | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    def get_default_screen(self) -> MainScreen:
        """The cockpit is the app's first screen itself (not pushed over an empty one)."""
        return MainScreen(
            self.cockpit, self.config, self.memory, config_location=self.config_location, keymap=self.applied_keys
        )

    def on_load(self) -> None:
        self.stop_signals.install()  # before the terminal is switched to the app's modes

    def on_unmount(self) -> None:
        self.stop_signals.remove()

    @property
    def stopped_by(self) -> signal.Signals | None:
        """The signal (SIGTERM, SIGHUP) that ended the cockpit, if one did."""
        return self.stop_signals.stopped_by

    @property
    def stopped_actions(self) -> int:
        """How many actions were still running when a signal ended the cockpit."""
        return self.stop_signals.stopped_actions

    def on_mount(self) -> None:
        # Subscribed after the start, so only a later pick (the palette) is remembered, not --theme.
        self.theme_changed_signal.subscribe(self, lambda theme: remember_theme(paths.state_dir(), theme.name))
        for message, title, timeout in self.theme_notices:
            self.notify(message, title=title, severity="warning", timeout=timeout)
        if self.config.keys:
            self.apply_keymap(self.config.keys)
        self.action_refresh_all()
        if self.memory_warning:
            self.notify(self.memory_warning, title="State store", severity="warning", timeout=15)

    def apply_keymap(self, keys: dict[str, str]) -> None:
        """Apply the [keys] remaps that can work; tell the others in one notification."""
        valid, problems = checked_keymap(keys, type(self), MainScreen, [ItemTable])
        self.applied_keys.clear()
        self.applied_keys.update(valid)  # the same dict the main screen's key hints read
        self.set_keymap(valid)
        if problems:
            self.notify("\n".join(problems), title="Key remapping", severity="warning", timeout=15)
        self.show_results()

    @property
    def main(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    # -- refresh --------------------------------------------------------------------------------
    def action_refresh_all(self) -> None:
        if self.cockpit.refreshing:
            self.notify("A refresh is already running", severity="information")
            return
        if self._auto_timer is not None:
            self._auto_timer.stop()
            self._auto_timer = None
        self._refresh()

    @work(group="refresh", exit_on_error=False)
    async def _refresh(self) -> None:
        # The cockpit marks the sources loading before its first wait, so this redraw (run once
        # the worker waits) shows "refreshing…" for each source until its answer arrives.
        self.call_later(self._refresh_started)
        results = await self.cockpit.refresh(on_result=self._answered, record=False)
        self.post_message(RefreshFinished(results))

    def _refresh_started(self) -> None:
        main = self.main
        if main is not None and main.is_mounted:
            main.refresh_chrome()  # the status bar and header only: the panes keep the last answer

    def _answered(self, result: SourceResult) -> None:
        self.post_message(SourceAnswered(result))

    @on(SourceAnswered)
    def _source_answered(self, event: SourceAnswered) -> None:
        self.show_results()

    @on(RefreshFinished)
    def _refresh_finished(self, event: RefreshFinished) -> None:
        self.show_results()
        self.record_after_paint(event.results)
        if self._auto_timer is not None:  # an `r` between the refresh's end and this message
            self._auto_timer.stop()
        self._auto_timer = self.set_timer(self.config.refresh_minutes * 60, self.action_refresh_all)

    @on(ActionFinished)
    def _action_finished(self, event: ActionFinished) -> None:
        # the main screen told the outcome; the service re-fetched the source: save its snapshot
        if event.outcome.ok and event.source in self.cockpit.results:
            self.record_after_paint([self.cockpit.results[event.source]])

    def record_after_paint(self, results: list[SourceResult]) -> None:
        """Save the snapshot once the screen shows the data: with a big queue it is the slow part
        (and it is written a slice at a time, so keys stay answered meanwhile)."""
        work = partial(self.cockpit.record, results, pause=RECORD_PAUSE)
        # A description of our own: Textual's default is repr(work), which spells out every
        # request in `results` (a frozen screen with a big queue).
        self.call_after_refresh(
            lambda: self.run_worker(
                work,  # type: ignore[arg-type]
                group="record",
                description="save the snapshot",
                exit_on_error=False,
            )
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # the snapshot writer runs after each refresh and action (see record_after_paint)
        if event.worker.group == "record" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self.show_store_trouble()

    def show_store_trouble(self) -> None:
        """Tell of rows the store could not read and of a snapshot it could not save, when new."""
        if self.memory is not None:
            for line in self.store_trouble.news(self.memory):
                self.notify(line, title="State store", severity="warning", timeout=15)

    def show_results(self) -> None:
        main = self.main
        if main is not None and main.is_mounted:
            main.show_results()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Notifications show text as typed: item names and platform messages hold brackets
        ("[OPS] Lead Routing") that markup would swallow. `markup` is accepted because Textual's
        `Widget.notify` passes it on; every notification of this app is plain text."""
        # ...and never as terminal controls (an ESC sequence in a platform's error message).
        super().notify(
            visible(message, keep_newlines=True),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # -- other keys -----------------------------------------------------------------------------
    def action_command_palette(self) -> None:
        from mopstui.tui.screens.command_palette import CockpitPalette

        if self.use_command_palette and not isinstance(self.screen, CockpitPalette):
            self.push_screen(CockpitPalette(id="--command-palette"))

    def action_sources(self) -> None:
        from mopstui.tui.screens.sources import SourcesScreen

        self.push_screen(SourcesScreen(self.cockpit))

    def action_since(self) -> None:
        if self.memory is None:
            self.notify("No state store: nothing to compare with", severity="warning")
            return
        try:
            since = self.memory.since_last_check()
            reviewed = self.memory.reviewed_keys()
        except Exception as exc:
            self.notify(f"State store: {exc}", severity="error")
            return
        from mopstui.tui.screens.since import SinceScreen

        self.push_screen(SinceScreen(since, reviewed))

    def action_help(self) -> None:
        from mopstui.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.binding_rows()))

    def binding_rows(self) -> list[tuple[str, str, str]]:
        """(keys, description, id) for every binding, with the user's [keys] remapping applied."""
        keymap = dict(self.applied_keys)
        rows = []
        seen = set()
        for group in (MainScreen.BINDINGS, ItemTable.BINDINGS, self.BINDINGS):
            for binding in group:
                if not isinstance(binding, Binding) or binding.id in seen:
                    continue
                seen.add(binding.id)
                keys = keymap.get(binding.id or "", binding.key)
                rows.append((_pretty_keys(keys), binding.description, binding.id or ""))
        rows.append(("ctrl+p", "Command palette (same actions, themes)", "command_palette"))
        return rows

    async def action_quit(self) -> None:
        # A snapshot being written is finished first: tomorrow's "new since" depends on it.
        writing = [w for w in self.workers if w.group == "record" and not w.is_finished]
        if writing:  # (an empty list would mean "every worker" to wait_for_complete)
            await self.workers.wait_for_complete(writing)
        await self.cockpit.aclose()
        self.exit(0)


def _pretty_keys(keys: str) -> str:
    return " ".join(key_label(k) for k in keys.split(","))
