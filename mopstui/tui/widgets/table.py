"""ItemTable: a virtualised, line-API table. Only visible rows are rendered, so 100,000 rows cost
what 30 do. Rows are (key, cells); one column may flex to fill the width."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mopstui.tui.widgets.cells import line_segments, segments


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its label, width (0 flexes), justification and when to drop it."""

    label: str
    width: int = 0  # 0: flex, shares the room left with the other flex columns
    justify: str = "left"
    #: When a flex column would get fewer than its `least` cells, columns with the highest `drop`
    #: are hidden first; 0 never hides.
    drop: int = 0
    #: A flex column's fewest cells (0: MIN_FLEX) and most (0: no cap, e.g. its longest text).
    least: int = 0
    most: int = 0


MIN_FLEX = 24


def flex_widths(cols: list[Column], room: int) -> list[int]:
    """Every column's width: the flex ones start at their `least` and the narrowest grows first up
    to its `most`, so a short column (a name) is shown whole before a long one (a title) takes the
    rest. Room nobody can use stays at the line's end, not between a name and its numbers."""
    flex = [i for i, c in enumerate(cols) if not c.width]
    widths = [c.width for c in cols]
    if not flex:
        return widths
    least = {i: cols[i].least or MIN_FLEX for i in flex}
    short = max(1, sum(least.values()))
    for i in flex:  # short of room (nothing left to drop): each its share of it
        widths[i] = least[i] if short <= room else max(8, room * least[i] // short)
    spare = room - sum(widths[i] for i in flex)
    while spare > 0:
        growing = [i for i in flex if not cols[i].most or widths[i] < cols[i].most]
        if not growing:
            break
        narrowest = min(growing, key=lambda i: widths[i])
        widths[narrowest] += 1
        spare -= 1
    return widths


@dataclass(frozen=True, slots=True)
class Row:
    """A table row: the item key and its cells; `kind` marks notice rows."""

    key: str
    cells: tuple[Text | str, ...]
    #: "" for a normal row; "notice" for inline errors and loading lines (not an item).
    kind: str = ""


class ItemTable(ScrollView, can_focus=True):
    """A table with a row cursor, fixed header and virtual scrolling."""

    COMPONENT_CLASSES = {"item-table--header", "item-table--cursor", "item-table--notice"}

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="cursor_down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="cursor_up"),
        Binding("g,home", "cursor_top", "Top", show=False, id="cursor_top"),
        Binding("G,end", "cursor_bottom", "Bottom", show=False, id="cursor_bottom"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="page_up"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        def __init__(self, table: ItemTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

    def __init__(self, columns: list[Column], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = columns
        self.rows: Sequence[Row] = []
        self._widths: list[int] = []
        self._visible: list[int] = []
        self._layout_width = -1
        self._frame: tuple[Style, int, int] | None = None  # (style, width, top row) while a frame draws

    # -- data -----------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Row], *, keep: str | None = None) -> None:
        """Replace the rows; keep the cursor on `keep` (a row key) when it is still there.

        `rows` may be a lazy sequence (see panes/rows.py) offering `index_of(key)`; then rows are
        only made when drawn."""
        self.rows = rows
        # Width 0: columns always fit (overflow-x is hidden), and a resize then leaves the virtual
        # size alone instead of asking for a second layout and redraw right after the first.
        self.virtual_size = Size(0, len(rows) + 1)
        index = (self._index_of(keep) or 0) if keep is not None else 0
        self.cursor = min(index, max(0, len(rows) - 1))
        self._scroll_to_cursor()
        self.refresh()

    @property
    def current(self) -> Row | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def move_to(self, key: str) -> bool:
        index = self._index_of(key)
        if index is None:
            return False
        self.cursor = index
        return True

    def _index_of(self, key: str) -> int | None:
        finder = getattr(self.rows, "index_of", None)
        if finder is not None:
            found: int | None = finder(key)
            return found
        return next((i for i, row in enumerate(self.rows) if row.key == key), None)

    # -- cursor ---------------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        row = self.current
        self.post_message(self.Highlighted(self, row.key if row else None))

    def _page(self) -> int:
        return max(1, self.size.height - 2)

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        if self.cursor < len(self.rows) - 1:
            self.cursor += 1

    def action_cursor_up(self) -> None:
        if self.cursor > 0:
            self.cursor -= 1

    def action_cursor_top(self) -> None:
        self.cursor = 0

    def action_cursor_bottom(self) -> None:
        self.cursor = max(0, len(self.rows) - 1)

    def action_page_down(self) -> None:
        self.cursor = min(max(0, len(self.rows) - 1), self.cursor + self._page())

    def action_page_up(self) -> None:
        self.cursor = max(0, self.cursor - self._page())

    def on_click(self, event) -> None:  # type: ignore[no-untyped-def]
        index = int(self.scroll_offset.y) + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.rows):
            self.cursor = index

    # -- rendering ------------------------------------------------------------------------------
    def on_resize(self) -> None:
        self._scroll_to_cursor()

    def set_columns(self, columns: list[Column]) -> None:
        self.columns = columns
        self._layout_width = -1
        self.refresh()

    def _column_widths(self, width: int) -> list[int]:
        """Widths of the visible columns (see `_visible`), dropping optional ones when narrow."""
        if width == self._layout_width:
            return self._widths
        visible = list(range(len(self.columns)))
        droppable = sorted((c.drop, i) for i, c in enumerate(self.columns) if c.drop)
        while True:
            cols = [self.columns[i] for i in visible]
            fixed = sum(c.width for c in cols if c.width)
            room = width - fixed - (len(cols) - 1)
            if room >= sum(c.least or MIN_FLEX for c in cols if not c.width) or not droppable:
                break
            visible.remove(droppable.pop()[1])
        self._widths = flex_widths(cols, room)
        self._visible, self._layout_width = visible, width
        return self._widths

    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles every line needs, worked out once per frame rather than once per line (the
        # widget's own style walks up the DOM).
        self._frame = (self.rich_style, self.scrollable_content_region.width, int(self.scroll_offset.y))
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        base, width, top = self._frame or (
            self.rich_style,
            self.scrollable_content_region.width,
            int(self.scroll_offset.y),
        )
        widths = self._column_widths(width)
        if y == 0:
            style = self.get_component_rich_style("item-table--header")
            cells: tuple[Text | str, ...] = tuple(self.columns[i].label for i in self._visible)
            return self._strip(cells, widths, width, style)
        index = top + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        if row.kind == "notice":
            base = base + self.get_component_rich_style("item-table--notice")
            text = row.cells[0] if isinstance(row.cells[0], Text) else Text(row.cells[0])
            return self._strip((text,), [width], width, base, cursor=index == self.cursor and self.has_focus)
        cells = tuple(row.cells[i] for i in self._visible if i < len(row.cells))
        return self._strip(cells, widths, width, base, cursor=index == self.cursor)

    def _strip(
        self, cells: tuple[Text | str, ...], widths: list[int], width: int, base: Style, cursor: bool = False
    ) -> Strip:
        if len(widths) == len(self._visible):
            right = [self.columns[i].justify == "right" for i in self._visible]
        else:
            right = [False] * len(widths)
        runs = line_segments(self.app.console, cells, widths, width, right)
        if cursor:
            cursor_style = self.get_component_rich_style("item-table--cursor")
            if not self.has_focus:
                cursor_style = Style(reverse=False, bgcolor=cursor_style.bgcolor, dim=False)
            # Cell colours (severities) are applied over the cursor, so they stay visible on it.
            base = base + cursor_style
        return Strip(segments(runs, base), width)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
