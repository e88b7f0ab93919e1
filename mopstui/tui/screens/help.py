"""Help: every key, as currently bound (after any [keys] remapping)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mopstui.tui.screens.dialog import Dialog


class HelpScreen(Dialog[None]):
    DEFAULT_CSS = """
    #help { width: 90; }
    """
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help_close")]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        """rows: (keys, description, binding id)."""
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_column(style="dim")
        for keys, description, binding_id in self.rows:
            table.add_row(keys, description, binding_id)
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(
                Text("Keys  (escape to close; remap any id in the [keys] config table)"), classes="dialog-title"
            )
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
