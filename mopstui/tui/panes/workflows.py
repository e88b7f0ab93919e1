"""The Workflows pane: campaigns and flows that are broken or will silently not run."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from rich.text import Text

from mopstui.core.models import SEVERITY_RANK, WorkflowProblem
from mopstui.core.service import SourceResult
from mopstui.tui.format import ago, count_text
from mopstui.tui.panes.base import Pane
from mopstui.tui.widgets.table import Column

PROBLEM_LABEL = {
    "invalid": "invalid",
    "inactive": "inactive",
    "unapproved-asset": "draft asset",
    "failed-run": "failed run",
    "stalled": "stalled",
    "api-limit": "API limit",
    "setup-change": "setup change",
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class WorkflowsPane(Pane):
    title = "Workflows"
    capability = "workflows"
    empty_text = "✓ No failing workflows"

    def columns(self) -> list[Column]:
        fitted = self.fitted
        cols = [
            Column("", 2),
            Column("Workflow", most=fitted("Workflow", lambda w: w.name, 200)),
            Column("Problem", fitted("Problem", lambda w: PROBLEM_LABEL.get(w.problem, w.problem), 14)),
            Column("Since", fitted("Since", lambda w: ago(w.since), 8), "right"),
        ]
        if self.multi_source:
            cols.insert(3, Column("Source", fitted("Source", lambda w: w.source, 12), drop=1))
        return cols

    def collect(self, result: SourceResult) -> Iterable[WorkflowProblem]:
        return result.problems

    def sort_key(self, item: WorkflowProblem) -> tuple[int, int, int, float, str]:
        """Worst first; within a severity, what one key can fix, then what is new, then the latest."""
        since = item.since or _EPOCH
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
        return (
            SEVERITY_RANK.get(item.severity, len(SEVERITY_RANK)),
            0 if item.actions else 1,
            0 if item.key in self.new_keys else 1,
            -since.timestamp(),
            item.name,
        )

    def cells(self, item: WorkflowProblem) -> tuple[Text | str, ...]:
        p = self.palette
        problem = Text(PROBLEM_LABEL.get(item.problem, item.problem), style=p[item.severity] if p else "")
        cells: list[Text | str] = [self.marker(item, item.severity), item.name, problem, ago(item.since)]
        if self.multi_source:
            cells.insert(3, item.source)
        return tuple(cells)

    def counts(self) -> str:
        by = {"critical": 0, "warning": 0, "info": 0}
        for item in self.items.values():
            by[item.severity] = by.get(item.severity, 0) + 1
        unknown = bool(self.unknown_sources())
        return " · ".join(f"{count_text(by[s], unknown)} {s}" for s in ("critical", "warning", "info"))
