"""Drill-down on a data-quality metric: sample offending rows, `e` exports every one to a CSV.

The source does the work (a file source runs DuckDB in a worker thread); this screen only asks and
shows. Sources without the "drilldown" capability get the plain detail view instead.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from mopstui import paths
from mopstui.core.errors import MopstuiError
from mopstui.core.models import QualityMetric
from mopstui.core.safe_text import visible
from mopstui.core.source import Source

#: Rows a sample shows; enough to see the pattern, few enough for a plain DataTable.
SAMPLE_ROWS = 50


async def export_metric(source: Source, metric: QualityMetric) -> tuple[int, Path]:
    """Export every offending row of `metric` to a new CSV under the exports dir; (rows, path)."""
    path = paths.export_path(metric.source, metric.metric)
    written = await source.export_rows(metric.metric, path)
    return written, path


class DrilldownScreen(ModalScreen[None]):
    """Sample rows behind one quality metric."""

    DEFAULT_CSS = """
    DrilldownScreen { align: center middle; }
    DrilldownScreen #drilldown { width: 96%; height: 90%; border: thick $accent; background: $surface; padding: 0 1; }
    DrilldownScreen .drilldown-title { text-style: bold; }
    DrilldownScreen .drilldown-status { color: $text-muted; height: auto; }
    DrilldownScreen DataTable { height: 1fr; }
    """

    BINDINGS = [
        Binding("e", "export", "Export all rows", id="drilldown_export"),
        Binding("escape,q", "close", "Close", id="drilldown_close"),
    ]

    def __init__(self, source: Source, metric: QualityMetric) -> None:
        super().__init__()
        self.source = source
        self.metric = metric
        #: Where the last export went (tests and the status line read it).
        self.exported: Path | None = None

    def compose(self) -> ComposeResult:
        m = self.metric
        pct = f" ({m.percent:.1f}%)" if m.percent is not None else ""
        with Vertical(id="drilldown"):
            yield Static(Text(visible(f"{m.label} · {m.source}: {m.count:,} rows{pct}")), classes="drilldown-title")
            yield Static("loading sample rows…", id="drilldown-status", classes="drilldown-status")
            yield DataTable(id="drilldown-rows", zebra_stripes=True, cursor_type="row")
            yield Static("e export every row to CSV · escape close", classes="drilldown-status")

    def on_mount(self) -> None:
        self.load_sample()

    @work(exclusive=True, group="drilldown-sample", exit_on_error=False)
    async def load_sample(self) -> None:
        status = self.query_one("#drilldown-status", Static)
        try:
            columns, rows = await self.source.sample_rows(self.metric.metric, SAMPLE_ROWS)
        except MopstuiError as exc:
            status.update(Text(visible(f"✖ {exc}")))
            return
        table = self.query_one(DataTable)
        table.add_columns(*(Text(visible(str(name))) for name in columns))
        # Cells are the file's own text: show brackets as they are, never as markup nor controls.
        table.add_rows([[Text(visible(str(cell))) for cell in row] for row in rows])
        shown = f"first {len(rows)} of {self.metric.count:,}" if len(rows) < self.metric.count else f"all {len(rows)}"
        note = "; `row` is the data row in the file (1 = first after the header)" if "row" in columns else ""
        status.update(f"{shown} offending rows{note}")
        table.focus()

    def action_export(self) -> None:
        self.run_export()

    @work(exclusive=True, group="drilldown-export", exit_on_error=False)
    async def run_export(self) -> None:
        status = self.query_one("#drilldown-status", Static)
        status.update("exporting every offending row…")
        try:
            written, path = await export_metric(self.source, self.metric)
        except MopstuiError as exc:
            status.update(Text(visible(f"✖ export failed: {exc}")))
            self.notify(str(exc), title="Export failed", severity="error")
            return
        self.exported = path
        status.update(Text(visible(f"exported {written:,} rows to {path}")))
        self.notify(str(path), title=f"Exported {written:,} rows")

    def action_close(self) -> None:
        self.dismiss(None)
