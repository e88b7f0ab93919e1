"""How mopstui runs the garbage collector: tuned at import, frozen once."""

from __future__ import annotations

import gc

import mopstui  # noqa: F401  (importing the package tunes the collector)
from mopstui.gctune import GC_THRESHOLDS, paused_gc, settle_gc


def test_thresholds_are_raised_at_import():
    assert all(now >= wanted for now, wanted in zip(gc.get_threshold(), GC_THRESHOLDS))


def test_what_is_alive_is_frozen_once_not_at_every_refresh():
    settle_gc()
    frozen = gc.get_freeze_count()
    later = [[i] for i in range(1000)]  # objects made after the first answers (a later refresh)
    settle_gc()
    assert gc.get_freeze_count() == frozen  # they stay collectable
    assert len(later) == 1000


def test_paused_gc_restores_the_collector():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_pause_until_settled_and_never_re_enable_someone_elses_pause():
    from mopstui.gctune import pause_gc, resume_gc

    pause_gc()
    assert not gc.isenabled()
    settle_gc()  # the first answers are on screen
    assert gc.isenabled()
    resume_gc()
    assert gc.isenabled()
    gc.disable()  # someone else's choice
    try:
        pause_gc()
        resume_gc()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_cockpit_starts_with_the_collector_paused_and_leaves_it_running(monkeypatch, tmp_path):
    from mopstui.cli import main
    from mopstui.tui.app import MopsApp

    seen: list[bool] = []
    monkeypatch.setattr(MopsApp, "run", lambda self, **kw: seen.append(gc.isenabled()))
    assert main(["--demo"]) == 0
    assert seen == [False] and gc.isenabled()  # paused while it started; running once it ended
    bad = tmp_path / "bad.toml"
    bad.write_text("[sources.x\n")
    assert main(["--config", str(bad)]) == 2  # a config error: the collector runs again too
    assert gc.isenabled()


async def test_the_first_answers_on_screen_resume_the_collector(tmp_path):
    from mopstui.config import load_config
    from mopstui.gctune import pause_gc
    from mopstui.tui.app import MopsApp

    pause_gc()
    try:
        app = MopsApp(load_config(tmp_path / "none.toml", demo=True))
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(200):
                if app.cockpit.results and all(s.state == "ok" for s in app.cockpit.statuses):
                    break
                await pilot.pause(0.01)
            assert gc.isenabled()
    finally:
        gc.enable()
