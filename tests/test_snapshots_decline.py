"""Snapshot of the decline editor at 80x24 and 120x40: the suggested reply, filled in for MOPS-102."""

from __future__ import annotations

import pytest

from mopstui.devtools import shots

pytestmark = pytest.mark.usefixtures("utc_and_real_clock")

EDITOR = shots.Scene("decline-editor", keys=("2", "x", "enter"))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_decline_editor(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(shots.scene_app(EDITOR), terminal_size=size, run_before=shots.before(EDITOR))
