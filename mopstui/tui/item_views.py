"""What the keys that look at an item without changing it need: its title, the detail's hint line,
and the source that can list the rows behind a data-quality metric (drill-down and export).

Plain functions; the main screen binds the keys (see screens/main.py).
"""

from __future__ import annotations

from mopstui.core.models import QualityMetric
from mopstui.core.service import Cockpit
from mopstui.core.source import Source

DETAIL_HINTS = {
    "workflows": "a activate · d deactivate · y copy link · escape close",
    "requests": "t take · x decline · m done · y copy link · escape close",
    "quality": "escape close",
}


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
