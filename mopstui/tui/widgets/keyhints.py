"""The key-hint line under the panes: the main keys as currently bound, `? Help` first.

Not Textual's Footer: at 80 columns it lists the app's keys (`? Help`) after the screen's and its
docked `^p` key overdraws the last ones mid-word, where this line keeps `? Help` first and ends clean.
`?` lists every key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.style import Style
from rich.text import Text
from textual.binding import Binding

from mopstui.tui.colours import rich_colour
from mopstui.tui.format import key_label
from mopstui.tui.widgets.oneline import OneLine

#: Shorter still for the one-line hint bar.
GLYPHS = {"enter": "⏎", "ctrl+p": "^p", "space": "␣"}


def hint_text(bindings: Iterable[Binding], keymap: Mapping[str, str], key_style: str | Style = "bold") -> Text:
    """`⏎ Detail  / Filter  a Activate ...` for the bindings marked `show`, remaps applied."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for binding in bindings:
        if not binding.show:
            continue
        keys = keymap.get(binding.id or "", binding.key)
        first = keys.split(",")[0].strip()
        text.append(GLYPHS.get(first) or key_label(first), style=key_style)
        text.append(f" {binding.description}  ")
    text.append("^p", style=key_style)
    text.append(" palette")
    return text


class KeyHints(OneLine):
    """One line of hints; the main screen hands it the bindings and the applied [keys] remaps."""

    def show(self, bindings: Iterable[Binding], keymap: Mapping[str, str]) -> None:
        # The theme's accent in Textual's colour words (`ansi_yellow` in mops-ansi): Rich needs its own.
        accent = rich_colour(self.app.theme_variables.get("accent"))
        self.set_text(hint_text(bindings, keymap, key_style=Style(bold=True, color=accent)))
