"""What the keys that look at an item without changing it need: its title, the detail's key hints
(from the bindings in effect), and the source that can list the rows behind a data-quality metric
(drill-down and export).

Plain functions; the main screen binds the keys (see screens/main.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from textual.binding import Binding, BindingType

from mopstui.core.models import QualityMetric
from mopstui.core.service import Cockpit
from mopstui.core.source import Source
from mopstui.tui.format import key_label

#: The keys that act on the selected item: (key, binding id, description). The cockpit binds each to
#: its action of the same name, a detail view to `act(id)`: one table, so both offer the same keys
#: and one [keys] remap moves a key in both.
ITEM_KEYS = (
    ("a", "activate", "Activate"),
    ("d", "deactivate", "Deactivate"),
    ("t", "take", "Take"),
    ("x", "decline", "Decline"),
    ("m", "done", "Done"),
    ("y", "copy_link", "Copy link"),
)
#: The item keys the cockpit's footer shows.
SHOWN_ITEM_KEYS = {"activate", "take", "decline", "done"}

#: The keys a detail view names, per pane: (binding id, what it does), keys looked up in effect.
DETAIL_ACTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "workflows": (("activate", "activate"), ("deactivate", "deactivate"), ("copy_link", "copy link")),
    "requests": (("take", "take"), ("decline", "decline"), ("done", "done"), ("copy_link", "copy link")),
    "quality": (),
}
#: A source's detail (its inline error): `r` fetches it again.
SOURCE_ACTIONS = (("refresh", "retry"),)


def key_hints(actions: Sequence[tuple[str, str]], bindings: Iterable[BindingType], keymap: Mapping[str, str]) -> str:
    """`a activate · y copy link` with each binding's key as remapped by [keys] (its first key)."""
    default = {b.id: b.key for b in bindings if isinstance(b, Binding) and b.id}
    parts = []
    for binding_id, words in actions:
        keys = keymap.get(binding_id, default.get(binding_id, ""))
        if keys:
            parts.append(f"{key_label(keys.split(',')[0])} {words}")
    return " · ".join(parts)


def item_title(item: object, default: str = "") -> str:
    """The name a user knows the item by: a workflow's name, a request's title, a metric's label."""
    return str(getattr(item, "name", None) or getattr(item, "title", None) or getattr(item, "label", default))


def drilldown_source(cockpit: Cockpit, pane: str, item: object) -> Source | None:
    """The source behind a selected quality metric, if it can list the rows behind it."""
    if pane != "quality" or not isinstance(item, QualityMetric):
        return None
    handle = cockpit.handles.get(item.source)
    if handle is None or "drilldown" not in handle.source.capabilities:
        return None
    return handle.source
