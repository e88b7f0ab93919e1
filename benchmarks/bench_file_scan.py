"""Benchmark the file source on a million-row export: wall time, peak memory, event-loop stalls.

    python benchmarks/bench_file_scan.py               # generates benchmarks/data/contacts-1m.csv once
    python benchmarks/bench_file_scan.py --runs 5 --python-runs 1

Each measurement runs in a fresh child process, so peak memory (from os.wait4) is that run's alone
and includes the interpreter, DuckDB and everything a real cockpit would load for the scan. Both
engines must report identical counts, or the benchmark fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_FILE = HERE / "data" / "contacts-1m.csv"
TODAY = "2026-01-01"

#: Child: scan through the real FileSource, timing the counts and the worst event-loop stall.
DUCKDB_CHILD = """
import asyncio, json, sys, time
from datetime import date
from mopstui.adapters.files import FileOptions, FileSource
from benchmarks.pure_python_scan import COLUMNS
options = FileOptions(path=sys.argv[1], columns=COLUMNS, required_fields=["email", "country", "lead_source"])
source = FileSource("bench", options, today=lambda: date.fromisoformat(sys.argv[2]))

async def main():
    worst = 0.0
    started = time.perf_counter()
    task = asyncio.create_task(source.fetch_quality())
    while not task.done():
        tick = time.perf_counter()
        await asyncio.sleep(0.005)
        worst = max(worst, time.perf_counter() - tick - 0.005)
    metrics = await task
    return time.perf_counter() - started, worst, metrics

wall, worst, metrics = asyncio.run(main())
print(json.dumps({"wall": wall, "stall": worst, "total": metrics[0].total,
                  "counts": {m.metric: m.count for m in metrics}}))
"""

PYTHON_CHILD = """
import json, sys, time
from datetime import date
from benchmarks.pure_python_scan import scan
started = time.perf_counter()
total, counts = scan(sys.argv[1], date.fromisoformat(sys.argv[2]))
print(json.dumps({"wall": time.perf_counter() - started, "stall": None, "total": total, "counts": counts}))
"""


def run_child(code: str, path: Path) -> dict[str, object]:
    """One measurement in a fresh interpreter: its JSON answer plus process wall time and peak RSS."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path), TODAY], cwd=HERE.parent, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"benchmark child failed with exit code {proc.returncode}")
    result = json.loads(out)
    result["process_wall"] = time.perf_counter() - started
    result["peak_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    return result


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import duckdb

    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, DuckDB {duckdb.__version__}"


def summary(name: str, runs: list[dict[str, object]]) -> str:
    def med(key: str) -> float:
        return statistics.median(float(r[key]) for r in runs)  # type: ignore[arg-type]

    stall = f", worst event-loop stall {med('stall') * 1000:.0f} ms" if runs[0]["stall"] is not None else ""
    return (
        f"{name:<12} counts in {med('wall'):.2f} s (process {med('process_wall'):.2f} s), "
        f"peak RSS {med('peak_mb'):.0f} MB{stall}  [median of {len(runs)}: "
        + ", ".join(f"{float(r['wall']):.2f}" for r in runs)  # type: ignore[arg-type]
        + " s]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=5, help="DuckDB runs (the median is reported)")
    parser.add_argument("--python-runs", type=int, default=1, help="pure-Python runs (0 to skip)")
    args = parser.parse_args()
    if not args.file.exists():
        sys.path.insert(0, str(HERE))
        from gen_contacts import generate

        generate(args.file, 1_000_000)
    size = args.file.stat().st_size / 1e6
    print(f"file: {args.file.name}, {size:.0f} MB; machine: {machine()}")
    duck = [run_child(DUCKDB_CHILD, args.file) for _ in range(args.runs)]
    print(summary("DuckDB", duck))
    if args.python_runs:
        py = [run_child(PYTHON_CHILD, args.file) for _ in range(args.python_runs)]
        print(summary("pure Python", py))
        if py[0]["counts"] != duck[0]["counts"] or py[0]["total"] != duck[0]["total"]:
            raise SystemExit(f"counts differ:\n  duckdb {duck[0]['counts']}\n  python {py[0]['counts']}")
        print(f"counts agree on all {len(py[0]['counts'])} metrics over {py[0]['total']:,} rows")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
