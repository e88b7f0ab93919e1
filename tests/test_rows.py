"""The big-pane helpers: lazily made rows and the filter's search index."""

from __future__ import annotations

import random

from mopstui.tui.panes.rows import ROWS_KEPT, LazyRows, SearchIndex
from mopstui.tui.widgets.table import Row

WORDS = ["webinar", "weber", "partner", "newsletter", "emea", "we", "ops", "web", "event"]


def naive(keys: list[str], items: dict[str, str], needle: str) -> list[str]:
    return [k for k in keys if needle in items[k].lower()]


def test_typing_narrowing_and_backspace_give_exactly_the_naive_matches():
    rng = random.Random(3)
    items = {f"k{i}": " ".join(rng.choice(WORDS) for _ in range(3)) for i in range(3000)}
    index = SearchIndex(lambda text: text)
    index.reset(items)
    while index.warm(items, limit=700):
        pass
    keys = sorted(items, key=lambda k: items[k])
    for needle in ["w", "we", "web", "webi", "web", "we", "w", "e", "em", "", "zz", "zzz", "ops"]:
        assert index.matching(keys, items, needle) == (naive(keys, items, needle), True), needle
    other = list(reversed(keys))  # a new ordering: nothing remembered from the old one may leak
    for needle in ["we", "web"]:
        assert index.matching(other, items, needle) == (naive(other, items, needle), True), needle


def test_a_first_screenful_then_the_rest():
    items = {f"k{i}": ("webinar" if i % 3 == 0 else "partner") for i in range(10_000)}
    index = SearchIndex(lambda text: text)
    index.reset(items)
    keys = list(items)
    first, complete = index.matching(keys, items, "web", first=300)
    assert not complete and first == naive(keys[:300], items, "web")
    assert index.matching(keys, items, "web") == (naive(keys, items, "web"), True)
    assert index.matching(keys, items, "web", first=300) == (naive(keys, items, "web"), True)  # remembered


def test_a_changed_item_is_searched_by_its_new_text():
    items = {"a": "Webinar list", "b": "Partner import"}
    index = SearchIndex(lambda text: text)
    index.reset(items)
    keys = ["a", "b"]
    assert index.matching(keys, items, "partner") == (["b"], True)
    items = {"a": "Partner webinar", "b": "Partner import"}
    index.reset(items)
    keys = ["a", "b"]  # the pane sorts again when its items change
    assert index.matching(keys, items, "partner") == (["a", "b"], True)


def test_each_text_is_made_once_while_its_item_is_the_same():
    items = {f"k{i}": f"item {i} webinar" if i % 2 else f"item {i} partner" for i in range(1000)}
    order = sorted(items, key=lambda k: -int(k[1:]))
    made: list[str] = []
    index = SearchIndex(lambda text: made.append(text) or text)
    index.reset(items)
    while index.warm(items, limit=300, order=order):
        pass
    assert index.matching(order, items, "webinar") == (naive(order, items, "webinar"), True)
    index.reset(dict(items))  # the same item objects: nothing to make again
    assert not index.warm(items, order=order)
    assert sorted(made) == sorted(items.values())  # each text made once


def test_lazy_rows_make_each_row_once_and_only_when_asked():
    made: list[str] = []

    def make(key: str) -> Row:
        made.append(key)
        return Row(key, (key,))

    rows = LazyRows([Row("notice:x", ("loading",), kind="notice")], [f"k{i}" for i in range(100_000)], make)
    assert len(rows) == 100_001
    assert rows[0].kind == "notice" and made == []
    assert rows[5].key == "k4" and rows[5] is rows[5] and made == ["k4"]
    assert rows.index_of("k99999") == 100_000 and rows.index_of("nope") is None


def test_lazy_rows_keep_a_bounded_number_made():
    rows = LazyRows([], [f"k{i}" for i in range(100_000)], lambda key: Row(key, (key,)))
    for row in rows:
        assert row.key
    assert len(rows._made) <= ROWS_KEPT
