"""The Data quality pane: counts that matter, worst first, with change and a 14-day trend."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from mopstui.core.models import SEVERITY_RANK, QualityMetric
from mopstui.core.service import SourceResult
from mopstui.tui.format import count, count_text, delta, sparkline
from mopstui.tui.panes.base import Pane
from mopstui.tui.widgets.table import Column


class QualityPane(Pane):
    title = "Data quality"
    capability = "quality"
    empty_text = "No data-quality source configured"

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.deltas: dict[str, int | None] = {}
        self.trends: dict[str, list[int]] = {}

    def columns(self) -> list[Column]:
        fitted = self.fitted
        cols = [
            Column("", 2),
            Column("Metric", most=fitted("Metric", lambda m: m.label, 200)),
            Column("Count", fitted("Count", lambda m: count(m.count), 8), "right"),
            Column("%", fitted("100.0", self.percent_text, 6), "right"),
            Column("Δ", fitted("Δ", lambda m: delta(self.deltas.get(m.key)), 6), "right", drop=1),
            Column("14 days", 14, drop=2),
        ]
        if self.multi_source:
            cols.insert(2, Column("Source", fitted("Source", lambda m: m.source, 12), drop=3))
        return cols

    @staticmethod
    def percent_text(item: QualityMetric) -> str:
        return f"{item.percent:.1f}" if item.percent is not None else "—"

    def collect(self, result: SourceResult) -> Iterable[QualityMetric]:
        for metric in result.metrics:
            self.deltas[metric.key] = result.deltas.get(metric.metric, result.deltas.get(metric.key))
            self.trends[metric.key] = list(result.trends.get(metric.metric, result.trends.get(metric.key, [])))
        return result.metrics

    def sort_key(self, item: QualityMetric) -> tuple[int, float, str]:
        return (SEVERITY_RANK.get(item.severity, len(SEVERITY_RANK)), -(item.percent or 0.0), item.label)

    def cells(self, item: QualityMetric) -> tuple[Text | str, ...]:
        p = self.palette
        pct = self.percent_text(item)
        d = self.deltas.get(item.key)
        d_text = Text(delta(d), style=(p["critical"] if d and d > 0 else p["ok"]) if p and d else "")
        cells: list[Text | str] = [
            self.marker(item, item.severity),
            item.label,
            count(item.count),
            pct,
            d_text,
            Text(sparkline(self.trends.get(item.key)), style="dim"),
        ]
        if self.multi_source:
            cells.insert(2, item.source)
        return tuple(cells)

    def counts(self) -> str:
        over = sum(1 for m in self.items.values() if m.severity in ("critical", "warning"))
        return f"{count_text(over, bool(self.unknown_sources()))} over threshold"
