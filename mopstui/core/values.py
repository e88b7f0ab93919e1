"""`valueclass`: the dataclasses of mopstui, made cheaper to define.

A standard `@dataclass` compiles source text for each method it writes: `__init__`, `__repr__`,
`__eq__`, and for frozen ones `__setattr__`, `__delattr__` and `__hash__`. At about a millisecond
a class, the few dozen classes read at start-up cost a noticeable share of the cockpit's cold start.
`valueclass` lets `dataclass` write only what must be fast (`__init__`), and gives every class the
same shared `__repr__`, `__eq__` and, for frozen ones, `__hash__` and guards, which behave like
the generated ones: `Name(a=1, b='x')`; equal when of the same class with equal fields; hashed by
the fields; a frozen value's field set once by `__init__`, then never assigned nor deleted
(FrozenInstanceError). The result is a real dataclass (`fields`, `replace`, `asdict` work).
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass, field
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")


def _no_fields(obj: Any) -> tuple[Any, ...]:
    return ()


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    cls = self.__class__
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in cls.__value_repr__)
    return f"{cls.__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self.__class__.__value_key__
        return key(self) == key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__class__.__value_key__(self))


def _set_once_slotted(self: Any, name: str, value: Any) -> None:
    try:
        object.__getattribute__(self, name)
    except AttributeError:  # a slot not set yet: __init__ is filling it in
        object.__setattr__(self, name, value)
        return
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _set_once(self: Any, name: str, value: Any) -> None:
    if name in self.__dict__:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def _no_delete(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _key(names: list[str]) -> Callable[[Any], Any]:
    if not names:
        return _no_fields
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


@overload
def valueclass(cls: type[_T], /) -> type[_T]: ...
@overload
def valueclass(*, frozen: bool = False, slots: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(field_specifiers=(field,))
def valueclass(cls: type[_T] | None = None, /, *, frozen: bool = False, slots: bool = False) -> Any:
    """`@dataclass` / `@dataclass(frozen=..., slots=...)`, with shared repr, eq and hash."""

    def wrap(cls: type[_T]) -> type[_T]:
        made = dataclass(cls, repr=False, eq=False, slots=slots)
        if frozen:
            # Each attribute may be set once (by __init__), never again, nor deleted: what
            # dataclass's frozen guards do, without compiling two more methods per class.
            made.__setattr__ = _set_once_slotted if slots else _set_once  # type: ignore[assignment,method-assign]
            made.__delattr__ = _no_delete  # type: ignore[assignment,method-assign]
        fields = made.__dataclass_fields__.values()  # type: ignore[attr-defined]
        made.__value_repr__ = tuple(f.name for f in fields if f.repr)  # type: ignore[attr-defined]
        made.__value_key__ = staticmethod(_key([f.name for f in fields if f.compare]))  # type: ignore[attr-defined]
        made.__repr__ = _repr  # type: ignore[assignment,method-assign]
        made.__eq__ = _eq  # type: ignore[assignment,method-assign]
        # Like dataclass: frozen values hash by their fields; mutable ones are unhashable.
        made.__hash__ = _hash if frozen else None  # type: ignore[assignment,method-assign]
        return made

    return wrap if cls is None else wrap(cls)
