"""Memory in the cockpit: new marks, `space` marks reviewed, `s` opens "since last check"."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Input

from mopstui import paths
from mopstui.config import load_config
from mopstui.core.memory import Memory
from mopstui.core.store import StateStore, default_path
from mopstui.runtime import build_cockpit
from mopstui.tui.app import MopsApp
from mopstui.tui.screens.help import HelpScreen
from mopstui.tui.screens.since import SinceScreen

from fakes.pilot import loaded, record_notices


def demo_app() -> MopsApp:
    return MopsApp(load_config(paths.config_path(), demo=True))


def marker(app: MopsApp, pane: str, key: str) -> str:
    p = app.main.pane(pane)  # type: ignore[union-attr]
    return p.marker(p.items[key], getattr(p.items[key], "severity", "")).plain


async def test_first_open_marks_items_new_and_space_marks_reviewed(state_dir: Path) -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.memory is not None
        pane = app.main.pane("workflows")  # type: ignore[union-attr]
        key = pane.selected().key
        assert marker(app, "workflows", key).endswith("•")
        await pilot.press("space")
        assert app.memory.is_reviewed(key)
        assert not marker(app, "workflows", key).endswith("•")
        await pilot.press("k", "space")  # again on it (space moved down): not reviewed any more
        assert not app.memory.is_reviewed(key)
        await pilot.press("space")
    # a later session the same day keeps the mark
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.main.pane("workflows").reviewed >= {key}  # type: ignore[union-attr]


async def test_since_last_check_lists_what_appeared_and_what_was_resolved(state_dir: Path) -> None:
    config = load_config(paths.config_path(), demo=True)
    # an earlier cockpit session: the demo as it is, then MOPS-102 declined from elsewhere
    cockpit = build_cockpit(config, memory=Memory(StateStore(default_path()), origin="cockpit"))
    await cockpit.refresh()
    await cockpit.aclose()
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await app.cockpit.perform("demo", "decline", "MOPS-102")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SinceScreen)
        resolved = [i.id for i in app.screen.since.resolved]
        assert resolved == ["MOPS-102"]
        await pilot.press("escape")
        assert not isinstance(app.screen, SinceScreen)


async def test_since_is_in_help_and_the_filter_still_takes_the_letter_s(state_dir: Path) -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", "s")
        assert not isinstance(app.screen, SinceScreen)
        assert app.main.query_one("#workflows Input", Input).value == "s"  # type: ignore[union-attr]
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = [row[2] for row in app.binding_rows()]
        assert "review" in ids and "since" in ids


async def test_a_corrupt_store_is_a_notice_not_a_crash(state_dir: Path) -> None:
    (state_dir / "state.db").write_bytes(b"not a database" * 100)
    app = demo_app()
    notices = record_notices(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert "unreadable" in app.memory_warning
        assert any("unreadable" in str(n.message) for n in notices)
        await asyncio.sleep(0)


async def test_quitting_right_away_still_saves_the_snapshot(state_dir: Path, monkeypatch) -> None:
    """`q` pressed while a (slow) snapshot is being written waits for it: the next check compares
    with this session, not with an older one."""
    from mopstui.core import memory as memory_mod
    from mopstui.tui import app as app_mod

    monkeypatch.setattr(memory_mod, "SNAPSHOT_SLICE", 2)  # many slices (30 or so)...
    monkeypatch.setattr(app_mod, "RECORD_PAUSE", 0.05)  # ...each with a pause: a second or more
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        for _ in range(40):  # the writer starts once the screen has painted
            writers = [w for w in app.workers if w.group == "record" and not w.is_finished]
            if writers:
                break
            await pilot.pause(0.02)
        assert writers
        # Textual would describe the worker by repr(work): every request, spelled out, on the event loop
        assert all(len(w.description) < 40 for w in writers)
        await pilot.press("q")
        await pilot.pause(0.1)
    store = StateStore(default_path())
    assert store.snapshot_count("demo") == 1
    assert len(store.latest_snapshot("demo")[1]["requests"]) == 24  # type: ignore[index]
