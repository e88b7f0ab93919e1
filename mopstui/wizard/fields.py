"""A kind's settings, read generically from its Options dataclass: names, types, defaults, help.

Text typed at a prompt or given as `--set key=value` is turned into the field's type here; the
config validator then checks the assembled file exactly as it checks one written by hand.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any


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
        out.append(Setting(f.name, hints[f.name], default, str(f.metadata.get("help", "")),
                           str(f.metadata.get("suggest", ""))))
    return out


def _unwrap_optional(hint: Any) -> tuple[Any, bool]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return inner[0], len(inner) < len(typing.get_args(hint))
    return hint, False


def describe(hint: Any) -> str:
    hint, optional = _unwrap_optional(hint)
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        text = "one of " + ", ".join(str(a) for a in typing.get_args(hint))
    elif origin in (list, tuple):
        text = "a comma-separated list"
    elif origin is dict:
        text = "key=value pairs, comma-separated"
    else:
        text = {str: "text", int: "a whole number", float: "a number", bool: "yes or no"}.get(hint, "text")
    return text + (", optional" if optional else "")


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
    hint, optional = _unwrap_optional(hint)
    text = text.strip()
    if optional and text == "":
        return None
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        choices = typing.get_args(hint)
        for choice in choices:
            if text == str(choice):
                return choice
        raise ValueError(f"expected one of {', '.join(str(c) for c in choices)}, got {text!r}")
    if origin in (list, tuple):
        item = (typing.get_args(hint) or (str,))[0]
        return [parse_value(part, item) for part in text.split(",") if part.strip()]
    if origin is dict:
        item = typing.get_args(hint)[1] if len(typing.get_args(hint)) == 2 else str
        pairs = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, sep, value = part.partition("=")
            if not sep or not key.strip():
                raise ValueError(f"expected key=value, got {part!r}")
            pairs[key.strip()] = parse_value(value, item)
        return pairs
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
