"""One table line from its cells: each cell cut (with an ellipsis) or padded to its column, one
space between columns, the line cut or padded to the width.

Control characters in a cell (an ESC sequence in a ticket title) are shown, never sent (see
`mopstui.core.safe_text`). Otherwise the same result as assembling a Rich `Text` line and
rendering it (tests/test_cells.py compares the two), but the usual cell (a string, or a Text in one
style) becomes a single segment without Rich's render pipeline: every keystroke redraws the table.
A Text with spans of its own (a marker in two colours) still goes through Rich.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from mopstui.core.safe_text import visible

ELLIPSIS = "…"


def fit(plain: str, width: int, right: bool = False) -> str:
    """`plain` cut to `width` cells (its last cell an ellipsis) or padded with spaces to it."""
    size = cell_len(plain)
    if size > width:
        return set_cell_size(plain, width - 1) + ELLIPSIS
    pad = " " * (width - size)
    return pad + plain if right else plain + pad


def line_segments(
    console: Console, cells: Sequence[Text | str], widths: Sequence[int], width: int, right: Sequence[bool]
) -> list[tuple[str, Style | None]]:
    """(text, style) runs of one line; `right[i]` right-justifies cell i. Styles are the cells' own
    (None for plain text); the caller lays the line's base style under them."""
    runs: list[tuple[str, Style | None]] = []
    add = runs.append
    used = 0
    get_style = console.get_style
    for i, (cell, w) in enumerate(zip(cells, widths, strict=False)):
        if i:
            add((" ", None))
            used += 1
        # Cells hold other people's text: visible() keeps terminal controls from reaching the screen.
        if isinstance(cell, str):
            add((fit(visible(cell), w, right[i]), None))
        elif not cell.spans:
            style = cell.style
            add(
                (
                    fit(visible(cell.plain), w, right[i]),
                    get_style(style) if isinstance(style, str) and style else style or None,
                )
            )
        else:
            text = cell.copy()
            text.plain = visible(text.plain)  # the same length: the spans stay in place
            text.truncate(w, overflow="ellipsis")
            if right[i]:
                text.pad_left(w - text.cell_len)
            else:
                text.pad_right(w - text.cell_len)
            runs.extend((s.text, s.style) for s in text.render(console))
        used += w
    if used > width:
        return _cut(runs, width)
    if used < width:
        add((" " * (width - used), None))
    return runs


def _cut(runs: list[tuple[str, Style | None]], width: int) -> list[tuple[str, Style | None]]:
    """The runs cut to `width` cells, the last one an ellipsis in the style of the first character
    cut off, as Text.truncate does."""
    out: list[tuple[str, Style | None]] = []
    room = width - 1
    for text, style in runs:
        size = cell_len(text)
        if size > room:
            if room > 0:
                out.append((set_cell_size(text, room), style))
            out.append((ELLIPSIS, style))
            return out
        out.append((text, style))
        room -= size
    return out


def segments(runs: list[tuple[str, Style | None]], base: Style) -> list[Segment]:
    """Segments with the line's base style under each run's own."""
    return [Segment(text, base + style if style is not None else base) for text, style in runs]
