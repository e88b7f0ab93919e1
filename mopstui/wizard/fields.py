"""A kind's settings, read generically from its Options dataclass: names, types, defaults, help.

Text typed at a prompt or given as `--set key=value` is turned into the field's type here; the
config validator then checks the assembled file exactly as it checks one written by hand.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any

from mopstui.hints import shape_of

_MISSING = dataclasses.MISSING


@dataclass(frozen=True)
class Setting:
    """One non-secret config key of a kind."""

    name: str
    hint: Any
    default: Any = _MISSING
    help: str = ""
    #: What `init` offers when there is no default (a field's `metadata={"suggest": ...}`).
    suggest: str = ""

    @property
    def required(self) -> bool:
        return self.default is _MISSING

    def describe(self) -> str:
        """The type in the user's words, e.g. "a whole number" or "one of none, error"."""
        return describe(self.hint)

    def shown_default(self) -> str:
        """The default as the user would type it."""
        if self.default is _MISSING or self.default is None:
            return ""
        return format_value(self.default)


def settings_of(options_cls: type) -> list[Setting]:
    """Every field of the Options dataclass, in declaration order."""
    hints = typing.get_type_hints(options_cls)
    out = []
    for f in dataclasses.fields(options_cls):
        if f.default is not _MISSING:
            default = f.default
        elif f.default_factory is not _MISSING:
            default = f.default_factory()
        else:
            default = _MISSING
        out.append(
            Setting(f.name, hints[f.name], default, str(f.metadata.get("help", "")), str(f.metadata.get("suggest", "")))
        )
    return out


def describe(hint: Any) -> str:
    shape = shape_of(hint)
    if shape.kind == "choice":
        text = "one of " + ", ".join(str(a) for a in shape.choices)
    elif shape.kind in ("list", "tuple"):
        text = "a comma-separated list"
    elif shape.kind == "table":
        text = "key=value pairs, comma-separated"
    else:
        words: dict[type | None, str] = {int: "a whole number", float: "a number", bool: "yes or no"}
        text = words.get(shape.scalar, "text")
    return text + (", optional" if shape.optional else "")


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ",".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k}={format_value(v)}" for k, v in value.items())
    return str(value)


_TRUE = {"y", "yes", "true", "1", "on"}
_FALSE = {"n", "no", "false", "0", "off"}


def parse_value(text: str, hint: Any) -> Any:
    """Turn typed text into a TOML-ready value of `hint`; ValueError says what was expected."""
    shape = shape_of(hint)
    text = text.strip()
    if shape.optional and text == "":
        return None
    if shape.kind == "choice":
        for choice in shape.choices:
            if text == str(choice):
                return choice
        raise ValueError(f"expected one of {', '.join(str(c) for c in shape.choices)}, got {text!r}")
    if shape.kind in ("list", "tuple"):
        return [parse_value(part, shape.item or str) for part in text.split(",") if part.strip()]
    if shape.kind == "table":
        pairs = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, sep, value = part.partition("=")
            if not sep or not key.strip():
                raise ValueError(f"expected key=value, got {part!r}")
            pairs[key.strip()] = parse_value(value, shape.item or str)
        return pairs
    hint = shape.scalar
    if hint is bool:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError(f"expected yes or no, got {text!r}")
    if hint is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"expected a whole number, got {text!r}") from None
    if hint is float:
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected a number, got {text!r}") from None
    if text == "":
        raise ValueError("expected a value")
    return text


def to_toml(value: Any) -> Any:
    """Tuples as lists; everything else as is (tomli-w writes str, int, float, bool, list, dict)."""
    if isinstance(value, tuple):
        return [to_toml(v) for v in value]
    if isinstance(value, list):
        return [to_toml(v) for v in value]
    if isinstance(value, dict):
        return {k: to_toml(v) for k, v in value.items()}
    return value
