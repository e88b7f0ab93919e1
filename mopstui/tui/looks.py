"""Themes and the user's keymap, worked out for MopsApp: plain functions, no widget state.

Theme files are loaded and registered before the first screen so the very first paint uses the
chosen theme. The `[keys]` table is checked (unknown ids, conflicts) before `App.set_keymap` gets
what can be applied. Problems are told once, one notification per kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

from mopstui.core.private import open_private, private_dir
from mopstui.tui import themes as themes_mod

#: The file in the state dir holding the theme last picked in the palette.
THEME_FILE = "theme"


def register_themes(
    app: App[int], requested: str | None, remembered: str | None = None, configured: str | None = None
) -> tuple[str, list[tuple[str, str, int]]]:
    """Register the shipped and user themes; (theme to use, notices as (message, title, timeout)).

    The theme asked for (`--theme`) wins, then the one last picked in the palette (if it still
    exists: its file may be gone), then the config's `theme`."""
    theme_set = themes_mod.load_themes()
    for theme in theme_set.themes.values():
        app.register_theme(theme)
    if not requested:
        requested = remembered if remembered in app.available_themes else configured
    name, warning = themes_mod.choose_theme(requested, app.available_themes)
    notices = []
    if warning:
        notices.append((warning, "Theme", 10))
    if theme_set.problems:
        notices.append(("\n".join(str(p) for p in theme_set.problems), "Theme files skipped", 15))
    return name, notices


def pick_theme_before_start(app: App[int], name: str) -> None:
    """Pick the theme before the app runs, so its stylesheet is parsed once, in these colours.

    Setting `app.theme` runs Textual's watcher, which queues a second full CSS parse for the start.
    Before the start the first parse needs only the theme's CSS variables and classes, set here
    through public API (`set_reactive` is Textual's documented quiet setter)."""
    default, chosen = app.current_theme, app.available_themes[name]
    if (chosen.dark, chosen.ansi) != (default.dark, default.ansi):
        app.theme = name  # the watcher also re-makes the ANSI-to-truecolour filter these differ in
        return
    app.set_reactive(App.theme, name)
    app.stylesheet.set_variables(app.get_css_variables())
    classes = {c: False for c in app.classes if c.startswith("-theme-")}
    app.update_classes({**classes, f"-theme-{name}": True}, update=False)


def remembered_theme(state_dir: Path) -> str | None:
    """The theme last picked in the palette, or None (never picked, or the file unreadable)."""
    try:
        name = (state_dir / THEME_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if 0 < len(name) <= 100 else None


def remember_theme(state_dir: Path, name: str) -> None:
    """Keep the palette's pick in the state dir (0600), never in the user's config file. Best
    effort: a read-only state dir only means the pick is not kept."""
    try:
        with open_private(private_dir(state_dir) / THEME_FILE, "w", encoding="utf-8") as out:
            out.write(name + "\n")
    except OSError:
        pass


def checked_keymap(
    keys: dict[str, str], app_cls: type[DOMNode], main_screen: type[Screen[None]], main_widgets: Iterable[type[Widget]]
) -> tuple[dict[str, str], list[str]]:
    """(the remaps that can be applied, one line per problem) for the `[keys]` table."""
    from mopstui.tui import keymap as keymap_mod  # only with a [keys] table

    keymap_mod.import_tui_modules()
    scopes = keymap_mod.discover_scopes(app_cls, main_screen, main_widgets)
    return keymap_mod.check_keymap(keys, scopes)
