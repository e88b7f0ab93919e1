"""Cold start: a bare Textual app showing one static screen vs the fully loaded demo cockpit.

Each sample is a fresh process (`python -c ...`), timed from just before the spawn to the first
frame the app hands the terminal showing it loaded (the bare app its one screen, the cockpit every
pane with its items), which the child reports on stdout before it exits; shutting down is not
start-up, for either. Prints medians, and the spawn-to-exit times too.
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

#: Both children time the first frame they hand the terminal that shows them loaded: the bare app's
#: first frame, the cockpit's first with every source answered. Headless, Textual still composes
#: each frame and passes it to `App._display` (it only skips the write), so that is where to look.
FRAME_CLOCK = """
import time
told = []
def watch_frames(app, loaded):
    send = app._display
    def display(screen, renderable):
        send(screen, renderable)
        if renderable is not None and not told and loaded(app):
            told.append(True)
            print(time.time(), flush=True)
            app.exit()
    app._display = display
"""

BARE = (
    FRAME_CLOCK
    + """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
app = Bare()
watch_frames(app, lambda app: True)
app.run(headless=True, size=(120, 40))
"""
)

COCKPIT = (
    FRAME_CLOCK
    + """
from mopstui.config import load_config
from mopstui.tui.app import MopsApp
from pathlib import Path
def loaded(app):
    main = app.main
    return (main is not None and all(s.state == "ok" for s in app.cockpit.statuses)
            and all(main.pane(p).items and main.pane(p).table.current is not None
                    and main.pane(p).table.current.kind == "" for p in ("workflows", "requests", "quality")))
app = MopsApp(load_config(Path("none.toml"), demo=True))
watch_frames(app, loaded)
app.run(headless=True, size=(120, 40))
"""
)


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
    bmin, cmin = min(x[0] for x in bare), min(x[0] for x in cockpit)
    ratios = [cx[0] / bx[0] for bx, cx in zip(bare, cockpit, strict=False)]
    paired = statistics.median(ratios)
    # The spread of the pairs says how far apart two runs of the same tree may land.
    low, _, high = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else (paired, paired, paired)
    be, ce = (statistics.median(x[1] for x in bare), statistics.median(x[1] for x in cockpit))
    print(
        f"to painted: bare Textual app {b:.3f} s, cockpit loaded {c:.3f} s, ratio {c / b:.2f}x  (medians of {args.runs})"
    )
    print(
        f"            fastest runs {bmin:.3f} s vs {cmin:.3f} s, ratio {cmin / bmin:.2f}x; "
        f"median of the {args.runs} side-by-side ratios {paired:.2f}x"
    )
    print(f"            side-by-side ratios, quartiles: {low:.2f}x to {high:.2f}x")
    print(f"to exit:    bare Textual app {be:.3f} s, cockpit loaded {ce:.3f} s, ratio {ce / be:.2f}x")


if __name__ == "__main__":
    main()
