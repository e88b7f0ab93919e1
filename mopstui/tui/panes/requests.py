"""The Requests pane: the queue of asks, overdue and most urgent first."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from mopstui.core.models import PRIORITY_RANK, Request
from mopstui.core.service import SourceResult
from mopstui.tui.format import count_text, due_text
from mopstui.tui.panes.base import Pane
from mopstui.tui.widgets.table import Column


class RequestsPane(Pane):
    title = "Requests"
    capability = "requests"
    empty_text = "✓ The queue is empty"

    def columns(self) -> list[Column]:
        cols = [
            Column("", 2),
            Column("Key", 9),
            Column("Request"),
            Column("Requester", 14, drop=2),
            Column("Priority", 8, drop=1),
            Column("Due", 9),
            Column("Owner", 7, drop=3),
        ]
        if self.multi_source:
            cols.insert(6, Column("Source", 10, drop=4))
        return cols

    def collect(self, result: SourceResult) -> Iterable[Request]:
        return result.requests

    def sort_key(self, item: Request) -> tuple[int, int, int, float]:
        return (
            0 if item.overdue else 1,
            PRIORITY_RANK.get(item.priority, 5),
            0 if item.key in self.new_keys else 1,
            item.created.timestamp(),
        )

    def cells(self, item: Request) -> tuple[Text | str, ...]:
        p = self.palette
        severity = "critical" if item.overdue else ("warning" if item.priority in ("Highest", "High") else "info")
        marker = self.marker(item, "critical" if item.overdue else "", glyph="!" if item.overdue else " ")
        priority = Text(item.priority, style=p[severity] if p and item.priority in ("Highest", "High") else "")
        due = Text(due_text(item.due, item.overdue), style=p["critical"] if p and item.overdue else "")
        requester = item.requester.split(" (")[0]
        cells: list[Text | str] = [marker, item.id, item.title, requester, priority, due, item.assignee or "—"]
        if self.multi_source:
            cells.insert(6, item.source)
        return tuple(cells)

    def search_text(self, item: Request) -> str:
        """The row's visible words without building Rich cells (100,000 of these must stay cheap)."""
        words = [
            item.id,
            item.title,
            item.requester.split(" (")[0],
            item.priority,
            due_text(item.due, item.overdue),
            item.assignee or "—",
        ]
        if self.multi_source:
            words.append(item.source)
        return " ".join(words)

    def counts(self) -> str:
        overdue = sum(1 for r in self.items.values() if r.overdue)
        unknown = bool(self.unknown_sources())
        return f"{count_text(len(self.items), unknown)} open · {count_text(overdue, unknown)} overdue"
