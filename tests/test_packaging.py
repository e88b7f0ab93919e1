"""Packaging: the wheel carries every package and the shipped themes, from the one top-level copy."""

from __future__ import annotations

import tomllib
from pathlib import Path

from mopstui.tui import themes

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def test_listed_packages_are_every_package_in_the_tree() -> None:
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    in_tree = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "mopstui").rglob("__init__.py")}
    assert listed - {"mopstui.themes"} == in_tree


def test_themes_are_one_copy_mapped_into_the_package() -> None:
    setuptools = _pyproject()["tool"]["setuptools"]
    assert setuptools["package-dir"]["mopstui.themes"] == "themes"
    assert setuptools["package-data"]["mopstui.themes"] == ["*.toml"]
    assert not (ROOT / "mopstui" / "themes").exists(), "no mopstui/themes link or copy in the checkout"
    shipped = {f.name for f in themes.shipped_theme_files()}
    assert shipped == {p.name for p in (ROOT / "themes").glob("*.toml")} and shipped
