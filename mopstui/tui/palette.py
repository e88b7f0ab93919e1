"""Colours for severities and markers, read from the active theme's variables.

Themes may set our own tokens (`mops-critical`, `mops-warning`, `mops-info`, `mops-ok`, `mops-new`);
otherwise Textual's `error`, `warning`, `accent` and `success` colours stand in.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from textual.app import App

TOKENS = {
    "critical": ("mops-critical", "error"),
    "warning": ("mops-warning", "warning"),
    "info": ("mops-info", "accent"),
    "ok": ("mops-ok", "success"),
    "new": ("mops-new", "accent"),
}


@dataclass(frozen=True)
class Palette:
    styles: dict[str, Style]

    @classmethod
    def from_app(cls, app: App) -> Palette:
        variables = app.theme_variables
        styles = {}
        for name, (token, fallback) in TOKENS.items():
            colour = variables.get(token) or variables.get(fallback)
            bold = name in ("critical", "new")
            styles[name] = Style(color=colour, bold=bold) if colour else Style(bold=bold)
        return cls(styles)

    def __getitem__(self, name: str) -> Style:
        return self.styles.get(name, Style())
