"""OneLine: a one-row Static (pulse header, status bar, key hints) that redraws only itself.

`Static.update` asks for a layout pass, which re-renders every pane on screen; a one-row widget
with a fixed size never needs one. An update with the same text is skipped outright.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from mopstui.core.safe_text import visible


class OneLine(Static):
    DEFAULT_CSS = """
    OneLine {
        width: 1fr;
        height: 1;
    }
    """

    _shown: Text | None = None

    def set_text(self, text: Text) -> None:
        if text == self._shown:
            return
        self._shown = text
        plain = text.plain
        if not plain.isprintable():  # a source's health or name is shown here: no terminal controls
            text = text.copy()
            text.plain = visible(plain)
        self.update(text, layout=False)
