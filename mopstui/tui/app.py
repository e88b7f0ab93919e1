"""MopsApp: the Textual application. Builds the cockpit from config, refreshes it, routes results.

Refreshes run as one async worker; each source's answer reaches the panes as it arrives. The next
automatic refresh is armed only after the previous one finished, so refreshes never overlap.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual.app import App
from textual.binding import Binding

from mopstui import paths
from mopstui.config import Config
from mopstui.core.safe_text import visible
from mopstui.core.service import Cockpit, SourceResult
from mopstui.tui.palette_commands import MopsCommands
from mopstui.tui.format import key_label
from mopstui.tui.looks import LooksMixin
from mopstui.tui.memory_keys import MemoryKeys, open_memory
from mopstui.tui.screens.main import MainScreen
from mopstui.tui.sources_keys import SourcesKeys
from mopstui.tui.stop_signals import StopSignals


#: Seconds the snapshot writer leaves the screen between slices (see Memory.record).
RECORD_PAUSE = 0.005


class MopsApp(StopSignals, SourcesKeys, MemoryKeys, LooksMixin, App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "mopstui"
    COMMANDS = App.COMMANDS | {MopsCommands}
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("r", "refresh_all", "Refresh", id="refresh"),
        Binding("space", "review", "Reviewed", show=False, id="review"),
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
        if cockpit is None:
            from mopstui.runtime import build_cockpit

            self.memory, self.memory_warning = open_memory()
            cockpit = build_cockpit(config, read_only=read_only, memory=self.memory)
        self.cockpit = cockpit
        self.choose_theme(theme or config.theme)
        self._auto_timer = None

    # -- lifecycle ------------------------------------------------------------------------------
    def get_default_screen(self) -> MainScreen:
        """The cockpit is the app's first screen itself (not pushed over an empty one)."""
        return MainScreen()

    def on_load(self) -> None:
        self.install_stop_signals()  # before the terminal is switched to the app's modes

    def on_unmount(self) -> None:
        self.remove_stop_signals()

    def on_mount(self) -> None:
        self.apply_looks(self.config.keys)
        self.action_refresh_all()
        self.show_memory_warning()

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
        self.run_worker(self._refresh(), group="refresh", exit_on_error=False)

    async def _refresh(self) -> None:
        results = await self.cockpit.refresh(on_result=self._on_result, record=False)
        self.show_results()
        self.record_after_paint(results)
        self._auto_timer = self.set_timer(self.config.refresh_minutes * 60, self.action_refresh_all)

    def record_after_paint(self, results: list[SourceResult]) -> None:
        """Save the snapshot once the screen shows the data: with a big queue it is the slow part
        (and it is written a slice at a time, so keys stay answered meanwhile)."""
        work = partial(self.cockpit.record, results, pause=RECORD_PAUSE)
        # A description of our own: Textual's default is repr(work), which spells out every
        # request in `results` (1.1 s of a frozen screen with 100,000 of them).
        self.call_after_refresh(lambda: self.run_worker(work, group="record", description="save the snapshot",  # type: ignore[arg-type]
                                                        exit_on_error=False))

    def _on_result(self, result: SourceResult) -> None:
        self.show_results()

    def show_results(self) -> None:
        main = self.main
        if main is not None and main.is_mounted:
            main.show_results()

    def notify(self, message: str, *, title: str = "", severity: str = "information",  # type: ignore[override]
               timeout: float | None = None, markup: bool = True) -> None:
        """Notifications show text as typed: item names and platform messages hold brackets
        ("[OPS] Lead Routing") that markup would swallow."""
        # ...and never as terminal controls (an ESC sequence in a platform's error message).
        super().notify(visible(message, keep_newlines=True), title=visible(title), severity=severity,  # type: ignore[arg-type]
                       timeout=timeout, markup=False)

    # -- other keys -----------------------------------------------------------------------------
    def action_command_palette(self) -> None:
        from mopstui.tui.screens.command_palette import CockpitPalette

        if self.use_command_palette and not isinstance(self.screen, CockpitPalette):
            self.push_screen(CockpitPalette(id="--command-palette"))

    def action_help(self) -> None:
        from mopstui.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.binding_rows()))

    def binding_rows(self) -> list[tuple[str, str, str]]:
        """(keys, description, id) for every binding, with the user's [keys] remapping applied."""
        from mopstui.tui.widgets.table import ItemTable

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
