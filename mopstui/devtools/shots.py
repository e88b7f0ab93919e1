"""Deterministic scenes of the cockpit, for `mopstui screenshot` and tests/test_snapshots.py.

Every scene runs the seeded demo workspace on a frozen clock (a 07:03 UTC morning), without the
user's state store, so the same code gives the same SVG on any machine and any day. Callers should
also run with TZ=UTC, since "updated HH:MM" is local time. The second-morning scene keeps its
yesterday (a first morning one day earlier, and the night since) in a throwaway folder.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mopstui.tui import format as fmt

#: Mornings the second-morning scene has seen, today's included: enough to fill the sparklines.
TREND_MORNINGS = 14

#: The moment every scene is taken at.
FROZEN_NOW = datetime(2026, 11, 27, 7, 3, tzinfo=UTC)

SHIPPED_THEMES = ("mops-dark", "mops-light", "mops-high-contrast", "mops-ansi")


@dataclass(frozen=True)
class Scene:
    """One screenshot: a theme, keys to press once the cockpit is loaded, and a failing demo or not."""

    name: str
    theme: str = "mops-dark"
    keys: tuple[str, ...] = ()
    fail: bool = False
    #: The morning after a first one: the night's items marked new, the counts' deltas.
    second_morning: bool = False


SCENES: tuple[Scene, ...] = (
    *(Scene(f"main-{theme}", theme) for theme in SHIPPED_THEMES),
    Scene("help", keys=("question_mark",)),
    Scene("confirm", keys=("a",)),
    Scene("detail", keys=("enter",)),
    Scene("filter", keys=("2", "slash", "u", "r", "g")),
    Scene("failing-source", fail=True),
    Scene("second-morning", second_morning=True),
)


def frozen_clock() -> datetime:
    return FROZEN_NOW


def scene_app(scene: Scene) -> Any:
    """A MopsApp on the frozen demo workspace, ready for `run_test` or a snapshot."""
    from mopstui.adapters.demo import DemoOptions, DemoSource
    from mopstui.config import parse_config
    from mopstui.core.service import Cockpit, SourceHandle
    from mopstui.tui.app import MopsApp

    fmt.set_clock(frozen_clock)
    options: dict[str, Any] = {"kind": "demo"}
    if scene.fail:
        options["fail"] = "error"
    config = parse_config({"sources": {"demo": options}}, Path("demo.toml"))
    if scene.second_morning:
        cockpit = _second_morning(config.sources[0].options)
    else:
        source = DemoSource("demo", config.sources[0].options, clock=frozen_clock)
        assert isinstance(source.options, DemoOptions)
        cockpit = Cockpit({"demo": SourceHandle(source)}, clock=frozen_clock)
    return MopsApp(config, theme=scene.theme, cockpit=cockpit)


def _second_morning(options: Any) -> Any:
    """A cockpit at FROZEN_NOW whose past (thirteen mornings, each seen and its night fixed but the
    last) is in a throwaway state folder: the demo plants tonight's night, memory has a yesterday
    to compare with and a fortnight of daily counts for the sparklines."""
    import atexit
    import shutil
    import tempfile
    import threading

    from mopstui.adapters.demo import DemoSource
    from mopstui.core.memory import Memory
    from mopstui.core.service import Cockpit, SourceHandle
    from mopstui.core.source import SourceContext
    from mopstui.core.store import StateStore

    folder = Path(tempfile.mkdtemp(prefix="mopstui-scene-"))
    atexit.register(shutil.rmtree, folder, True)  # the app still writes its snapshot there
    store = StateStore(folder / "state.db")

    def cockpit_at(moment: datetime) -> Cockpit:
        source = DemoSource("demo", options, SourceContext(state_dir=folder), clock=lambda: moment)
        memory = Memory(store, clock=lambda: moment, origin="cockpit")
        return Cockpit({"demo": SourceHandle(source)}, clock=lambda: moment, memory=memory)

    async def fortnight() -> None:
        for days_ago in range(TREND_MORNINGS - 1, 0, -1):
            cockpit = cockpit_at(FROZEN_NOW - timedelta(days=days_ago))
            await _see(cockpit, fix_the_night=days_ago < TREND_MORNINGS - 1)

    # The mornings before are seen on their own event loop: the caller may be inside one already.
    seen = threading.Thread(target=asyncio.run, args=(fortnight(),))
    seen.start()
    seen.join()
    return cockpit_at(FROZEN_NOW)


async def _see(cockpit: Any, *, fix_the_night: bool) -> None:
    """One morning: refresh and, as a user would, switch the night's trigger back on and finish
    its urgent request, so each morning shows only its own night."""
    await cockpit.refresh()
    if fix_the_night:
        result = cockpit.results["demo"]
        for problem in result.problems:
            if problem.key in result.new_keys and "activate" in problem.actions:
                await cockpit.perform("demo", "activate", problem.id)
        for request in result.requests:
            if request.key in result.new_keys:
                await cockpit.perform("demo", "done", request.id)
    await cockpit.aclose()


def is_loaded(app: Any) -> bool:
    """Every source answered (ok or error) and the cockpit screen is up."""
    main = app.main
    return (
        main is not None
        and main.is_mounted
        and not app.cockpit.refreshing
        and all(s.state in ("ok", "error") for s in app.cockpit.statuses)
    )


def before(scene: Scene) -> Callable[[Any], Awaitable[None]]:
    """A pilot routine: wait for the cockpit to load, then press the scene's keys."""

    async def run(pilot: Any) -> None:
        for _ in range(500):
            if is_loaded(pilot.app):
                break
            await pilot.pause(0.01)
        else:
            # Never picture a cockpit that did not load (a crash would otherwise leave a blank
            # screen to be saved, and compared against, as if it were the scene).
            raise RuntimeError(f"scene {scene.name}: the cockpit did not load")
        await pilot.pause()
        if scene.keys:
            await pilot.press(*scene.keys)
        await pilot.pause()
        if not pilot.app.is_running or pilot.app.screen_stack == []:
            raise RuntimeError(f"scene {scene.name}: the cockpit stopped (see its traceback above)")

    return run


async def save(scene: Scene, folder: Path, size: tuple[int, int] = (120, 40)) -> Path:
    """Run `scene` headless and write `folder/<name>.svg`."""
    app = scene_app(scene)
    async with app.run_test(size=size) as pilot:
        await before(scene)(pilot)
        path = app.save_screenshot(f"{scene.name}.svg", str(folder))
    fmt.set_clock(None)
    return Path(path)
