"""Cold start: a bare Textual app showing one static screen vs the fully loaded demo cockpit.

Each sample is a fresh process (`python -c ...`), timed from spawn to exit; both apps exit right
after their first full paint (the cockpit once every pane shows its items). Prints medians.
    python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.exit)
Bare().run(headless=True, size=(120, 40))
"""

COCKPIT = """
from mopstui.config import load_config
from mopstui.tui import app as app_module
from mopstui.tui.app import MopsApp
from pathlib import Path
class Timed(MopsApp):
    CSS_PATH = str(Path(app_module.__file__).parent / "app.tcss")  # a -c subclass has no file of its own
    def show_results(self):
        super().show_results()
        if all(s.state == "ok" for s in self.cockpit.statuses):
            self.call_after_refresh(self.exit)
Timed(load_config(Path("none.toml"), demo=True)).run(headless=True, size=(120, 40))
"""


def sample(code: str, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MOPSTUI_STATE_DIR": tmp, "MOPSTUI_CONFIG_DIR": tmp}
        # Measure what an installed copy does: byte-code cached (pip writes it at install time).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        sample(BARE, env), sample(COCKPIT, env)  # warm-up: writes the caches, not timed
        bare, cockpit = [], []
        for _ in range(args.runs):  # interleaved, so machine load hits both alike
            bare.append(sample(BARE, env))
            cockpit.append(sample(COCKPIT, env))
    b, c = statistics.median(bare), statistics.median(cockpit)
    print(f"bare Textual app: {b:.3f} s  cockpit loaded: {c:.3f} s  ratio {c / b:.2f}x  (median of {args.runs})")


if __name__ == "__main__":
    main()
