"""The diff of a `changed` problem: the workflow's definition before and now, side by side, by line.

Lines only in the old definition are marked `-` (critical colour), only in the new `+` (ok colour),
changed ones `~` (warning colour). `space` marks the problem reviewed as on the cockpit, `y` copies
its link; both close the view and run on the cockpit's selected item, as the detail view's keys do.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mopstui.core.drift import Change, lines, side_by_side
from mopstui.core.memory import Memory
from mopstui.core.models import WorkflowProblem
from mopstui.core.safe_text import visible
from mopstui.core.store import StoreError
from mopstui.tui.colours import Colours
from mopstui.tui.format import ago
from mopstui.tui.item_views import key_hints
from mopstui.tui.screens.dialog import Dialog

ACTIONS = (("review", "reviewed"), ("copy_link", "copy link"))
_MARK_STYLES = {"-": ("critical", ""), "+": ("", "ok"), "~": ("warning", "warning")}


def change_of(memory: Memory | None, problem: WorkflowProblem) -> Change | None:
    """The kept change behind a `changed` problem; None without memory or when it cannot be read."""
    if memory is None:
        return None
    try:
        return memory.definition_change(problem.source, problem.id)
    except (StoreError, sqlite3.Error):  # a store in trouble: the view says the old one is not kept
        return None


class DiffScreen(Dialog[str | None]):
    """Old and new definition of the problem's workflow (`change` None: the old one is not kept)."""

    DEFAULT_CSS = """
    DiffScreen .dialog {
        width: 130;
    }
    """
    BINDINGS = [
        Binding("escape,q,enter", "close", "Close", id="detail_close"),
        Binding("space", "act('review')", "Reviewed", show=False, id="review"),
        Binding("y", "act('copy_link')", "Copy link", show=False, id="copy_link"),
    ]

    def __init__(
        self, problem: WorkflowProblem, change: Change | None, keymap: Mapping[str, str] | None = None
    ) -> None:
        super().__init__()
        self.problem = problem
        self.change = change
        self.keymap = keymap or {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="diff", classes="dialog"):
            yield Static(Text(visible(f"What changed in {self.problem.name}")), classes="dialog-title")
            yield Static(Text(visible(self.summary, keep_newlines=True)), classes="dialog-body")
            if self.change is not None:
                yield Static(self.table(), id="diff-lines")
            yield Static(Text(self.hint), classes="dialog-hint")

    @property
    def summary(self) -> str:
        if self.change is None:
            return f"{self.problem.detail}\nThe earlier definition is not kept any more: nothing to compare."
        when = self.change.changed_at.astimezone().strftime("%Y-%m-%d %H:%M")
        return f"{self.problem.detail}\nSeen {when} ({ago(self.change.changed_at)}), {self.problem.severity}."

    def table(self) -> Table:
        assert self.change is not None
        colours = Colours.from_app(self.app)
        table = Table(expand=True, show_lines=False, pad_edge=False, box=None, padding=(0, 1))
        table.add_column("", width=1, no_wrap=True)
        table.add_column("before", ratio=1, overflow="fold")
        table.add_column("now", ratio=1, overflow="fold")
        for old, new, mark in side_by_side(lines(self.change.before), lines(self.change.after)):
            left, right = _MARK_STYLES.get(mark, ("", ""))
            table.add_row(
                Text(mark.strip(), style=colours[left or right] if mark.strip() else ""),
                Text(visible(old), style=colours[left] if left else ""),
                Text(visible(new), style=colours[right] if right else ""),
            )
        return table

    @property
    def hint(self) -> str:
        bindings = [*self.BINDINGS, *self.app.BINDINGS]
        return key_hints([*ACTIONS, ("detail_close", "close")], bindings, self.keymap)

    def action_act(self, binding_id: str) -> None:
        self.dismiss(binding_id)

    def action_close(self) -> None:
        self.dismiss(None)
