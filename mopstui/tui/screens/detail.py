"""Detail view of one item: every field as a person reads it, its deep link and the keys that act on it."""

from __future__ import annotations

from collections.abc import Mapping
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
from mopstui.tui.item_views import key_hints
from mopstui.tui.screens.dialog import Dialog

HIDDEN = {"thresholds"}

#: What a source's capability names mean to the person reading its detail.
CAPABILITY_WORDS = {
    "workflows": "workflow checks",
    "requests": "request queue",
    "quality": "data quality",
    "actions": "actions",
    "drilldown": "drill-down to rows",
}


def readable(value: object) -> str:
    """A field's value in words: yes/no, a local time with how long ago, lists joined; never a repr."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return f"{value.astimezone().strftime('%Y-%m-%d %H:%M')} ({ago(value)})"
    if isinstance(value, frozenset | set):
        return ", ".join(sorted(CAPABILITY_WORDS.get(str(v), str(v)) for v in value)) or "—"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, int):
        return f"{value:,}"
    if value is None or value == "":
        return "—"
    return str(value)


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
        shown = readable(getattr(item, f.name))
        # platform text: never terminal controls
        table.add_row(f.name.replace("_", " "), Text(visible(shown, keep_newlines=True)))
    thresholds = getattr(item, "thresholds", None)
    if thresholds is not None:
        table.add_row("thresholds", f"warning ≥ {thresholds.warning:g}%, critical ≥ {thresholds.critical:g}%")
    return table


class DetailScreen(Dialog[None]):
    """`hint` names the item's keys (see item_views.key_hints); `keymap` is the applied [keys]
    remapping, so the close key shown is the one that closes it."""

    BINDINGS = [Binding("escape,q,enter", "close", "Close", id="detail_close")]

    def __init__(self, title: str, item: Any, hint: str = "", keymap: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.item = item
        self.hint = hint
        self.keymap = keymap or {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail", classes="dialog"):
            yield Static(Text(visible(self.title_text)), classes="dialog-title")
            yield Static(describe(self.item))
            close = key_hints((("detail_close", "close"),), self.BINDINGS, self.keymap)
            yield Static(Text(" · ".join(h for h in (self.hint, close) if h)), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
