"""The cockpit screen: pulse header, three panes, status bar, key hints; layout and data.

At 120x40 the panes share the screen (Workflows and Requests side by side, Data quality below);
below 110x30 one pane shows at a time and `1` `2` `3` / tab switch, the pulse header naming the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Static

from mopstui.tui.actions import ActionsMixin
from mopstui.tui.item_views import ItemViewsMixin
from mopstui.tui.colours import Colours
from mopstui.tui.panes.base import FilterInput, Pane
from mopstui.tui.panes.quality import QualityPane
from mopstui.tui.panes.requests import RequestsPane
from mopstui.tui.panes.workflows import WorkflowsPane
from mopstui.tui.widgets.keyhints import KeyHints
from mopstui.tui.widgets.pulse import Pulse
from mopstui.tui.widgets.status import StatusBar
from mopstui.tui.widgets.table import ItemTable

if TYPE_CHECKING:
    from mopstui.tui.app import MopsApp

PANES = ("workflows", "requests", "quality")
_PANE_ACTIONS = {"show_pane", "next_pane", "prev_pane"}
COMPACT_WIDTH, COMPACT_HEIGHT = 110, 30


class MainScreen(ActionsMixin, ItemViewsMixin, Screen[None]):
    app: MopsApp

    BINDINGS = [
        # Pane keys are priority bindings like `/` below: the app handles those as they arrive,
        # so a quick `2/` must not open the filter on the pane that was active before the `2`.
        # In the filter line they are left to the typing (see check_action).
        Binding("tab", "next_pane", "Next pane", show=False, id="next_pane", priority=True),
        Binding("shift+tab", "prev_pane", "Previous pane", show=False, id="prev_pane", priority=True),
        Binding("1", "show_pane('workflows')", "Workflows", show=False, id="pane_workflows", priority=True),
        Binding("2", "show_pane('requests')", "Requests", show=False, id="pane_requests", priority=True),
        Binding("3", "show_pane('quality')", "Data quality", show=False, id="pane_quality", priority=True),
        Binding("enter", "detail", "Detail", id="detail"),
        # priority: handled as the key arrives, so the keys typed right after it reach the filter
        Binding("slash", "filter", "Filter", id="filter", priority=True),
        # in the filter line only (check_action), and priority for the same reason: the key typed
        # right after them must reach the list, not the filter line
        Binding("enter", "filter_keep", "In the filter line: keep it", show=False, id="filter_keep", priority=True),
        Binding("escape", "filter_clear", "In the filter line: clear it", show=False, id="filter_clear", priority=True),
        Binding("a", "activate", "Activate", id="activate"),
        Binding("d", "deactivate", "Deactivate", show=False, id="deactivate"),
        Binding("t", "take", "Take", id="take"),
        Binding("x", "decline", "Decline", id="decline"),
        Binding("m", "done", "Done", id="done"),
        Binding("y", "copy_link", "Copy link", show=False, id="copy_link"),
        Binding("e", "export", "Export rows", show=False, id="export"),
    ]

    def compose(self) -> ComposeResult:
        self.active = "workflows"
        self._apply_layout(self.app.size.width, self.app.size.height)  # classes set before styling
        yield Pulse(id="pulse")
        if self.app.config.is_default_demo:
            where = self.app.config_location
            banner = Static(
                "Demo workspace (no config yet): `mopstui init` connects Marketo, HubSpot, Jira",
                id="banner",
            )
            banner.tooltip = f"Looked for {where}"
            yield banner
        with Container(id="panes"):
            for pane in (WorkflowsPane(id="workflows"), RequestsPane(id="requests"), QualityPane(id="quality")):
                pane.set_class(pane.id == self.active, "-active")
                yield pane
        yield StatusBar(id="status")
        yield KeyHints(id="keyhints")

    def on_mount(self) -> None:
        self.pane("workflows").table.focus()
        self.show_results()

    # -- panes ----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        in_filter = isinstance(self.focused, FilterInput)
        if action in _PANE_ACTIONS and in_filter:
            return False  # not ours to take: the key is typed into the filter
        if action in ("filter_keep", "filter_clear") and not in_filter:
            return False  # enter and escape as usual
        return True

    def action_filter_keep(self) -> None:
        self._filter_pane().close_filter(keep=True)

    def action_filter_clear(self) -> None:
        self._filter_pane().close_filter(keep=False)

    def _filter_pane(self) -> Pane:
        focused = self.focused
        pane = focused.parent if focused is not None else None
        return pane if isinstance(pane, Pane) else self.active_pane

    def pane(self, name: str) -> Pane:
        return self.query_one(f"#{name}", Pane)

    def on_resize(self, event: Resize) -> None:
        self._apply_layout(event.size.width, event.size.height)

    def _apply_layout(self, width: int, height: int) -> None:
        self.set_class(width < COMPACT_WIDTH or height < COMPACT_HEIGHT, "-compact")
        for pane in self.query(Pane):
            pane.set_class(pane.id == self.active, "-active")

    def action_show_pane(self, name: str) -> None:
        self.active = name
        self._apply_layout(self.size.width, self.size.height)
        self.set_focus(self.pane(name).table)  # at once (focus() waits a turn): the next key lands here
        self.refresh_chrome()

    def action_next_pane(self) -> None:
        self.action_show_pane(PANES[(PANES.index(self.active) + 1) % len(PANES)])

    def action_prev_pane(self) -> None:
        self.action_show_pane(PANES[(PANES.index(self.active) - 1) % len(PANES)])

    def on_descendant_focus(self, event: object) -> None:
        focused = self.focused
        if isinstance(focused, ItemTable) and focused.parent is not None and focused.parent.id in PANES:
            if focused.parent.id != self.active:
                self.active = focused.parent.id
                self._apply_layout(self.size.width, self.size.height)
                self.refresh_chrome()

    @property
    def active_pane(self) -> Pane:
        return self.pane(self.active)

    # -- data -----------------------------------------------------------------------------------
    def show_results(self) -> None:
        self.app.sync_reviewed(self)  # today's reviewed marks, from the state store
        results = self.app.cockpit.results
        multi = len(results) > 1
        for name in PANES:
            self.pane(name).update_results(results, multi)
        self.refresh_chrome()

    def refresh_chrome(self) -> None:
        palette = Colours.from_app(self.app)
        wf = self.pane("workflows").items.values()
        by: dict[str, int] = {}
        for p in wf:
            by[p.severity] = by.get(p.severity, 0) + 1
        reqs = self.pane("requests").items.values()
        metrics = self.pane("quality").items.values()
        self.query_one(Pulse).show(
            palette, self.active, by,
            (len(reqs), sum(1 for r in reqs if r.overdue)),
            (sum(1 for m in metrics if m.severity == "critical"), sum(1 for m in metrics if m.severity == "warning")),
            frozenset(name for name in PANES if self.pane(name).unknown_sources()),
        )
        cockpit = self.app.cockpit
        self.query_one(StatusBar).show(palette, cockpit.statuses, cockpit.summary(), cockpit.read_only)
        app_keys = sorted(self.app.BINDINGS, key=lambda b: b.id != "help")  # "? Help" first: never cut off
        self.query_one(KeyHints).show([*app_keys[:1], *self.BINDINGS, *app_keys[1:]], self.app.applied_keys)
