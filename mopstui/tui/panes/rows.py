"""Rows for big panes: made when drawn, filtered on precomputed text.

A pane of 100,000 requests cannot afford Rich `Text` cells for every item on each refresh or filter
keystroke. `LazyRows` makes a row the first time the table asks for it;
`SearchIndex` keeps one lowercase string per item, warmed in small slices after the first paint so
a filter keystroke only runs `needle in text` over plain strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import compress
from typing import Any, overload

from textual.cache import LRUCache

from mopstui.tui.widgets.table import Row

#: Items whose search text is computed per event-loop turn while warming.
WARM_SLICE = 5000
#: Rows kept made (a few screenfuls): scrolling through 100,000 rows does not keep them all.
ROWS_KEPT = 1000
#: Filter answers remembered per ordering (the prefixes of what is being typed, mostly).
FOUND_KEPT = 16


class LazyRows(Sequence[Row]):
    """Notice rows first, then one row per item key, in order; a row's cells are made on first use."""

    def __init__(self, notices: list[Row], keys: list[str], make: Callable[[str], Row]) -> None:
        self.notices = notices
        self.keys = keys
        self._make = make
        self._made: LRUCache[int, Row] = LRUCache(ROWS_KEPT)

    def __len__(self) -> int:
        return len(self.notices) + len(self.keys)

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        if index < len(self.notices):
            return self.notices[index]
        row = self._made.get(index)
        if row is None:
            row = self._make(self.keys[index - len(self.notices)])
            self._made[index] = row
        return row

    def __iter__(self) -> Iterator[Row]:
        for i in range(len(self)):
            yield self[i]

    def index_of(self, key: str) -> int | None:
        """Position of the row with `key`: a list scan at C speed, as a rebuild looks up one or two
        keys (a dict of every key would cost more)."""
        for i, row in enumerate(self.notices):
            if row.key == key:
                return i
        try:
            return self.keys.index(key) + len(self.notices)
        except ValueError:
            return None


class SearchIndex:
    """Lowercase search text per item key, reused while the item object is the same one."""

    def __init__(self, text_of: Callable[[Any], str]) -> None:
        self._text_of = text_of
        self._texts: dict[str, tuple[Any, str]] = {}
        self._pending: list[str] = []
        self._aligned: list[str] = []
        self._aligned_for: list[str] | None = None
        #: needle -> (matching keys, their texts), for the current ordering
        self._found: dict[str, tuple[list[str], list[str]]] = {}

    def text(self, key: str, item: Any) -> str:
        cached = self._texts.get(key)
        if cached is not None and cached[0] is item:
            return cached[1]
        text = self._text_of(item).lower()
        self._texts[key] = (item, text)
        return text

    def reset(self, items: Mapping[str, Any]) -> None:
        """Forget items that are gone; queue the ones without a current text for warming."""
        self._aligned_for = None
        texts = self._texts
        if len(texts) > len(items):
            self._texts = texts = {k: v for k, v in texts.items() if k in items}
        self._pending = [k for k, item in items.items() if (c := texts.get(k)) is None or c[0] is not item]

    def warm(self, items: Mapping[str, Any], limit: int = WARM_SLICE, order: list[str] | None = None) -> bool:
        """Compute up to `limit` pending texts; True while more remain. Once all are known, line
        them up with `order` (the pane's sorted keys) so the first filter keystroke is quick too."""
        pending = self._pending
        for _ in range(min(limit, len(pending))):
            key = pending.pop()
            item = items.get(key)
            if item is not None:
                self.text(key, item)
        if not pending and order is not None:
            self._align(order, items)
        return bool(pending)

    def _align(self, keys: list[str], items: Mapping[str, Any]) -> None:
        """Line the texts up with `keys` (a new ordering forgets the remembered answers)."""
        if self._aligned_for is not keys:
            get, text = self._texts.get, self.text
            self._aligned = [
                c[1] if (c := get(k)) is not None and c[0] is items[k] else text(k, items[k]) for k in keys
            ]
            self._aligned_for = keys
            self._found = {}

    def matching(
        self, keys: list[str], items: Mapping[str, Any], needle: str, first: int | None = None
    ) -> tuple[list[str], bool]:
        """The keys (in order) whose text contains `needle` (already lowercase), and whether that
        is all of them: with `first`, only that many candidates are searched when there are more
        (enough for a screenful; call again without it for the rest).

        The texts are lined up with `keys` once per ordering, so a search is one tight
        `needle in text` pass over plain strings. A needle that extends an earlier one (the next
        letter typed) searches only that one's matches, and a needle seen before (backspace)
        is answered from memory, while the ordering stays the same."""
        self._align(keys, items)
        found = self._found
        if needle in found:
            return found[needle][0], True
        base = (keys, self._aligned)
        for earlier, hit in found.items():
            if earlier in needle and len(hit[0]) < len(base[0]):
                base = hit
        if first is not None and len(base[1]) > first:
            return [k for k, t in zip(base[0][:first], base[1][:first], strict=False) if needle in t], False
        mask = [needle in t for t in base[1]]
        hit = list(compress(base[0], mask)), list(compress(base[1], mask))
        if len(found) >= FOUND_KEPT:
            found.pop(next(iter(found)))
        found[needle] = hit
        return hit[0], True
