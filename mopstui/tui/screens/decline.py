"""Pick a canned, polite reply to decline a request with."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from mopstui.core.replies import title_for
from mopstui.core.safe_text import visible
from mopstui.tui.screens.dialog import Dialog


class DeclineScreen(Dialog[str | None]):
    """Returns the chosen reply id, or None when cancelled."""

    DEFAULT_CSS = """
    #replies { height: auto; max-height: 8; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="decline_cancel")]

    def __init__(self, request_label: str, replies: Mapping[str, str], suggested: str | None = None) -> None:
        super().__init__()
        self.request_label = request_label
        self.replies = dict(replies)
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical(id="decline", classes="dialog"):
            yield Static(
                Text(f"Decline {visible(self.request_label)}: pick a reply (enter), escape to cancel"),
                classes="dialog-title",
            )
            yield OptionList(
                *(Option(Text(title_for(reply_id)), id=reply_id) for reply_id in self.replies), id="replies"
            )
            yield Static("", id="reply-preview", classes="dialog-body")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = list(self.replies)
        options.highlighted = ids.index(self.suggested) if self.suggested in ids else 0
        options.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#reply-preview", Static).update(Text(self.replies.get(event.option.id or "", "")))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
