"""Detail view of one item: every field as a person reads it, its deep link and the keys that act on it
(they work here as on the cockpit)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
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
from mopstui.tui.item_views import ITEM_KEYS, key_hints
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
        unit = "%" if getattr(item, "total", None) else ""  # without a total, thresholds are counts
        critical = (
            f"critical ≥ {thresholds.critical:g}{unit}" if math.isfinite(thresholds.critical) else "never critical"
        )
        table.add_row("thresholds", f"warning ≥ {thresholds.warning:g}{unit}, {critical}")
    return table


class DetailScreen(Dialog[str | None]):
    """`actions` are the item's keys as (binding id, words): they work here too (the screen closes
    and answers the id, which the cockpit runs) and the hint names them as [keys] remapped them."""

    BINDINGS = [
        Binding("escape,q,enter", "close", "Close", id="detail_close"),
        # The cockpit's ids: one [keys] remap moves the key on the cockpit and here alike.
        *(Binding(key, f"act('{bid}')", words, show=False, id=bid) for key, bid, words in ITEM_KEYS),
    ]

    def __init__(
        self,
        title: str,
        item: Any,
        actions: Sequence[tuple[str, str]] = (),
        keymap: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.item = item
        self.actions = tuple(actions)
        self.keymap = keymap or {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail", classes="dialog"):
            yield Static(Text(visible(self.title_text)), classes="dialog-title")
            yield Static(describe(self.item))
            yield Static(Text(self.hint), classes="dialog-hint")

    @property
    def hint(self) -> str:
        """`a activate · y copy link · escape close`: the keys in effect here (app keys such as r too)."""
        bindings = [*self.BINDINGS, *self.app.BINDINGS]
        return key_hints([*self.actions, ("detail_close", "close")], bindings, self.keymap)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "act" or any(parameters[0] == binding_id for binding_id, _ in self.actions)

    def action_act(self, binding_id: str) -> None:
        self.dismiss(binding_id)

    def action_close(self) -> None:
        self.dismiss(None)
