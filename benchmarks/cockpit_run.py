"""One measured cockpit run in this process: first full paint, keystroke latency, peak memory.

Run by bench_cockpit.py in a fresh process per sample; prints one JSON line. Standalone:
    python benchmarks/cockpit_run.py --requests 100000 --campaigns 20000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time
from collections.abc import Callable
from pathlib import Path

START = time.perf_counter()

from textual import events  # noqa: E402

from mopstui.config import parse_config  # noqa: E402
from mopstui.tui.app import MopsApp  # noqa: E402


def demo_config(requests: int | None, campaigns: int | None):  # type: ignore[no-untyped-def]
    demo: dict[str, object] = {"kind": "demo"}
    if requests:
        demo["requests"] = requests
    if campaigns:
        demo["campaigns"] = campaigns
    return parse_config({"sources": {"demo": demo}}, Path("benchmark.toml"))


def loaded(app: MopsApp) -> bool:
    """Every source answered and every pane shows its items (not a loading line)."""
    main = app.main
    if main is None or not main.is_mounted:
        return False
    if any(s.state != "ok" for s in app.cockpit.statuses):
        return False
    return all(
        main.pane(p).table.current is not None and main.pane(p).table.current.kind == ""  # type: ignore[union-attr]
        for p in ("workflows", "requests", "quality")
    )


async def until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.001)


class Frames:
    """Notes when the app first sends the terminal a frame in which `watch()` holds.

    Headless, Textual still composes every frame and hands it to `App._display` (it only skips
    the write), so wrapping that call times the first frame that shows a key's effect."""

    def __init__(self, app: MopsApp) -> None:
        self.watch: Callable[[], bool] | None = None
        self.at: float | None = None
        send = app._display

        def display(screen, renderable):  # type: ignore[no-untyped-def]
            send(screen, renderable)
            if renderable is not None and self.watch is not None and self.at is None and self.watch():
                self.at = time.perf_counter()

        app._display = display  # type: ignore[method-assign]


async def keystroke(
    app: MopsApp, frames: Frames, key: str, done: Callable[[], bool], char: str | None = None
) -> tuple[float, float]:
    """ms from posting the key event to (1) the first frame showing its effect and (2) the screen
    having settled: the effect done, the app's follow-up work after it finished, a refresh painted.

    Measured from an idle screen: a short pause first lets the previous key's after-work finish,
    as it would between a person's keystrokes (about 150 ms apart when typing fast)."""
    await asyncio.sleep(0.15)
    frames.watch, frames.at = done, None
    t0 = time.perf_counter()
    app.post_message(events.Key(key, char))
    await until(done)
    await app.screen.wait_for_refresh()
    settled = time.perf_counter()
    await until(lambda: frames.at is not None)
    frames.watch = None
    return ((frames.at or settled) - t0) * 1000, (settled - t0) * 1000


async def run(requests: int | None, campaigns: int | None, size: tuple[int, int]) -> dict[str, object]:
    app = MopsApp(demo_config(requests, campaigns))
    out: dict[str, object] = {}
    async with app.run_test(size=size):
        await until(lambda: loaded(app))
        await app.screen.wait_for_refresh()
        out["first_paint_s"] = round(time.perf_counter() - START, 3)
        await asyncio.sleep(1.5)  # let the filter texts finish warming, as a user would take a moment
        main = app.main
        assert main is not None
        frames = Frames(app)
        await keystroke(app, frames, "2", lambda: main.active == "requests")
        table = main.pane("requests").table
        keys: dict[str, tuple[float, float]] = {}
        c = table.cursor
        keys["down"] = await keystroke(app, frames, "down", lambda: table.cursor == c + 1)
        c = table.cursor
        keys["pagedown"] = await keystroke(app, frames, "pagedown", lambda: table.cursor > c)
        keys["end"] = await keystroke(app, frames, "end", lambda: table.cursor == len(table.rows) - 1)
        keys["home"] = await keystroke(app, frames, "home", lambda: table.cursor == 0)
        await keystroke(app, frames, "slash", lambda: type(app.focused).__name__ == "FilterInput")
        pane = main.pane("requests")
        keys["filter_type"] = await keystroke(app, frames, "w", lambda: pane.filter_text == "w", char="w")
        keys["filter_type2"] = await keystroke(app, frames, "e", lambda: pane.filter_text == "we", char="e")
        keys["filter_clear"] = await keystroke(app, frames, "escape", lambda: pane.filter_text == "")
        out["keys_ms"] = {k: round(v[0], 1) for k, v in keys.items()}
        out["keys_settled_ms"] = {k: round(v[1], 1) for k, v in keys.items()}
        out["rows"] = len(table.rows)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int)
    parser.add_argument("--campaigns", type=int)
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    w, h = (int(x) for x in args.size.split("x"))
    print(json.dumps(asyncio.run(run(args.requests, args.campaigns, (w, h)))))


if __name__ == "__main__":
    main()
