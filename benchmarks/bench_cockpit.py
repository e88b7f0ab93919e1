"""First paint, keystroke latency (to the first frame showing a key's effect, and to the screen
settling) and peak memory of the cockpit, default demo vs big lists.

Runs `cockpit_run.py` in a fresh process (and a fresh state dir) per sample and prints medians.
    python benchmarks/bench_cockpit.py [--runs 5] [--size 120x40]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
SCALES = {"default demo": [], "20k campaigns, 100k requests": ["--requests", "100000", "--campaigns", "20000"]}


def sample(args: list[str], size: str) -> dict:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MOPSTUI_STATE_DIR": tmp, "MOPSTUI_CONFIG_DIR": tmp}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        out = subprocess.run(
            [sys.executable, str(HERE / "cockpit_run.py"), *args, "--size", size],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="120x40")
    opts = parser.parse_args()
    for label, args in SCALES.items():
        sample(args, opts.size)  # warm-up: byte-code caches
        runs = [sample(args, opts.size) for _ in range(opts.runs)]
        paint = statistics.median(r["first_paint_s"] for r in runs)
        rss = statistics.median(r["peak_rss_mb"] for r in runs)
        print(f"{label} at {opts.size}: first paint {paint:.2f} s, peak RSS {rss:.0f} MB (median of {opts.runs})")
        for field, what in (("keys_ms", "first frame showing it"), ("keys_settled_ms", "settled")):
            keys = {k: statistics.median(r[field][k] for r in runs) for k in runs[0][field]}
            worst = {k: max(r[field][k] for r in runs) for k in runs[0][field]}
            print(
                f"  keys ms to {what}, median (worst): "
                + ", ".join(f"{k} {keys[k]:.0f} ({worst[k]:.0f})" for k in keys)
            )


if __name__ == "__main__":
    main()
