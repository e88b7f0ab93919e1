"""The Requests pane: the queue of asks, overdue and most urgent first, who asked and whose it is.

`f` narrows it to a scope (all, unassigned, mine), kept for the session and named in the title.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from rich.style import Style
from rich.text import Text

from mopstui.core.models import PRIORITY_RANK, Request
from mopstui.core.service import SourceResult
from mopstui.tui.format import count_text, due_text
from mopstui.tui.panes.base import Pane
from mopstui.tui.widgets.table import Column

Scope = Literal["all", "unassigned", "mine"]
SCOPES: tuple[Scope, ...] = ("all", "unassigned", "mine")
_EMPTY_IN_SCOPE = {"unassigned": "✓ Every request has an owner", "mine": "Nothing is yours: t takes a request"}


def is_mine(item: Request) -> bool:
    """Assigned, and to the user: the source offers no `take` for it (Jira's myself, the demo's you)."""
    return item.assignee is not None and "take" not in item.actions


def owner_text(item: Request) -> str:
    return "you" if is_mine(item) else (item.assignee or "—")


def in_scope(item: Request, scope: Scope) -> bool:
    if scope == "unassigned":
        return item.assignee is None
    if scope == "mine":
        return is_mine(item)
    return True


class RequestsPane(Pane):
    title = "Requests"
    capability = "requests"
    empty_text = "✓ The queue is empty"

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.scope: Scope = "all"

    def columns(self) -> list[Column]:
        fitted = self.fitted
        cols = [
            Column("", 2),
            Column("Key", fitted("Key", lambda r: r.id, 12)),
            Column("Request", least=22, most=fitted("Request", lambda r: r.title, 200)),
            Column("Requester", drop=3, least=12, most=fitted("Requester", lambda r: r.requester, 40)),
            Column("Priority", fitted("Priority", lambda r: r.priority, 8), drop=1),
            Column("Due", fitted("Due", lambda r: due_text(r.due, r.overdue), 9)),
            Column("Owner", fitted("Owner", owner_text, 14), drop=2),
        ]
        if self.multi_source:
            cols.insert(6, Column("Source", fitted("Source", lambda r: r.source, 12), drop=4))
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

    def order(self) -> list[str]:
        """The requests in the scope, most urgent first."""
        keys = super().order()
        if self.scope == "all":
            return keys
        items, scope = self.items, self.scope
        return [key for key in keys if in_scope(items[key], scope)]

    def cycle_scope(self) -> Scope:
        """All, unassigned, mine, all again: the list, title and counts follow."""
        self.scope = SCOPES[(SCOPES.index(self.scope) + 1) % len(SCOPES)]
        self.border_title = self.title if self.scope == "all" else f"{self.title} · {self.scope}"
        self._order = self.order()
        self.rebuild()
        self.border_subtitle = self.counts()
        return self.scope

    def empty_message(self) -> str:
        return _EMPTY_IN_SCOPE.get(self.scope, self.empty_text)

    def cells(self, item: Request) -> tuple[Text | str, ...]:
        p = self.palette
        severity = "critical" if item.overdue else ("warning" if item.priority in ("Highest", "High") else "info")
        marker = self.marker(item, "critical" if item.overdue else "", glyph="!" if item.overdue else " ")
        priority = Text(item.priority, style=p[severity] if p and item.priority in ("Highest", "High") else "")
        due = Text(due_text(item.due, item.overdue), style=p["critical"] if p and item.overdue else "")
        # Taken: the row says so at once (bold "you"), whatever the width.
        owner = Text(owner_text(item), style=Style(bold=True) if is_mine(item) else "")
        cells: list[Text | str] = [marker, item.id, item.title, item.requester, priority, due, owner]
        if self.multi_source:
            cells.insert(6, item.source)
        return tuple(cells)

    def search_text(self, item: Request) -> str:
        """The row's visible words without building Rich cells (100,000 of these must stay cheap)."""
        words = [
            item.id,
            item.title,
            item.requester,
            item.priority,
            due_text(item.due, item.overdue),
            owner_text(item),
        ]
        if self.multi_source:
            words.append(item.source)
        return " ".join(words)

    def counts(self) -> str:
        overdue = sum(1 for r in self.items.values() if r.overdue)
        unknown = bool(self.unknown_sources())
        shown = "" if self.scope == "all" else f"{len(self._order)} {self.scope} · "
        return f"{shown}{count_text(len(self.items), unknown)} open · {count_text(overdue, unknown)} overdue"
