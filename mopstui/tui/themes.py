"""Themes as data: TOML files in `themes/` become Textual `Theme`s.

Shipped themes live in the top-level `themes/` folder (the one copy), which a wheel installs as the
package data `mopstui/themes/*.toml` (see pyproject.toml). User themes in `themes/` under the user
config dir use the same format and may replace a shipped theme by reusing its name. A file that does
not parse or validate is skipped and reported once, naming the file and what is wrong: a bad theme
never stops the cockpit.

Format: top-level keys are `Theme` fields (`name` and `primary` required; colours as `#RRGGBB`, CSS
names or ANSI names like `ansi_red`), plus a `[variables]` table of Textual design variables and our
own tokens (`mops-critical`, `mops-warning`, `mops-info`, `mops-ok`, `mops-new`; see colours.py).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

from mopstui import paths

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

#: The theme used when neither `--theme` nor `theme = "..."` in the config names one.
DEFAULT_THEME = "mops-dark"
#: Our own colour tokens, read by mopstui.tui.colours.
TOKENS = ("mops-critical", "mops-warning", "mops-info", "mops-ok", "mops-new")

_COLOUR_FIELDS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "warning",
    "error",
    "success",
)
_BOOL_FIELDS = ("dark", "ansi")
_FLOAT_FIELDS = {"luminosity_spread": (0.0, 1.0), "text_alpha": (0.0, 1.0)}
_KNOWN = {"name", "variables", *_COLOUR_FIELDS, *_BOOL_FIELDS, *_FLOAT_FIELDS}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
#: Variables whose value must be a colour (others, like `block-cursor-text-style`, are free text).
_COLOUR_VARIABLE = re.compile(r"(^mops-)|(background|foreground|color|colour)$|^(border|scrollbar)")


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message says what is wrong, in one line."""


@dataclass(frozen=True)
class ThemeProblem:
    """One skipped theme file: which file and what is wrong with it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class ThemeSet:
    """Every usable theme by name, where each came from, and the files that were skipped."""

    themes: dict[str, Theme] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    problems: list[ThemeProblem] = field(default_factory=list)


def parse_theme(text: str, where: str = "<theme>", *, derive: bool = True) -> Theme:
    """Build a Theme from the text of one theme file; raise ThemeFileError naming what is wrong.
    `derive=False` skips deriving the whole colour system (see theme_from_dict)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"invalid TOML ({exc})") from None
    return theme_from_dict(data, derive=derive)


def theme_from_dict(data: dict[str, Any], *, derive: bool = True) -> Theme:
    """A Theme from a theme file's table. With `derive`, the full colour system is derived once to
    catch what field checks cannot; shipped themes skip it at start-up (a test derives each)."""
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise ThemeFileError(f"unknown key {unknown[0]!r} (expected one of: {', '.join(sorted(_KNOWN))})")
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ThemeFileError("'name' is required: lowercase letters, digits, '-' or '_' (e.g. \"my-dark\")")
    if "primary" not in data:
        raise ThemeFileError('\'primary\' is required (a colour such as "#4C8DFF" or "ansi_blue")')
    kwargs: dict[str, Any] = {"name": name}
    for key in _COLOUR_FIELDS:
        if key in data:
            kwargs[key] = _colour(data[key], key)
    for key in _BOOL_FIELDS:
        if key in data:
            if not isinstance(data[key], bool):
                raise ThemeFileError(f"'{key}' expected true or false, got {data[key]!r}")
            kwargs[key] = data[key]
    for key, (lo, hi) in _FLOAT_FIELDS.items():
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
                raise ThemeFileError(f"'{key}' expected a number from {lo:g} to {hi:g}, got {value!r}")
            kwargs[key] = float(value)
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFileError("'variables' expected a table ([variables])")
    for key, value in variables.items():
        if not isinstance(value, str):
            raise ThemeFileError(f"'variables.{key}' expected a string, got {value!r}")
        if _COLOUR_VARIABLE.search(key):
            _colour(value, f"variables.{key}")
    kwargs["variables"] = dict(variables)
    if kwargs.get("ansi"):
        # Textual's own widget CSS refers to these in ANSI mode; its ansi themes define them too.
        kwargs["variables"].setdefault("ansi-background", "ansi_black")
        kwargs["variables"].setdefault("ansi-foreground", "ansi_white")
    theme = Theme(**kwargs)
    if not derive:
        return theme
    try:
        # Deriving the full colour system catches what field checks cannot (e.g. a bad alpha suffix).
        theme.to_color_system().generate()
    except Exception as exc:  # noqa: BLE001 - Textual raises several types here; any means "unusable"
        raise ThemeFileError(f"Textual cannot build this theme ({exc})") from None
    return theme


def _colour(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"'{key}' expected a colour string, got {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(
            f'\'{key}\' = {value!r} is not a colour (use "#RRGGBB", a CSS name or an ANSI name like "ansi_red")'
        ) from None
    return value


# -- where theme files are ------------------------------------------------------------------------
def shipped_theme_files() -> list[Path]:
    """The theme files shipped with mopstui: the package data `mopstui.themes`, else the checkout's `themes/`."""
    folder = _shipped_theme_folder()
    if folder is None:
        return []
    return sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


def _shipped_theme_folder() -> Path | None:
    # A wheel installs the top-level themes/ as mopstui/themes (pyproject's package-dir); a source
    # checkout (or an editable install) has them only at the top level.
    package = Path(__file__).resolve().parents[1]
    for folder in (package / "themes", package.parent / "themes"):
        if folder.is_dir():
            return folder
    return None


def user_theme_dir() -> Path:
    return paths.config_dir() / "themes"


def load_themes(user_dir: Path | None = None, shipped: Iterable[Traversable] | None = None) -> ThemeSet:
    """Shipped themes, then user themes (a user theme may replace a shipped one of the same name)."""
    found = ThemeSet()
    files: list[tuple[Traversable, bool]] = [
        (f, False) for f in (shipped if shipped is not None else shipped_theme_files())
    ]
    folder = user_dir if user_dir is not None else user_theme_dir()
    if folder.is_dir():
        files += [(f, True) for f in sorted(folder.glob("*.toml"))]
    for file, derive in files:  # a user's file is checked in full; a shipped one was, by the tests
        where = str(file)
        try:
            theme = parse_theme(file.read_bytes().decode("utf-8"), where, derive=derive)
        except ThemeFileError as exc:
            found.problems.append(ThemeProblem(where, str(exc)))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            found.problems.append(ThemeProblem(where, f"cannot be read ({exc})"))
            continue
        found.themes[theme.name] = theme
        found.origins[theme.name] = where
    return found


def choose_theme(requested: str | None, available: Iterable[str]) -> tuple[str, str | None]:
    """(theme to use, warning or None). An unknown name falls back to the default, with a warning."""
    names = set(available)
    fallback = DEFAULT_THEME if DEFAULT_THEME in names else "textual-dark"
    if not requested:
        return fallback, None
    if requested in names:
        return requested, None
    ours = sorted(n for n in names if n.startswith("mops-"))
    return fallback, f"Unknown theme {requested!r}; using {fallback} (try: {', '.join(ours)}, or ctrl+p → theme)"
