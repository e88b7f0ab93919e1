"""Pick a canned, polite reply to decline a request with.

The replies come filled in for this request, and the preview shows the highlighted one as it would
be posted: `ctrl+s` (binding `decline_send`, as in the editor) posts it as it is, after reading it
here (so this box is the confirmation); `enter` opens it in the editor first. Returns the choice,
or None when cancelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from mopstui.core.replies import title_for
from mopstui.core.safe_text import visible
from mopstui.tui.screens.dialog import Dialog


@dataclass(frozen=True)
class DeclineChoice:
    reply_id: str
    #: True: open it in the editor first; False: post it as it is.
    edit: bool


class DeclineScreen(Dialog[DeclineChoice | None]):
    CLEARS_TOASTS = True

    DEFAULT_CSS = """
    #replies { height: auto; max-height: 8; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="decline_cancel"),
        Binding("ctrl+s", "send", "Post the reply as it is and decline", id="decline_send", priority=True),
    ]

    def __init__(
        self, request_label: str, replies: Mapping[str, str], suggested: str | None = None, send_key: str = "ctrl+s"
    ) -> None:
        """replies: id -> the text as it would be posted (filled in for this request)."""
        super().__init__()
        self.request_label = request_label
        self.replies = dict(replies)
        self.suggested = suggested
        self.send_key = send_key.split(",")[0].strip()

    def compose(self) -> ComposeResult:
        with Vertical(id="decline", classes="dialog"):
            yield Static(Text(f"Decline {visible(self.request_label)}: pick a reply"), classes="dialog-title")
            yield OptionList(
                *(Option(Text(title_for(reply_id)), id=reply_id) for reply_id in self.replies), id="replies"
            )
            yield Static("", id="reply-preview", classes="dialog-body")
            yield Static(
                Text(f"{self.send_key} posts it as shown · enter edits it first · escape cancels"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = list(self.replies)
        options.highlighted = ids.index(self.suggested) if self.suggested in ids else 0
        options.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#reply-preview", Static).update(Text(visible(self.replies.get(event.option.id or "", ""))))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(DeclineChoice(event.option.id, edit=True))

    def action_send(self) -> None:
        option = self.query_one(OptionList).highlighted_option
        if option is not None and option.id is not None:
            self.dismiss(DeclineChoice(option.id, edit=False))

    def action_cancel(self) -> None:
        self.dismiss(None)
