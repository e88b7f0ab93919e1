"""LooksMixin: themes and the user's keymap for MopsApp.

Themes from files are registered before the first screen so the very first paint uses the chosen
theme; switching from the command palette re-renders the panes (their rows carry theme colours).
The `[keys]` table is checked and applied at mount, so remapped keys work from the first keystroke.
Problems (bad theme files, unknown theme, unknown binding id, key conflicts) are told once, as one
notification each kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.theme import Theme

from mopstui.tui import themes as themes_mod

if TYPE_CHECKING:
    _Base = App[int]
else:
    _Base = object


class LooksMixin(_Base):
    """Mixed into MopsApp ahead of App: owns theme registration, choice and the keymap."""

    #: The remaps actually applied (bad ids and conflicts left out); help reads this.
    applied_keys: dict[str, str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._looks_ready = False
        super().__init__(*args, **kwargs)
        self._looks_ready = True
        self.theme_set = themes_mod.load_themes()
        for theme in self.theme_set.themes.values():
            self.register_theme(theme)
        self.applied_keys = {}

    def choose_theme(self, requested: str | None) -> None:
        """Set the theme (requested, else the default) before the app starts.

        Setting `theme` runs Textual's watcher, which queues a full CSS re-parse and restyle for
        when the app starts: work for nothing, since no CSS has been read yet. Before the start we
        do what the watcher does but that (classes, ANSI mapping, the stylesheet's variables), so
        the stylesheet is parsed once, with this theme's colours."""
        name, self._theme_warning = themes_mod.choose_theme(requested, self.available_themes)
        if self.is_running:
            self.theme = name
            return
        self.set_reactive(App.theme, name)
        dark = self.current_theme.dark
        classes = {c: False for c in self.classes if c.startswith("-theme-")}
        classes.update({f"-theme-{name}": True, "-dark-mode": dark, "-light-mode": not dark})
        self.update_classes(classes, update=False)
        self._refresh_truecolor_filter(self.ansi_theme)
        self.stylesheet.set_variables(self.get_css_variables())

    def get_css_variables(self) -> dict[str, str]:
        # App.__init__ asks for the default theme's colours, to be replaced at once by ours
        # (choose_theme): no CSS is parsed in between, so skip working them out twice.
        return super().get_css_variables() if self._looks_ready else {}

    def apply_looks(self, keys: dict[str, str]) -> None:
        """Apply the keymap; report problems with themes and keys (once the app can show them)."""
        warning = getattr(self, "_theme_warning", "")
        if warning:
            self.notify(warning, title="Theme", severity="warning", timeout=10)
        if self.theme_set.problems:
            lines = "\n".join(str(p) for p in self.theme_set.problems)
            self.notify(lines, title="Theme files skipped", severity="warning", timeout=15)
        self.theme_changed_signal.subscribe(self, self._on_theme_changed)
        if keys:
            self._apply_keymap(keys)

    def _apply_keymap(self, keys: dict[str, str]) -> None:
        from mopstui.tui import keymap as keymap_mod  # only with a [keys] table
        from mopstui.tui.screens.main import MainScreen
        from mopstui.tui.widgets.table import ItemTable

        keymap_mod.import_tui_modules()
        scopes = keymap_mod.discover_scopes(type(self), MainScreen, [ItemTable])
        valid, problems = keymap_mod.check_keymap(keys, scopes)
        self.applied_keys = valid
        self.set_keymap(valid)
        if problems:
            self.notify("\n".join(problems), title="Key remapping", severity="warning", timeout=15)

    def _on_theme_changed(self, theme: Theme) -> None:
        # Rows and header carry Rich styles made from the theme's colours: re-make them.
        show = getattr(self, "show_results", None)
        if show is not None:
            show()
