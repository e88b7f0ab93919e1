"""Two baselines: `check` compares with the previous check, the cockpit with what the cockpit last
showed, whatever checks ran in between (the README's cron recipe at 6:30, the cockpit at 7:03)."""

from __future__ import annotations

import asyncio
import json

import pytest

from mopstui.cli import main
from mopstui.config import load_config
from mopstui.core.store import StateStore, default_path
from mopstui.tui.app import MopsApp
from mopstui.tui.screens.since import SinceScreen

from fakes.pilot import loaded
from fakes.scripted import Script, problem, request, use_scripted_kind

SCRIPTED = '[sources.mkto]\nkind = "scripted"\n'


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch) -> Script:
    scripts = use_scripted_kind(monkeypatch)
    scripts["mkto"] = Script()
    return scripts["mkto"]


async def look(config_path) -> tuple[set[str], str]:  # type: ignore[no-untyped-def]
    """Open the cockpit, wait for the answers, open "since"; the new keys and the since title."""
    app = MopsApp(load_config(config_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        new = {key for name in ("workflows", "requests") for key in app.main.pane(name).new_keys}
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SinceScreen)
        title = app.screen._title()
        await pilot.press("escape", "q")
    return new, title


async def check_new(capsys, config_path) -> set[str]:  # type: ignore[no-untyped-def]
    """Run `mopstui check` as cron would (in a thread: it runs its own event loop); the new ids."""
    await asyncio.to_thread(main, ["--config", str(config_path), "check", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    return {w["id"] for w in data["workflows"] if w["new"]} | {r["id"] for r in data["requests"] if r["new"]}


async def test_the_cockpit_compares_with_what_it_last_showed_not_with_the_cron_check(
    script: Script,
    write_config,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    config = write_config(SCRIPTED)
    # yesterday: the 6:30 check, then in the evening the user looked at the cockpit
    script.problems = [problem("1001")]
    script.requests = [request("MOPS-1")]
    await check_new(capsys, config)
    await look(config)
    # overnight a campaign broke and a request arrived; the 6:30 cron check reports them as new
    script.problems = [problem("1001"), problem("1002", "warning", "failed-run")]
    script.requests = [request("MOPS-1"), request("MOPS-2")]
    assert await check_new(capsys, config) == {"1002", "MOPS-2"}
    # 7:03: the cockpit still marks them new, since the user has not seen them
    new, title = await look(config)
    assert new == {"mkto:1002:failed-run", "mkto:MOPS-2"}
    assert title.startswith("Since you last looked: ") and "today" in title
    # and the next check compares with the 6:30 check, not with the cockpit
    script.requests = [request("MOPS-1"), request("MOPS-2"), request("MOPS-3")]
    assert await check_new(capsys, config) == {"MOPS-3"}


async def test_each_origin_keeps_its_own_last_snapshots(script: Script, write_config, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mopstui.core import store as store_mod

    monkeypatch.setattr(store_mod, "KEEP_SNAPSHOTS", 2)
    config = write_config(SCRIPTED)
    script.problems = [problem("1001")]
    await check_new(capsys, config)
    for _ in range(3):  # a long day of cockpit refreshes
        await look(config)
    store = StateStore(default_path())
    assert store.latest_snapshot_ref("mkto", origin="check") is not None
    script.problems = [problem("1001"), problem("1003")]
    assert await check_new(capsys, config) == {"1003"}
