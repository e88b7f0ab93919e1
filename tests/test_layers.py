"""The layering contract in pyproject.toml ([tool.importlinter]) holds, and breaks on a bad import.

Core imports nothing above it, adapters only core, the TUI and the headless report never import
each other, Textual stays in the TUI, the CLI sits on top. The runtime check that importing
`mopstui.core` / `mopstui.adapters` loads no Textual is tests/test_import_hygiene.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))"
)


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports on the `mopstui` package found in `tree`, with the project's contracts."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [sys.executable, "-c", LINT], cwd=tree, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_package_keeps_every_layer_contract() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout


def test_every_top_level_module_has_its_place_in_the_layers() -> None:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    found = {
        f"mopstui.{p.stem if p.is_file() else p.name}"
        for p in (ROOT / "mopstui").iterdir()
        if (p.suffix == ".py" or (p / "__init__.py").exists()) and p.stem not in ("__init__", "__main__")
    }
    assert found == placed, "a new top-level module needs a layer in [tool.importlinter]"


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("core/models.py", "from mopstui.tui import format", "Layers"),
        ("core/service.py", "import mopstui.config", "Layers"),
        ("adapters/jira/__init__.py", "from mopstui import runtime", "Layers"),
        ("tui/format.py", "from mopstui import report", "The TUI never imports the headless report"),
        ("report.py", "import mopstui.tui.format", "Layers"),
        ("tui/format.py", "from mopstui.devtools import shots", "Layers"),
        ("adapters/http/client.py", "import textual.widget", "Textual only in the TUI"),
    ],
)
def test_a_bad_import_breaks_a_contract(tmp_path: Path, module: str, bad_import: str, contract: str) -> None:
    shutil.copytree(ROOT / "mopstui", tmp_path / "mopstui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "mopstui" / module
    target.write_text(target.read_text("utf-8") + f"\n{bad_import}  # noqa\n", "utf-8")
    result = lint(tmp_path)
    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout, result.stdout
