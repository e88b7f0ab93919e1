"""mopstui.core and mopstui.adapters never import Textual (proved in a fresh interpreter)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import mopstui.adapters
import mopstui.core


def _modules(package) -> list[str]:
    return [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]


def test_core_and_adapters_import_without_textual():
    modules = [
        "mopstui.core",
        "mopstui.adapters",
        "mopstui.config",
        *_modules(mopstui.core),
        *_modules(mopstui.adapters),
    ]
    assert "mopstui.adapters.demo" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"textual imported by core/adapters: {out.stdout}"


def test_the_check_proves_something():
    """The same probe does see Textual when the TUI is imported, so the test above can fail."""
    code = "import sys, mopstui.tui.app; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_the_demo_cockpit_starts_without_the_keyring_stack():
    """Start-up does only what the first frame needs: a cockpit without secrets (the demo) never
    loads the credentials stack, and the shipped themes are found without importlib.resources."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from mopstui.config import load_config\n"
        "from mopstui.tui.app import MopsApp\n"
        "MopsApp(load_config(Path('none.toml'), demo=True))\n"
        "print(sorted(m for m in sys.modules if m.startswith(('mopstui.credentials', 'importlib.resources'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
