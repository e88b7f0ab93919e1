"""Themes and the user's keymap, worked out for MopsApp: plain functions, no widget state.

Theme files are loaded and registered before the first screen so the very first paint uses the
chosen theme. The `[keys]` table is checked (unknown ids, conflicts) before `App.set_keymap` gets
what can be applied. Problems are told once, one notification per kind.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

from mopstui.tui import themes as themes_mod


def register_themes(app: App[int], requested: str | None) -> tuple[str, list[tuple[str, str, int]]]:
    """Register the shipped and user themes; (theme to use, notices as (message, title, timeout))."""
    theme_set = themes_mod.load_themes()
    for theme in theme_set.themes.values():
        app.register_theme(theme)
    name, warning = themes_mod.choose_theme(requested, app.available_themes)
    notices = []
    if warning:
        notices.append((warning, "Theme", 10))
    if theme_set.problems:
        notices.append(("\n".join(str(p) for p in theme_set.problems), "Theme files skipped", 15))
    return name, notices


def checked_keymap(
    keys: dict[str, str], app_cls: type[DOMNode], main_screen: type[Screen[None]], main_widgets: Iterable[type[Widget]]
) -> tuple[dict[str, str], list[str]]:
    """(the remaps that can be applied, one line per problem) for the `[keys]` table."""
    from mopstui.tui import keymap as keymap_mod  # only with a [keys] table

    keymap_mod.import_tui_modules()
    scopes = keymap_mod.discover_scopes(app_cls, main_screen, main_widgets)
    return keymap_mod.check_keymap(keys, scopes)
