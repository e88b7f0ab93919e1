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
