"""Pane: a titled, filterable list of one kind of item gathered from every source.

A pane rebuilds its rows from the latest SourceResults. A failing source shows its error inline,
where its rows would be; a loading one says so. The most important item sorts to the top.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import islice
from operator import attrgetter
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Resize
from textual.widgets import Input

from mopstui.core.service import SourceResult
from mopstui.tui.colours import Colours
from mopstui.tui.format import SEVERITY_GLYPH
from mopstui.tui.panes.rows import LazyRows, SearchIndex
from mopstui.tui.widgets.table import Column, ItemTable, Row

_KEY = attrgetter("key")
#: Items a filter keystroke searches before painting (a few ms); the rest follow right after.
FIRST_SEARCHED = 5000
#: Items whose texts a column's width is fitted to (enough to be typical, cheap at 100,000).
FITTED = 2000


class FilterInput(Input):
    """The `/` filter line: live as you type. Its enter (keep) and escape (clear) are the main
    screen's priority bindings, so that the keys typed right after them go where they should."""


class Pane(Vertical, can_focus=False):
    """Base of the Workflows, Requests and Data quality panes."""

    title: ClassVar[str] = ""
    capability: ClassVar[str] = ""
    empty_text: ClassVar[str] = "Nothing here"

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, classes="pane")
        self.results: dict[str, SourceResult] = {}
        self.items: dict[str, Any] = {}
        self.new_keys: set[str] = set()
        self.pending: set[str] = set()
        self.reviewed: set[str] = set()
        self.filter_text = ""
        self.multi_source = False
        self.palette: Colours | None = None
        self.border_title = self.title
        # Big lists (see rows.py): sorted once per answer, filtered on precomputed texts.
        self._search = SearchIndex(self.search_text)
        self._order: list[str] = []  # item keys, most important first
        self._top_key: str | None = None  # the first item row at the last rebuild
        self._warm_generation = 0  # which answer the text warming in progress belongs to

    # -- to implement ---------------------------------------------------------------------------
    def columns(self) -> list[Column]:
        raise NotImplementedError

    def collect(self, result: SourceResult) -> Iterable[Any]:
        raise NotImplementedError

    def sort_key(self, item: Any) -> Any:
        raise NotImplementedError

    def cells(self, item: Any) -> tuple[Text | str, ...]:
        raise NotImplementedError

    def empty_message(self) -> str:
        """The line shown when no item is listed (and no filter is typed)."""
        return self.empty_text

    def counts(self) -> str:
        """Short summary for the border subtitle."""
        return f"{len(self.items)}"

    def unknown_sources(self) -> list[str]:
        """This pane's sources whose items are not known: failed, or not answered yet. Their
        counts are shown as `?`, never 0 (a zero under a failed source reads as "all clear")."""
        return [
            name
            for name, r in self.results.items()
            if r.status.state == "error" or (r.status.state != "ok" and r.status.fetched_at is None)
        ]

    def fitted(self, label: str, text_of: Callable[[Any], str], most: int) -> int:
        """A column's width for its label and its longest text (of the first FITTED items), at most
        `most`: a short column leaves its room to the titles."""
        longest = max((cell_len(text_of(item)) for item in islice(self.items.values(), FITTED)), default=0)
        return min(most, max(cell_len(label), longest))

    def search_text(self, item: Any) -> str:
        """What the `/` filter matches: the row's visible text. Panes may override with a cheaper equal."""
        return " ".join(c.plain if isinstance(c, Text) else str(c) for c in self.cells(item))

    # -- composition ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield ItemTable(self.columns(), id=f"{self.id}-table")
        # The filter line is mounted at the first `/` (see filter_input), not here: input lines
        # nobody has opened yet are start-up work the first paint does not need.

    @property
    def table(self) -> ItemTable:
        return self.query_one(ItemTable)

    @property
    def filter_input(self) -> FilterInput:
        """The filter line, mounted the first time it is asked for. It joins the DOM at once, so it
        can take the focus at once; keys sent to it meanwhile wait in its queue, in order."""
        found = self.query(FilterInput)
        if found:
            return found.first()
        line = FilterInput(placeholder="filter: type to narrow, enter to keep, escape to clear", classes="filter")
        self.mount(line)
        return line

    # -- data -----------------------------------------------------------------------------------
    def update_results(self, results: Mapping[str, SourceResult], multi_source: bool) -> None:
        mine = {k: v for k, v in results.items() if self.capability in v.status.capabilities}
        unchanged = mine.keys() == self.results.keys() and all(v is self.results[k] for k, v in mine.items())
        self.results = mine
        if multi_source != self.multi_source:
            self.multi_source = multi_source
            unchanged = False
        if unchanged and self.items:  # the same answers (the end-of-refresh redraw): keep sort and texts
            self.rebuild()
            return
        items: dict[str, Any] = {}
        new: set[str] = set()
        for result in self.results.values():
            batch = list(self.collect(result))
            items.update(zip(map(_KEY, batch), batch, strict=False))  # C-level loop: 100,000 requests add up
            new.update(result.new_keys)
        self.items = items
        self.new_keys = new
        self.table.set_columns(self.columns())  # widths follow what the rows now hold
        self._order = self.order()
        self.rebuild()
        self.border_subtitle = self.counts()
        self._search.reset(items)
        self._warm_generation += 1
        self.call_after_refresh(self._warm_search, self._warm_generation)

    def _warm_search(self, generation: int) -> None:
        """Compute filter texts a slice at a time between events, so keystrokes stay quick.

        Waits while a refresh is running: the other sources' answers come first."""
        if generation != self._warm_generation:
            return
        cockpit = getattr(self.app, "cockpit", None)
        if cockpit is not None and cockpit.refreshing:
            self.set_timer(0.1, lambda: self._warm_search(generation))
            return
        if self._search.warm(self.items, order=self._order):
            self.set_timer(0.005, lambda: self._warm_search(generation))  # let the screen refresh between slices

    def rebuild(self) -> None:
        """Recompute rows (sort, filter, notices) keeping the cursor on the same item, unless it
        was on the top item: then the new top (the most important now) is selected."""
        self.palette = Colours.from_app(self.app)
        current = self.table.current
        keep = current.key if current is not None and current.kind == "" else None
        if keep is not None and self._top_key == keep:
            keep = None
        notices = self.notice_rows()
        keys = self._order
        needle = self.filter_text.lower()
        if needle:
            keys, complete = self._search.matching(keys, self.items, needle, first=FIRST_SEARCHED)
            if not complete:  # a screenful now, the rest once this is painted
                self.call_after_refresh(self._finish_filter, needle)
                if not keys:
                    notices.append(Row("notice:searching", (Text("searching…", style="dim italic"),), kind="notice"))
        if not notices and not keys:
            text = f"No match for “{self.filter_text}”" if self.filter_text else self.empty_message()
            notices.append(Row("notice:empty", (Text(text, style="dim"),), kind="notice"))
        self._top_key = keys[0] if keys else None
        if keep is None and keys:
            keep = keys[0]
        self.table.set_rows(LazyRows(notices, keys, self._make_row), keep=keep)

    def _finish_filter(self, needle: str) -> None:
        """Search the rest of a big list for the filter text, unless it changed meanwhile."""
        if self.filter_text.lower() == needle:
            self._search.matching(self._order, self.items, needle)
            self.rebuild()

    def order(self) -> list[str]:
        """Every item key, sorted by `sort_key`."""
        return [key for key, _ in sorted(self.items.items(), key=lambda kv: self.sort_key(kv[1]))]

    def _make_row(self, key: str) -> Row:
        return Row(key, self.cells(self.items[key]))

    def notice_rows(self) -> list[Row]:
        rows: list[Row] = []
        p = self.palette or Colours({})
        for name, result in self.results.items():
            status = result.status
            if status.state == "error":
                error = status.error.removeprefix(f"{name}: ")  # the row names the source already
                text = Text.assemble(
                    ("✖ ", p["critical"]), (name, "bold"), (" (r retry · enter: full error) ", "dim"), error
                )
                rows.extend(Row(f"notice:{name}", (line,), kind="notice") for line in self._wrapped(text))
            elif status.state in ("loading", "idle") and next(iter(self.collect(result)), None) is None:
                # Nothing yet from this source (its last answer, if any, stays shown while it reloads).
                rows.append(Row(f"notice:{name}", (Text(f"⟳ loading {name}…", style="dim italic"),), kind="notice"))
        return rows

    def _wrapped(self, text: Text) -> list[Text]:
        """`text` over as many lines as the table's width needs, the later ones indented under the
        source's name, so an error is read whole where it is shown."""
        width = self.table.scrollable_content_region.width
        if width <= 4:  # not laid out yet: on_resize wraps it once the width is known
            return [text]
        first, *rest = text.wrap(self.app.console, width, overflow="fold") or [text]
        if not rest:
            return [first]
        later = Text(" ".join(line.plain.strip() for line in rest))  # the error's own words, re-wrapped
        return [first, *(Text("  ") + line for line in later.wrap(self.app.console, width - 2, overflow="fold"))]

    def on_resize(self, event: Resize) -> None:
        if any(r.status.state == "error" for r in self.results.values()):
            self.call_after_refresh(self.rebuild)  # after layout: the table's new width is known

    def selected(self) -> Any | None:
        row = self.table.current
        if row is None or row.kind:
            return None
        return self.items.get(row.key)

    def marker(self, item: Any, severity: str, glyph: str | None = None) -> Text:
        """Severity glyph (or … while an action is pending) plus • when the item is new."""
        p = self.palette or Colours({})
        if item.key in self.pending:
            text = Text("…", style="bold")
        else:
            text = Text(glyph or SEVERITY_GLYPH.get(severity, " "), style=p[severity] if severity else "")
        if item.key in self.new_keys and item.key not in self.reviewed:
            text.append("•", style=p["new"])
        return text

    # -- filter ---------------------------------------------------------------------------------
    def open_filter(self) -> None:
        self.filter_input.add_class("-open")
        # Focus now, not at the next turn (Widget.focus defers): a fast typist's `/scor` arrives in
        # one read, and the keys after `/` must already land in the filter, not run as commands.
        self.screen.set_focus(self.filter_input)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_text = event.value.strip()
        self.rebuild()

    def close_filter(self, keep: bool) -> None:
        """Leave the filter line: `keep` the filter (enter) or clear it (escape); focus the list."""
        if not keep:
            self.filter_input.value = ""
            self.filter_text = ""
            self.rebuild()
        if not self.filter_text:
            self.filter_input.remove_class("-open")
        first = next((r.key for r in self.table.rows if r.kind == ""), None)
        if first is not None:
            self.table.move_to(first)
        self.screen.set_focus(self.table)  # at once: a key typed right after enter lands in the table
