"""Help: every key, as currently bound (after any [keys] remapping), and what the glyphs mean."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from mopstui.tui.format import SEVERITY_GLYPH
from mopstui.tui.screens.dialog import Dialog

#: What each mark in the panes, header and status bar means, in the order a user meets them.
LEGEND: tuple[tuple[str, str], ...] = (
    *((glyph, severity) for severity, glyph in SEVERITY_GLYPH.items()),
    ("!", "overdue"),
    ("•", "new since you last looked"),
    ("…", "action pending"),
    ("?", "count unknown (loading or failed)"),
)


class HelpScreen(Dialog[None]):
    DEFAULT_CSS = """
    #help { width: 90; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help_close"),
        # the list is longer than 24 rows: scroll it with the keys the panes use
        Binding("j,down", "scroll('down')", "Scroll down", id="help_down"),
        Binding("k,up", "scroll('up')", "Scroll up", id="help_up"),
        Binding("pagedown,space", "scroll('page_down')", "Page down", id="help_page_down"),
        Binding("pageup", "scroll('page_up')", "Page up", id="help_page_up"),
        Binding("g,home", "scroll('home')", "Top", id="help_top"),
        Binding("G,end", "scroll('end')", "Bottom", id="help_bottom"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        """rows: (keys, description, binding id)."""
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(
                Text("Keys  (j/k scroll; remap an id in the [keys] config table)"),
                classes="dialog-title",
            )
            yield Static(self._keys_table(), classes="dialog-body")
            yield Static(Text("Marks"), classes="dialog-title")
            yield Static(self._legend_table(), id="legend")

    def _keys_table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_column(style="dim")
        for keys, description, binding_id in self.rows:
            table.add_row(keys, description, binding_id)
        return table

    def _legend_table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for glyph, meaning in LEGEND:
            table.add_row(glyph, meaning)
        return table

    def on_mount(self) -> None:
        self.query_one("#help", VerticalScroll).focus()

    def action_scroll(self, where: str) -> None:
        box = self.query_one("#help", VerticalScroll)
        moves = {
            "down": box.scroll_down,
            "up": box.scroll_up,
            "page_down": box.scroll_page_down,
            "page_up": box.scroll_page_up,
            "home": box.scroll_home,
            "end": box.scroll_end,
        }
        moves[where](animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
