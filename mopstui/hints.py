"""Config type hints taken apart in one place: the config validator checks values against them and
`mopstui init` parses and describes typed text with them.

The hints an Options dataclass may use: str, int, float, bool, Literal[...], list[...], tuple[...],
dict[str, ...], and any of these `| None`.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["choice", "list", "tuple", "table", "scalar", "any"]


@dataclass(frozen=True)
class Shape:
    """What a hint asks for: `kind`; the scalar type (`kind == "scalar"`); the items' hint of a list,
    tuple or table (None when the hint does not say); the choices of a Literal; whether None is taken."""

    kind: Kind
    scalar: type | None = None
    item: Any = None
    choices: tuple[Any, ...] = ()
    optional: bool = False


def shape_of(hint: Any) -> Shape:
    """`hint` taken apart (an Optional's first other member stands for it)."""
    optional = False
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        members = typing.get_args(hint)
        inner = [a for a in members if a is not type(None)]
        hint, optional = inner[0], len(inner) < len(members)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Literal:
        return Shape("choice", choices=args, optional=optional)
    if origin in (list, tuple):
        return Shape("list" if origin is list else "tuple", item=args[0] if args else None, optional=optional)
    if origin is dict:
        return Shape("table", item=args[1] if len(args) == 2 else None, optional=optional)
    if hint in (str, int, float, bool):
        return Shape("scalar", scalar=hint, optional=optional)
    return Shape("any", optional=optional)
