"""The cockpit screen: pulse header, three panes, status bar, key hints; layout, data, item keys.

It owns what is done to the item it shows: actions (activate, deactivate, take, decline, done),
the reviewed mark, detail and drill-down, export, filter and copying a link. An action runs as a
worker that posts `ActionFinished`; the handler here tells the outcome and re-shows the panes, and
the message bubbles on to the app, which saves the re-fetched source's snapshot.

At 120x40 the panes share the screen (Workflows and Data quality side by side, Requests below);
below 110x30 one pane shows at a time and `1` `2` `3` / tab switch, the pulse header naming the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Static

from mopstui.config import Config
from mopstui.core.errors import MopstuiError
from mopstui.core.memory import Memory
from mopstui.core.models import QualityMetric, Request, WorkflowProblem
from mopstui.core.replies import fill_reply, replies_for, suggest_reply, title_for
from mopstui.core.service import Cockpit
from mopstui.core.source import Source
from mopstui.tui import actions as words
from mopstui.tui import why_keys
from mopstui.tui.colours import Colours
from mopstui.tui.item_views import (
    DETAIL_ACTIONS,
    ITEM_KEYS,
    SHOWN_ITEM_KEYS,
    SOURCE_ACTIONS,
    drilldown_source,
    item_title,
)
from mopstui.tui.messages import ActionFinished
from mopstui.tui.panes.base import FilterInput, Pane
from mopstui.tui.panes.quality import QualityPane
from mopstui.tui.panes.requests import RequestsPane
from mopstui.tui.panes.workflows import WorkflowsPane
from mopstui.tui.widgets.keyhints import KeyHints
from mopstui.tui.widgets.pulse import Pulse
from mopstui.tui.widgets.status import StatusBar
from mopstui.tui.widgets.table import ItemTable

if TYPE_CHECKING:
    from mopstui.tui.screens.decline import DeclineChoice

PANES = ("workflows", "requests", "quality")
_PANE_ACTIONS = {"show_pane", "next_pane", "prev_pane"}
COMPACT_WIDTH, COMPACT_HEIGHT = 110, 30


class MainScreen(Screen[None]):
    """The cockpit. `keymap` is the app's applied [keys] remapping, shared so the hints follow it."""

    BINDINGS: ClassVar[list[BindingType]] = [
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
        *(Binding(key, bid, words, show=bid in SHOWN_ITEM_KEYS, id=bid) for key, bid, words in ITEM_KEYS),
        Binding("f", "scope", "Requests scope: all / unassigned / mine", show=False, id="scope"),
        Binding("e", "export", "Export rows", show=False, id="export"),
        Binding("space", "review", "Reviewed", show=False, id="review"),
        Binding("w", "why", "Why won't it send?", show=False, id="why"),
    ]

    def __init__(
        self,
        cockpit: Cockpit,
        config: Config,
        memory: Memory | None,
        *,
        config_location: str,
        keymap: Mapping[str, str],
    ) -> None:
        super().__init__(classes="-banner" if config.is_default_demo else None)
        self.cockpit = cockpit
        self.config = config
        self.memory = memory
        self.config_location = config_location
        self.keymap = keymap
        self.active = "workflows"
        # Set before the screen is first styled, so the start styles it once.
        self.set_class(self._compact(*self.app.size), "-compact", update=False)

    def compose(self) -> ComposeResult:
        yield Pulse(id="pulse")
        if self.config.is_default_demo:
            where = self.config_location
            banner = Static(
                "Demo workspace (no config yet): `mopstui init` connects Marketo, HubSpot, Jira",
                id="banner",
            )
            banner.tooltip = f"Looked for {where}"
            yield banner
        # In this order for the grid of app.tcss: Requests takes the whole lower row.
        for pane in (WorkflowsPane(id="workflows"), QualityPane(id="quality"), RequestsPane(id="requests")):
            pane.set_class(pane.id == self.active, "-active", update=False)  # styled as it mounts
            yield pane
        yield StatusBar(id="status")
        yield KeyHints(id="keyhints")

    def on_mount(self) -> None:
        self.pane("workflows").table.focus()
        # Rows and header carry Rich styles made from the theme's colours: re-make them.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show_results())
        self.show_results()

    # -- panes ----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        in_filter = isinstance(self.focused, FilterInput)
        if action in _PANE_ACTIONS and in_filter:
            return False  # not ours to take: the key is typed into the filter
        # enter and escape as usual outside the filter line
        return not (action in ("filter_keep", "filter_clear") and not in_filter)

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

    @staticmethod
    def _compact(width: int, height: int) -> bool:
        return width < COMPACT_WIDTH or height < COMPACT_HEIGHT

    def _apply_layout(self, width: int, height: int) -> None:
        self.set_class(self._compact(width, height), "-compact")
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
        pane = focused.parent if isinstance(focused, ItemTable) else None
        if pane is not None and pane.id in PANES and pane.id != self.active:
            self.active = pane.id
            self._apply_layout(self.size.width, self.size.height)
            self.refresh_chrome()

    @property
    def active_pane(self) -> Pane:
        return self.pane(self.active)

    # -- data -----------------------------------------------------------------------------------
    def show_results(self) -> None:
        self.sync_reviewed()  # today's reviewed marks, from the state store
        results = self.cockpit.results
        multi = len(results) > 1
        for name in PANES:
            self.pane(name).update_results(results, multi)
        self.refresh_chrome()

    def sync_reviewed(self) -> None:
        """Give every pane today's reviewed marks (they hide the • new marker)."""
        if self.memory is None:
            return
        try:
            reviewed = self.memory.reviewed_keys()
        except Exception:  # a busy or broken store must not break the screen
            return
        for name in PANES:
            self.pane(name).reviewed = set(reviewed)

    def refresh_chrome(self) -> None:
        palette = Colours.from_app(self.app)
        wf = self.pane("workflows").items.values()
        by: dict[str, int] = {}
        for p in wf:
            by[p.severity] = by.get(p.severity, 0) + 1
        reqs = self.pane("requests").items.values()
        metrics = self.pane("quality").items.values()
        self.query_one(Pulse).show(
            palette,
            self.active,
            by,
            (len(reqs), sum(1 for r in reqs if r.overdue)),
            (sum(1 for m in metrics if m.severity == "critical"), sum(1 for m in metrics if m.severity == "warning")),
            frozenset(name for name in PANES if self.pane(name).unknown_sources()),
        )
        cockpit = self.cockpit
        self.query_one(StatusBar).show(palette, cockpit.statuses, cockpit.summary(), cockpit.read_only)
        own = [b for b in [*self.BINDINGS, *self.app.BINDINGS] if isinstance(b, Binding)]
        self.query_one(KeyHints).show(own, self.keymap)  # it picks those that fit, by priority

    # -- actions on the selected item -----------------------------------------------------------
    def action_activate(self) -> None:
        self._workflow_action("activate")

    def action_deactivate(self) -> None:
        self._workflow_action("deactivate")

    def _workflow_action(self, action: str) -> None:
        item = self.pane("workflows").selected()
        if not isinstance(item, WorkflowProblem):
            self.notify(f"Select a workflow to {action} first: press 1, then j/k", severity="warning")
            return
        refusal = words.workflow_refusal(item, action)
        if refusal:
            self.notify(refusal, severity="warning")
            return
        title, body = words.workflow_confirmation(item, action)
        if action == "activate" and why_keys.can_diagnose(self, item) and not self.cockpit.is_read_only(item.source):
            why_keys.confirm_activation(self, item, title, body)  # who it reaches, and the audience guard
            return
        self._confirm("workflows", item, action, title, body)

    def action_why(self) -> None:
        """`w`: why won't the selected campaign or flow send? (screens/why.py)"""
        why_keys.open_why(self)

    def run_confirmed(self, pane: str, item: Any, action: str) -> None:
        """Run an action the user confirmed on a screen of its own (the guarded activation)."""
        self._perform(pane, item, action, {})

    def _selected_request(self, verb: str) -> Request | None:
        item = self.pane("requests").selected()
        if not isinstance(item, Request):
            self.notify(f"Select a request to {verb} first: press 2, then j/k", severity="warning")
            return None
        return item

    def action_take(self) -> None:
        item = self._selected_request("take")
        if item is None:
            return
        if "take" not in item.actions:
            self.notify(f"{item.id} is already yours", severity="information")
            return
        self._confirm("requests", item, "take", "Take this request?", words.take_body(item))

    def action_done(self) -> None:
        item = self._selected_request("mark done")
        if item is None:
            return
        self._confirm("requests", item, "done", "Mark done?", words.done_body(item))

    def action_decline(self) -> None:
        item = self._selected_request("decline")
        if item is None:
            return
        from mopstui.tui.screens.decline import DeclineScreen

        if self._refuse_if_read_only("requests", item, "decline"):
            return
        filled = {
            rid: fill_reply(text, item.requester, item.title).strip()
            for rid, text in replies_for(self.config.replies).items()
        }
        send_key = self.keymap.get("decline_send", "ctrl+s")
        self.app.push_screen(
            DeclineScreen(f"{item.id}", filled, suggest_reply(item.title, filled), send_key),
            lambda choice: self._reply_chosen(item, choice, filled, send_key),
        )

    def _reply_chosen(
        self, item: Request, choice: DeclineChoice | None, filled: Mapping[str, str], send_key: str
    ) -> None:
        """Post the picked reply as shown, or open it in the editor first (ctrl+s there declines)."""
        if choice is None:
            return
        from mopstui.tui.screens.reply_editor import ReplyEditorScreen

        canned = filled[choice.reply_id]

        def written(text: str | None) -> None:
            if text is None:
                self.notify(f"Cancelled: nothing was changed on {item.source}", severity="information")
                return
            edited = "yes" if text != canned else "no"  # the audit log tells a rewrite from the canned text
            self._perform(
                "requests", item, "decline", {"reply": text, "reply_id": choice.reply_id, "reply_edited": edited}
            )

        if not choice.edit:
            written(canned)
            return
        self.app.push_screen(ReplyEditorScreen(item, title_for(choice.reply_id), canned, send_key), written)

    def _refuse_if_read_only(self, pane: str, item: Any, action: str) -> bool:
        if not self.cockpit.is_read_only(item.source):
            return False
        self._perform(pane, item, action, {})  # the service refuses it, and audits the refusal
        return True

    def _confirm(
        self, pane: str, item: Any, action: str, title: str, body: str, params: dict[str, str] | None = None
    ) -> None:
        if self._refuse_if_read_only(pane, item, action):
            return

        from mopstui.tui.screens.confirm import ConfirmScreen

        def answered(ok: bool | None) -> None:
            if ok:
                self._perform(pane, item, action, params or {})
            else:
                self.notify(f"Cancelled: nothing was changed on {item.source}", severity="information")

        self.app.push_screen(ConfirmScreen(title, body), answered)

    @work(group="actions")
    async def _perform(self, pane_name: str, item: Any, action: str, params: dict[str, str]) -> None:
        """Run the action while its row shows … ; the service re-fetches the source on success."""
        pane = self.pane(pane_name)
        pane.pending.add(item.key)
        pane.rebuild()
        try:
            outcome = await self.cockpit.perform(item.source, action, item.id, params, record=False)
        finally:
            pane.pending.discard(item.key)
        self.post_message(ActionFinished(item.source, action, outcome))

    @on(ActionFinished)
    def _action_finished(self, event: ActionFinished) -> None:
        message, title, severity, timeout = words.outcome_notice(event.outcome, event.action, event.source)
        self.notify(message, title=title, severity=severity, timeout=timeout)  # type: ignore[arg-type]
        self.show_results()

    def action_scope(self) -> None:
        """`f`: the Requests pane shows all, the unassigned or my requests (kept for the session)."""
        pane = self.pane("requests")
        if not isinstance(pane, RequestsPane):
            return
        if self.active != "requests":
            self.action_show_pane("requests")  # the list that changes is in view
        pane.cycle_scope()  # the pane's title names the scope

    def action_review(self) -> None:
        """Mark the selected item reviewed for today (it hides the • new marker) and move to the next
        item, so triage is one key per item; on a reviewed item it un-marks it and stays."""
        item = self.active_pane.selected()
        if item is None:
            return
        if self.memory is None:
            self.notify("No state store: reviewed marks cannot be kept", severity="warning")
            return
        key = item.key
        try:
            if self.memory.is_reviewed(key):
                self.memory.unmark_reviewed(key)
                message, following = "Marked not reviewed", None
            else:
                self.memory.mark_reviewed(key)
                message, following = "Marked reviewed for today", self._next_item_key()
        except Exception as exc:
            self.notify(f"State store: {exc}", severity="error")
            return
        self.sync_reviewed()
        self.active_pane.rebuild()
        if following is not None:
            self.active_pane.table.move_to(following)
        self.notify(f"{message}: {item_title(item, key)}")

    def _next_item_key(self) -> str | None:
        """The key of the item row below the cursor (notice rows skipped), None at the end."""
        table = self.active_pane.table
        for index in range(table.cursor + 1, len(table.rows)):
            if not table.rows[index].kind:
                return table.rows[index].key
        return None

    # -- looking at the selected item -----------------------------------------------------------
    def action_detail(self) -> None:
        item = self.active_pane.selected()
        if item is None:
            self._source_detail()
            return
        source = drilldown_source(self.cockpit, self.active, item)
        if source is not None:  # a contact export: show the offending rows, not the metric's fields
            from mopstui.tui.screens.drilldown import (
                DrilldownScreen,  # (not needed for the first paint)
            )

            self.app.push_screen(DrilldownScreen(source, item))
            return
        if isinstance(item, WorkflowProblem) and item.problem == "changed":
            from mopstui.tui.screens.diff import DiffScreen, change_of

            self.app.push_screen(DiffScreen(item, change_of(self.memory, item), self.keymap), self._act_from_detail)
            return
        from mopstui.tui.screens.detail import DetailScreen

        detail = DetailScreen(item_title(item), item, DETAIL_ACTIONS[self.active], self.keymap)
        self.app.push_screen(detail, self._act_from_detail)

    def _source_detail(self) -> None:
        """Enter on a source's inline error (or loading line): its whole status, error in full."""
        row = self.active_pane.table.current
        if row is None or not row.key.startswith("notice:"):
            return
        result = self.cockpit.results.get(row.key.removeprefix("notice:"))
        if result is not None:
            from mopstui.tui.screens.detail import DetailScreen

            self.app.push_screen(DetailScreen(f"Source {result.name}", result.status, SOURCE_ACTIONS, self.keymap))

    def _act_from_detail(self, binding_id: str | None) -> None:
        """A key pressed in the detail view: the same action, on the same selected item."""
        if binding_id is not None:
            self.call_later(self.run_action, binding_id)

    def action_export(self) -> None:
        """`e` on a quality metric: write every offending row to a CSV under the exports dir."""
        item = self.active_pane.selected()
        source = drilldown_source(self.cockpit, self.active, item)
        if source is None or not isinstance(item, QualityMetric):
            self.notify("Export works on a data-quality metric of a file source", severity="warning")
            return
        self._export(source, item)

    @work(group="export", exit_on_error=False)
    async def _export(self, source: Source, metric: QualityMetric) -> None:
        self.notify(f"Exporting {metric.label.lower()} from {metric.source}…")
        try:
            from mopstui.tui.screens.drilldown import export_metric

            written, path = await export_metric(source, metric)
        except MopstuiError as exc:
            self.notify(str(exc), title="Export failed", severity="error")
            return
        self.notify(str(path), title=f"Exported {written:,} rows", timeout=15)

    def action_filter(self) -> None:
        self.active_pane.open_filter()

    def action_copy_link(self) -> None:
        item = self.active_pane.selected()
        url = getattr(item, "url", "") if item is not None else ""
        if not url:
            self.notify("Nothing to copy: select an item with a link", severity="warning")
            return
        self.app.copy_to_clipboard(url)
        self.notify(f"Copied {url}", title="Link copied (OSC 52)")
