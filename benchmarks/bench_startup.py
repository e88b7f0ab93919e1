"""Cold start: a bare Textual app showing one static screen vs the fully loaded demo cockpit.

Each sample is a fresh process (`python -c ...`), timed from just before the spawn to the moment
the app has painted (the bare app its one screen, the cockpit every pane with its items), which
the child reports on stdout before it exits; shutting down is not start-up, for either. Prints
medians, and the spawn-to-exit times too.
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
import time
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(painted, self)
def painted(app):
    print(time.time(), flush=True)
    app.exit()
Bare().run(headless=True, size=(120, 40))
"""

COCKPIT = """
import time
from mopstui.config import load_config
from mopstui.tui import app as app_module
from mopstui.tui.app import MopsApp
from pathlib import Path
class Timed(MopsApp):
    CSS_PATH = str(Path(app_module.__file__).parent / "app.tcss")  # a -c subclass has no file of its own
    def show_results(self):
        super().show_results()
        if all(s.state == "ok" for s in self.cockpit.statuses):
            self.call_after_refresh(painted, self)
told = []
def painted(app):
    if not told:  # the first paint with every pane loaded (later calls come from the same refresh)
        told.append(True)
        print(time.time(), flush=True)
        app.exit()
Timed(load_config(Path("none.toml"), demo=True)).run(headless=True, size=(120, 40))
"""


def sample(code: str, env: dict[str, str]) -> tuple[float, float]:
    """(spawn to painted, spawn to exit) in seconds."""
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True, text=True).stdout
    t1 = time.time()
    return float(out.split()[0]) - t0, t1 - t0


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
    b, c = (statistics.median(x[0] for x in bare), statistics.median(x[0] for x in cockpit))
    be, ce = (statistics.median(x[1] for x in bare), statistics.median(x[1] for x in cockpit))
    print(f"to painted: bare Textual app {b:.3f} s, cockpit loaded {c:.3f} s, ratio {c / b:.2f}x  (median of {args.runs})")
    print(f"to exit:    bare Textual app {be:.3f} s, cockpit loaded {ce:.3f} s, ratio {ce / be:.2f}x")


if __name__ == "__main__":
    main()
