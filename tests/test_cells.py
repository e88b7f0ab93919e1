"""Table lines built from cells look exactly as the same cells assembled into a Rich Text line and
rendered: the same characters in the same styles, whether cells fit, are cut, or overflow the line."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from mopstui.core.safe_text import visible
from mopstui.tui.widgets.cells import line_segments, segments

CONSOLE = Console(width=200, color_system="truecolor")
BASE = Style(color="#cccccc", bgcolor="#101010")


def reference(cells, widths, width, right) -> list[Segment]:  # type: ignore[no-untyped-def]
    """Rich's way: assemble a Text line, truncate and pad, render (with each cell's controls made
    visible first)."""
    line = Text(no_wrap=True, overflow="ellipsis")
    for i, (cell, w) in enumerate(zip(cells, widths, strict=False)):
        text = cell.copy() if isinstance(cell, Text) else Text(visible(str(cell)))
        text.plain = visible(text.plain)
        text.truncate(w, overflow="ellipsis")
        if right[i]:
            text.pad_left(w - text.cell_len)
        else:
            text.pad_right(w - text.cell_len)
        if i:
            line.append(" ")
        line.append_text(text)
    line.truncate(width, pad=True)
    return [Segment(t, BASE + (s or Style())) for t, s, _ in line.render(CONSOLE)]


def by_cell(segs: list[Segment]) -> list[tuple[str, Style]]:
    return [(ch, seg.style) for seg in segs for ch in seg.text]  # type: ignore[misc]


def marker() -> Text:
    return Text.assemble(("✖", "bold red"), ("•", "#44aaff"))


CASES = [
    # cells, widths, width, right
    (
        ("Lead Routing - Inbound MQL", Text("inactive", style="bold #ff5555"), "27h ago"),
        [20, 10, 8],
        40,
        [False, False, True],
    ),
    (("a very long campaign name that will not fit", "x"), [12, 3], 16, [False, False]),
    (
        (marker(), "MOPS-101", Text("Highest", style="#ff0000"), "late 2d"),
        [2, 9, 8, 8],
        30,
        [False, False, False, True],
    ),
    (("日本語のキャンペーン名前", "ok"), [9, 4], 14, [False, True]),  # wide characters cut mid-glyph
    (("bell\x07 and \x1b[31mescape", "tab\there"), [18, 9], 28, [False, False]),  # control codes shown
    (("one", "two", "three"), [10, 10, 10], 25, [False, False, False]),  # line overflows mid-cell
    (("one", "two", "three"), [10, 10, 10], 22, [False, False, False]),  # cut right after a separator
    (("one", Text("two", style="italic"), "three"), [10, 10, 10], 21, [False, False, False]),  # at a cell start
    ((Text("12,345", style="dim"), "—", ""), [8, 6, 4], 30, [True, True, False]),  # padded out to the width
    ((marker(), Text.assemble(("left", "red"), (" right side of it", "green"))), [2, 10], 13, [False, False]),
    (("exact",), [5], 5, [False]),
]


@pytest.mark.parametrize(("cells", "widths", "width", "right"), CASES)
def test_same_characters_in_the_same_styles(cells, widths, width, right) -> None:  # type: ignore[no-untyped-def]
    got = segments(line_segments(CONSOLE, cells, widths, width, right), BASE)
    want = reference(cells, widths, width, right)
    assert by_cell(got) == by_cell(want)
    assert sum(len(s.text) for s in got) == sum(len(s.text) for s in want)


def test_the_usual_cell_is_one_segment() -> None:
    runs = line_segments(CONSOLE, ("name", Text("inactive", style="red")), [6, 9], 17, [False, False])
    assert runs == [("name  ", None), (" ", None), ("inactive ", Style.parse("red")), (" ", None)]
