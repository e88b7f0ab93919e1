"""Dialog: the base of the cockpit's modal boxes (confirm, decline, detail, help, since, sources).

A box in the middle of the screen with a bold title, a body, a muted hint and right-aligned
buttons (classes `dialog`, `dialog-title`, `dialog-body`, `dialog-hint`, `dialog-buttons`;
`dialog-scroll` for a body that scrolls while title and buttons stay). The
styles are this class's DEFAULT_CSS, as Textual's own widgets carry theirs (scoped to dialogs;
app.tcss may override them); each dialog adds only its own sizes in its DEFAULT_CSS.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    .dialog {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 1 2;
    }
    .dialog-title {
        text-style: bold;
        margin-bottom: 1;
    }
    .dialog-body {
        margin-bottom: 1;
    }
    .dialog-hint {
        color: $text-muted;
        margin-top: 1;
    }
    .dialog-docked > .dialog-title {
        dock: top;
    }
    .dialog-docked > .dialog-buttons {
        dock: bottom;
    }
    .dialog-buttons {
        height: auto;
        align-horizontal: right;
    }
    .dialog-buttons Button {
        margin-left: 2;
    }
    """

    #: An action's box (confirm, decline) clears the toasts of the actions before it: the user has
    #: moved on, and at 80x24 they would cover its text and its keys.
    CLEARS_TOASTS: ClassVar[bool] = False

    def on_mount(self) -> None:
        if self.CLEARS_TOASTS:
            self.app.clear_notifications()

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        """Answer once. A second answer queued before the first was handled (two enters in one
        read, a double click) would pop the screen above this one, or the cockpit itself."""
        if not self.is_active:
            return AwaitComplete.nothing()  # type: ignore[no-untyped-call,no-any-return]
        return super().dismiss(result)
