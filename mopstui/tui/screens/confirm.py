"""Confirmation: names the action, the item and the source; `y` confirms, `n` or escape cancels."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from mopstui.core.safe_text import visible
from mopstui.tui.screens.dialog import Dialog


class ConfirmScreen(Dialog[bool]):
    CLEARS_TOASTS = True

    BINDINGS = [
        Binding("y", "confirm", "Yes", id="confirm_yes"),
        Binding("n,escape", "cancel", "No", id="confirm_no"),
    ]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        # The box scrolls its body while title and buttons stay docked: at 60x20 they stay in sight.
        with VerticalScroll(id="dialog", classes="dialog dialog-docked"):
            # Names of campaigns and requests often hold brackets ("[OPS] Routing"): show them as typed.
            # ...and never their terminal controls.
            yield Static(Text(visible(self.title_text)), classes="dialog-title")
            yield Static(Text(visible(self.body, keep_newlines=True)), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Text("y  Yes, do it"), id="yes", variant="warning")
                yield Button(Text("n  No"), id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
