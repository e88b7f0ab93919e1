"""Keys that look at the selected item without changing it: detail, drill-down, export, filter, copy.

Mixed into the main screen, which provides `active`, `active_pane`, `app` and `notify`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

from mopstui.core.errors import MopstuiError
from mopstui.core.models import QualityMetric
from mopstui.core.source import Source

if TYPE_CHECKING:
    from mopstui.tui.app import MopsApp
    from mopstui.tui.panes.base import Pane


class ItemViewsMixin:
    if TYPE_CHECKING:  # provided by the screen this is mixed into
        app: MopsApp
        active: str

        @property
        def active_pane(self) -> Pane: ...

        def notify(self, message: str, **kw: Any) -> None: ...

    def action_detail(self) -> None:
        item = self.active_pane.selected()
        if item is None:
            self._source_detail()
            return
        source = self._drilldown_source(item)
        if source is not None:  # a contact export: show the offending rows, not the metric's fields
            from mopstui.tui.screens.drilldown import DrilldownScreen  # (not needed for the first paint)

            self.app.push_screen(DrilldownScreen(source, item))
            return
        hint = {
            "workflows": "a activate · d deactivate · y copy link · escape close",
            "requests": "t take · x decline · m done · y copy link · escape close",
            "quality": "escape close",
        }[self.active]
        title = getattr(item, "name", None) or getattr(item, "title", None) or getattr(item, "label", "")
        from mopstui.tui.screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(str(title), item, hint))

    def _drilldown_source(self, item: object) -> Source | None:
        """The source behind a selected quality metric, if it can list the rows behind it."""
        if self.active != "quality" or not isinstance(item, QualityMetric):
            return None
        handle = self.app.cockpit.handles.get(item.source)
        if handle is None or "drilldown" not in handle.source.capabilities:
            return None
        return handle.source

    def action_export(self) -> None:
        """`e` on a quality metric: write every offending row to a CSV under the exports dir."""
        item = self.active_pane.selected()
        source = self._drilldown_source(item)
        if source is None:
            self.notify("Export works on a data-quality metric of a file source", severity="warning")
            return
        self._export(source, item)  # type: ignore[arg-type]

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

    def _source_detail(self) -> None:
        """Enter on a source's inline error (or loading line): its whole status, error in full."""
        row = self.active_pane.table.current
        if row is None or not row.key.startswith("notice:"):
            return
        result = self.app.cockpit.results.get(row.key.removeprefix("notice:"))
        if result is not None:
            from mopstui.tui.screens.detail import DetailScreen

            self.app.push_screen(DetailScreen(f"Source {result.name}", result.status, "r retry · escape close"))

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
