"""valueclass behaves like the dataclass it replaces: repr, equality, hashing, frozen, slots."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest

from mopstui.core.values import valueclass


@valueclass(frozen=True, slots=True)
class Point:
    x: int
    y: int = 0
    label: str = field(default="", compare=False)
    secret: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class StdPoint:
    x: int
    y: int = 0
    label: str = field(default="", compare=False)
    secret: str = field(default="", repr=False)


@valueclass
class Box:
    items: list[int] = field(default_factory=list)


@valueclass
class One:
    only: str


@valueclass
class Empty:
    pass


def test_repr_reads_like_a_dataclass() -> None:
    got = repr(Point(1, 2, "a", "hidden"))
    assert got == repr(StdPoint(1, 2, "a", "hidden")).replace("StdPoint", "Point")
    assert got == "Point(x=1, y=2, label='a')"
    assert repr(Empty()) == "Empty()"
    box = Box()
    box.items.append(box)  # type: ignore[arg-type]
    assert repr(box) == "Box(items=[...])"  # a cycle does not recurse forever


def test_equality_and_hash_follow_the_compared_fields() -> None:
    assert Point(1, 2, "a") == Point(1, 2, "b")  # label is compare=False
    assert Point(1, 2) != Point(1, 3)
    assert hash(Point(1, 2, "a")) == hash(Point(1, 2, "b"))
    assert len({Point(1, 2), Point(1, 2), Point(2, 2)}) == 2
    assert Point(1, 2) != StdPoint(1, 2)  # another class is never equal
    assert One("a") == One("a") and One("a") != One("b") and Empty() == Empty()
    assert Box([1]) == Box([1]) and Box([1]) != Box([2])
    with pytest.raises(TypeError):
        hash(Box())  # mutable values are unhashable, as with dataclass


def test_still_a_dataclass_frozen_and_slotted() -> None:
    p = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 5  # type: ignore[misc]
    assert not hasattr(p, "__dict__")
    assert dataclasses.replace(p, y=9) == Point(1, 9)
    assert [f.name for f in dataclasses.fields(p)] == ["x", "y", "label", "secret"]
    assert dataclasses.asdict(Point(1, 2, "a", "s")) == {"x": 1, "y": 2, "label": "a", "secret": "s"}
    b = Box()
    b.items = [3]  # mutable ones stay mutable
    assert b == Box([3])


@valueclass(frozen=True)
class Settings:
    name: str
    retries: int = 3
    tags: tuple[str, ...] = ()


def test_frozen_fields_are_set_once_then_never_changed_nor_deleted() -> None:
    import copy
    import pickle

    s = Settings("demo")
    assert (s.name, s.retries) == ("demo", 3)  # class-level defaults do not block __init__
    for value, attr in ((s, "retries"), (s, "name"), (Point(1), "y")):
        with pytest.raises(dataclasses.FrozenInstanceError, match=attr):
            setattr(value, attr, 9)
        with pytest.raises(dataclasses.FrozenInstanceError, match=attr):
            delattr(value, attr)
    assert s.retries == 3
    p = Point(1, 2, "a", "s")
    for clone in (copy.copy(p), copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert clone == p and clone.secret == "s" and clone is not p
    assert pickle.loads(pickle.dumps(s)) == s and copy.copy(s) == s
    assert dataclasses.replace(s, retries=1).retries == 1 and hash(Settings("a")) == hash(Settings("a"))
