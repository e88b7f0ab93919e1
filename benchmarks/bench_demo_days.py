"""The demo's yesterday: opening a demo workspace after days of use (its diary replays every night).

    python benchmarks/bench_demo_days.py [--runs 5] [--nights 30]

Times `DemoSource.workspace` (rebuild from the seed, then the diary replayed) with a diary of 0 and
of `--nights` nights, at the default 2,000 contacts and at the 200,000 the demo allows; medians.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mopstui.adapters.demo import DemoOptions, DemoSource, days
from mopstui.core.source import SourceContext


def open_after(nights: int, contacts: int, state: Path) -> float:
    """Seconds to open the workspace whose diary holds `nights` nights."""
    now = datetime.now(UTC)
    born = now - timedelta(days=nights)
    sizes = (40, 24, contacts)
    diary = days.new_diary(7, sizes, born)
    diary.events = [days.event(days.NIGHT, born + timedelta(days=n + 1)) for n in range(nights)]
    diary.day = days.local_day(now)
    days.write_diary(days.diary_path(state, "demo"), diary.to_json())
    source = DemoSource("demo", DemoOptions(contacts=contacts), SourceContext(state_dir=state), clock=lambda: now)
    started = time.perf_counter()
    source.workspace  # noqa: B018 (the property opens it)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--nights", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for contacts in (2000, 200_000):
            for nights in (0, args.nights):
                times = [open_after(nights, contacts, Path(tmp)) for _ in range(args.runs)]
                print(f"{contacts:>7,} contacts, {nights:>3} nights: {1e3 * statistics.median(times):7.1f} ms")


if __name__ == "__main__":
    main()
