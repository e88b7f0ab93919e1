"""The `[keys]` config table: remap any binding by its id, and say so when a remap cannot work.

Textual applies a keymap by binding id (`App.set_keymap`) but ignores unknown ids and resolves
clashes silently. We check first: an id no binding has, or a key that two bindings active together
would then share, is reported and left out; the other remaps are applied.

Bindings are active together within a *scope*: the cockpit (app, main screen, table) or one modal
screen. A clash is only reported when the user's remapping caused it, so a modal's deliberate
shadowing of an app key (`q` closes a dialog) is not a conflict.
"""

from __future__ import annotations

import importlib
import pkgutil
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

#: Keys that stand for a binding users could not otherwise write in TOML easily.
_ALIASES = {"?": "question_mark", "/": "slash", " ": "space", "esc": "escape", "return": "enter"}


@dataclass(frozen=True)
class Scope:
    """Binding-carrying classes whose bindings are active at the same time."""

    name: str
    classes: tuple[type[DOMNode], ...]


def normalise_keys(keys: str) -> list[str]:
    """'?, ctrl+p' -> ['question_mark', 'ctrl+p'] (Textual's long key names)."""
    out = []
    for raw in keys.split(","):
        key = raw.strip()
        if not key:
            continue
        key = _ALIASES.get(key, key)
        if len(key) == 1 and not key.isalnum():
            key = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
        out.append(key)
    return out


def bindings_of(cls: type[DOMNode]) -> list[Binding]:
    """Every Binding with an id that `cls` declares or inherits (most derived first)."""
    found: list[Binding] = []
    for klass in cls.__mro__:
        for binding in klass.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                found.append(binding)
    return found


def import_tui_modules() -> None:
    """Import every module of mopstui.tui so every screen's bindings are known (after first paint)."""
    from mopstui import tui

    for info in pkgutil.walk_packages(tui.__path__, "mopstui.tui."):
        try:
            importlib.import_module(info.name)
        except Exception:  # a half-written module elsewhere must not break key checking
            continue


def discover_scopes(
    app_cls: type[DOMNode], main_screen: type[Screen[Any]], main_widgets: Iterable[type[Widget]]
) -> list[Scope]:
    """The cockpit scope plus one scope per other screen class defined in mopstui."""
    scopes = [Scope("cockpit", (app_cls, main_screen, *main_widgets))]
    for screen in _subclasses(Screen):
        if screen.__module__.startswith("mopstui.") and not issubclass(screen, main_screen):
            scopes.append(Scope(screen.__name__, (screen,)))
    return scopes


def _subclasses(cls: type[Screen[object]]) -> list[type[Screen[object]]]:
    seen: list[type[Screen[object]]] = []
    stack: list[type[Screen[object]]] = list(cls.__subclasses__())
    while stack:
        sub = stack.pop()
        if sub not in seen:
            seen.append(sub)
            stack.extend(sub.__subclasses__())
    return seen


def check_keymap(keymap: Mapping[str, str], scopes: Iterable[Scope]) -> tuple[dict[str, str], list[str]]:
    """(the remaps that can be applied, one line per problem: unknown id or conflict)."""
    scopes = list(scopes)
    known: set[str] = set()
    for scope in scopes:
        for cls in scope.classes:
            known.update(b.id for b in bindings_of(cls) if b.id)
    problems: list[str] = []
    valid: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            problems.append(
                f"[keys] {binding_id} = {keys!r}: no binding has the id {binding_id!r} (press ? for the ids)"
            )
        elif not normalise_keys(keys):
            problems.append(f"[keys] {binding_id}: no key given")
        else:
            valid[binding_id] = keys
    conflicted: set[str] = set()
    for scope in scopes:
        owner: dict[str, str] = {}
        seen_ids: set[str] = set()
        for cls in scope.classes:
            for binding in bindings_of(cls):
                assert binding.id is not None
                if binding.id in seen_ids:
                    continue  # an override of the same binding further down the MRO
                seen_ids.add(binding.id)
                for key in normalise_keys(valid.get(binding.id, binding.key)):
                    other = owner.get(key)
                    if other is not None and other != binding.id and (binding.id in valid or other in valid):
                        remapped = binding.id if binding.id in valid else other
                        pair = tuple(sorted((binding.id, other)))
                        shadowed = pair[0] if pair[1] == remapped else pair[1]
                        line = (
                            f"[keys] {remapped} = {valid[remapped]!r}: {key!r} is already bound to "
                            f"{shadowed!r} in the {scope.name} scope; remap not applied"
                        )
                        if line not in problems:
                            problems.append(line)
                        conflicted.add(remapped)
                    owner.setdefault(key, binding.id)
    # A conflicting remap is left out so the key it would steal keeps working.
    return {k: v for k, v in valid.items() if k not in conflicted}, problems
