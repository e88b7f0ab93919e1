"""The command palette (ctrl+p): Textual's own, made safe for keys typed faster than it draws.

A terminal hands over everything typed since the last read at once, so keys reach the palette
before it has drawn or after it has already answered:

- `pageup` / `pagedown` move its command list by the list's height; a list that has its commands
  but has not been laid out yet has no lines to move through, and raises (ctrl+p then PageUp in
  one read). Until the list has a size there is no page to move by, so those keys do nothing.
- A second enter queued behind the one that ran a command would close the palette again (popping
  the cockpit itself) and run the command twice. Once the palette is no longer on top, those
  queued selections are dropped before Textual's handlers see them.
"""

from __future__ import annotations

from textual import on
from textual.command import CommandList, CommandPalette
from textual.message import Message
from textual.widgets import Button, Input, OptionList

_PAGING = {("page_up",), ("page_down",)}


class CockpitPalette(CommandPalette):
    """Textual's command palette: pages only once its list is on screen, answers only once."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command_list" and parameters in _PAGING:
            return bool(self.query_one(CommandList).scrollable_content_region)
        return super().check_action(action, parameters)

    @on(Input.Submitted)
    @on(Button.Pressed)
    @on(OptionList.OptionSelected)
    def _drop_once_answered(self, event: Message) -> None:
        if not self.is_active:
            event.prevent_default()  # Textual's own handlers (the base class) do not run
            event.stop()
