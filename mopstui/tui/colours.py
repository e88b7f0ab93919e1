"""Colours for severities and markers, read from the active theme's variables.

Themes may set our own tokens (`mops-critical`, `mops-warning`, `mops-info`, `mops-ok`, `mops-new`);
otherwise Textual's `error`, `warning`, `accent` and `success` colours stand in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.color import Color as RichColor
from rich.style import Style
from textual.app import App
from textual.color import Color as TextualColor
from textual.color import ColorParseError

TOKENS = {
    "critical": ("mops-critical", "error"),
    "warning": ("mops-warning", "warning"),
    "info": ("mops-info", "accent"),
    "ok": ("mops-ok", "success"),
    "new": ("mops-new", "accent"),
}


@dataclass(frozen=True)
class Colours:
    """Rich styles for our colour tokens (severities, new mark), made from the current theme."""

    styles: dict[str, Style]

    @classmethod
    def from_app(cls, app: App[Any]) -> Colours:
        variables = app.theme_variables
        styles = {}
        for name, (token, fallback) in TOKENS.items():
            colour = variables.get(token) or variables.get(fallback)
            bold = name in ("critical", "new")
            styles[name] = Style(color=rich_colour(colour), bold=bold)
        return cls(styles)

    def __getitem__(self, name: str) -> Style:
        return self.styles.get(name, Style())


def rich_colour(value: str | None) -> RichColor | None:
    """Theme values use Textual's colour names (`ansi_bright_red`, `#FF6B78 80%`); Rich wants its own."""
    if not value:
        return None
    try:
        return TextualColor.parse(value.split()[0]).rich_color
    except ColorParseError:
        return None
