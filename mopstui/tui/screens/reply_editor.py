"""The decline editor: the chosen reply, filled in for this request, to edit before it is posted.

`ctrl+s` posts it and declines the request (this box names both, so it is the confirmation);
escape cancels and nothing is sent. Returns the final text, or None when cancelled.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from mopstui.core.models import Request
from mopstui.core.replies import requester_name
from mopstui.core.safe_text import visible
from mopstui.tui.screens.dialog import Dialog


class ReplyEditorScreen(Dialog[str | None]):
    CLEARS_TOASTS = True

    DEFAULT_CSS = """
    #reply-editor { height: 90%; max-height: 26; }
    #reply-editor > .dialog-title { dock: top; }
    #reply-editor > .dialog-hint { dock: bottom; }
    #reply-text { height: 1fr; min-height: 3; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the text area has the focus and would take the keys first
        Binding("ctrl+s", "send", "Post the reply and decline", id="decline_send", priority=True),
        Binding("escape", "cancel", "Cancel", id="decline_cancel"),
    ]

    def __init__(self, request: Request, reply_title: str, text: str, send_key: str = "ctrl+s") -> None:
        """send_key: the key decline_send is bound to now (a [keys] remap shows in the hint)."""
        super().__init__()
        self.request = request
        self.reply_title = reply_title
        self.text = text
        self.send_key = send_key.split(",")[0].strip()

    def compose(self) -> ComposeResult:
        item = self.request
        with Vertical(id="reply-editor", classes="dialog"):
            yield Static(Text(visible(f"Decline {item.id} “{item.title}” on '{item.source}'")), classes="dialog-title")
            yield Static(
                Text(
                    visible(
                        f"Reply “{self.reply_title}” to {requester_name(item.requester)}, "
                        "then the request closes as declined. Edit it as you like:"
                    )
                ),
                classes="dialog-body",
            )
            yield TextArea(self.text, id="reply-text", soft_wrap=True, show_line_numbers=False)
            yield Static(
                Text(f"{self.send_key} posts it · escape cancels, nothing is sent"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        area = self.query_one("#reply-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_send(self) -> None:
        text = self.query_one("#reply-text", TextArea).text.strip()
        if not text:
            self.notify("The reply is empty: write a few words, or escape to cancel", severity="warning")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
