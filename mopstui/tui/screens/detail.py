"""Detail view of one item: every field, its deep link and the keys that act on it."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import datetime
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mopstui.core.safe_text import visible
from mopstui.tui.format import ago
from mopstui.tui.screens.dialog import Dialog

HIDDEN = {"thresholds"}


def describe(item: Any) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    if not is_dataclass(item):
        table.add_row("item", Text(visible(str(item))))
        return table
    for f in fields(item):
        if f.name in HIDDEN or not f.repr:
            continue
        value = getattr(item, f.name)
        if isinstance(value, datetime):
            shown = f"{value.astimezone().strftime('%Y-%m-%d %H:%M')} ({ago(value)})"
        elif isinstance(value, tuple):
            shown = ", ".join(value) or "—"
        elif value is None or value == "":
            shown = "—"
        else:
            shown = str(value)
        table.add_row(f.name, Text(visible(shown, keep_newlines=True)))  # platform text: never controls
    thresholds = getattr(item, "thresholds", None)
    if thresholds is not None:
        table.add_row("thresholds", f"warning ≥ {thresholds.warning:g}%, critical ≥ {thresholds.critical:g}%")
    return table


class DetailScreen(Dialog[None]):
    BINDINGS = [Binding("escape,q,enter", "close", "Close", id="detail_close")]

    def __init__(self, title: str, item: Any, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.item = item
        self.hint = hint

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail", classes="dialog"):
            yield Static(Text(visible(self.title_text)), classes="dialog-title")
            yield Static(describe(self.item))
            if self.hint:
                yield Static(Text(self.hint), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
