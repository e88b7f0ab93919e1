"""The key-hint line under the panes: the morning's keys as currently bound, ending in `? more`.

Not Textual's Footer: at 80 columns its docked `^p` overdraws the last keys mid-word.

The line picks the keys that fit by a priority order (the morning's `a t x m r s q` first) and
always keeps `? more` (help lists every key) at its end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Resize

from mopstui.tui.colours import rich_colour
from mopstui.tui.format import key_label
from mopstui.tui.widgets.oneline import OneLine

#: Shorter still for the one-line hint bar.
GLYPHS = {"enter": "⏎", "ctrl+p": "^p", "space": "␣"}

#: Binding ids in the order they earn a place when the line is narrow; ids not named come last.
PRIORITY = ("activate", "take", "decline", "done", "refresh", "since", "quit", "detail", "filter", "scope", "review")

#: Shorter words than the binding's description, where that one is long for a hint.
SHORT = {"since": "Since"}

HELP_ID = "help"
_GAP = "  "


def _key(binding: Binding, keymap: Mapping[str, str]) -> str:
    first = keymap.get(binding.id or "", binding.key).split(",")[0].strip()
    return GLYPHS.get(first) or key_label(first)


def _rank(binding: Binding) -> int:
    return PRIORITY.index(binding.id) if binding.id in PRIORITY else len(PRIORITY)


def hint_text(
    bindings: Iterable[Binding],
    keymap: Mapping[str, str],
    width: int = 10_000,
    key_style: str | Style = "bold",
) -> Text:
    """`a Activate  t Take  ...  ? more`: the shown bindings that fit `width` cells, by PRIORITY."""
    shown = [b for b in bindings if b.show]
    help_key = next((_key(b, keymap) for b in shown if b.id == HELP_ID), "?")
    others = sorted((b for b in shown if b.id != HELP_ID), key=_rank)  # stable: ties keep their order
    hints = [(_key(b, keymap), SHORT.get(b.id or "", b.description)) for b in others]
    hints.append(("^p", "palette"))
    room = width - len(f"{help_key} more")
    chosen: list[tuple[str, str]] = []
    for key, words in hints:
        cost = len(f"{key} {words}{_GAP}")
        if cost > room:
            break  # a lower key never takes the place of a higher one that did not fit
        room -= cost
        chosen.append((key, words))
    text = Text(no_wrap=True, overflow="ellipsis")
    for key, words in chosen:
        text.append(key, style=key_style)
        text.append(f" {words}{_GAP}")
    text.append(help_key, style=key_style)
    text.append(" more")
    return text


class KeyHints(OneLine):
    """One line of hints; the main screen hands it the bindings and the applied [keys] remaps."""

    _hint_bindings: tuple[Binding, ...] = ()
    _hint_keymap: Mapping[str, str] = {}

    def show(self, bindings: Iterable[Binding], keymap: Mapping[str, str]) -> None:
        self._hint_bindings = tuple(bindings)
        self._hint_keymap = keymap
        self._draw(self.content_region.width or self.app.size.width - 2)

    def on_resize(self, event: Resize) -> None:
        self._draw(self.content_region.width or event.size.width)

    def _draw(self, width: int) -> None:
        # The theme's accent in Textual's colour words (`ansi_yellow` in mops-ansi): Rich needs its own.
        accent = rich_colour(self.app.theme_variables.get("accent"))
        text = hint_text(self._hint_bindings, self._hint_keymap, width, key_style=Style(bold=True, color=accent))
        self.set_text(text)
