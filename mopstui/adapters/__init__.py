"""Adapters, one package per platform, listed here without importing them.

Each platform is a package `mopstui/adapters/<platform>/` whose `__init__.py` holds its `Source`
class (a new one, say Salesforce, goes in `adapters/salesforce/`), with helpers in modules beside
it; `http/` is the shared HTTP layer they build on. Built-in kinds map to "module:Class"; third
parties add kinds through the `mopstui.adapters` entry-point group. Nothing here imports Textual.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from mopstui.core.source import Source

if TYPE_CHECKING:
    from importlib.metadata import EntryPoints

BUILTIN_KINDS: dict[str, str] = {
    "demo": "mopstui.adapters.demo:DemoSource",
    "marketo": "mopstui.adapters.marketo:MarketoSource",
    "hubspot": "mopstui.adapters.hubspot:HubSpotSource",
    "jira": "mopstui.adapters.jira:JiraSource",
    "file": "mopstui.adapters.files:FileSource",
    "salesforce": "mopstui.adapters.salesforce:SalesforceSource",
    "warehouse": "mopstui.adapters.warehouse:WarehouseSource",
    "dbt": "mopstui.adapters.dbt:DbtSource",
}


def _plugin_kinds() -> EntryPoints:
    # importlib.metadata is slow to import: only pay for it when a kind is not built in.
    from importlib.metadata import entry_points

    return entry_points(group="mopstui.adapters")


def known_kinds() -> list[str]:
    kinds = set(BUILTIN_KINDS)
    kinds.update(ep.name for ep in _plugin_kinds())
    return sorted(kinds)


def load_kind(kind: str) -> type[Source]:
    """The Source class for `kind`; KeyError if no adapter provides it."""
    target = BUILTIN_KINDS.get(kind)
    if target is None:
        for ep in _plugin_kinds():
            if ep.name == kind:
                return ep.load()  # type: ignore[no-any-return]
        raise KeyError(kind)
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            raise KeyError(kind) from None
        raise
    return getattr(module, class_name)  # type: ignore[no-any-return]
