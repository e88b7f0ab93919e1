"""One walker over config type hints: the validator (config) and `mopstui init` (wizard) read a hint
the same way, so what init writes is what the validator takes."""

from __future__ import annotations

from typing import Any, Literal

import pytest

from mopstui.config import _coerce
from mopstui.hints import Shape, shape_of
from mopstui.wizard.fields import describe, parse_value


@pytest.mark.parametrize(
    ("hint", "shape"),
    [
        (int, Shape("scalar", scalar=int)),
        (float | None, Shape("scalar", scalar=float, optional=True)),
        (Literal["none", "error"], Shape("choice", choices=("none", "error"))),
        (list[str], Shape("list", item=str)),
        (tuple[int, ...], Shape("tuple", item=int)),
        (dict[str, float], Shape("table", item=float)),
        (Any, Shape("any")),
    ],
)
def test_a_hint_taken_apart(hint: Any, shape: Shape) -> None:
    assert shape_of(hint) == shape


@pytest.mark.parametrize(
    ("hint", "typed"),
    [
        (int, "7"),
        (float | None, ""),
        (bool, "yes"),
        (Literal["none", "error"], "error"),
        (list[str], "a, b"),
        (tuple[int, ...], "1,2"),
        (dict[str, float], "x=1.5, y=2"),
    ],
)
def test_what_init_parses_the_validator_takes(hint: Any, typed: str) -> None:
    value = parse_value(typed, hint)
    checked = _coerce(list(value) if isinstance(value, tuple) else value, hint, "config.toml", "key")
    assert checked == (tuple(value) if shape_of(hint).kind == "tuple" else value)
    assert describe(hint)
