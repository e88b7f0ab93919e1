"""SVG snapshots of the cockpit's key screens in every shipped theme, at 80x24 and 120x40.

The scenes (mopstui/devtools/shots.py) run the seeded demo on a frozen clock with TZ=UTC, so the
snapshots are the same on every machine and day. Update with `pytest --snapshot-update`.
"""

from __future__ import annotations

import pytest

from mopstui.devtools import shots

pytestmark = pytest.mark.usefixtures("utc_and_real_clock")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("scene", shots.SCENES, ids=[s.name for s in shots.SCENES])
def test_scene(snap_compare, scene: shots.Scene, size: tuple[int, int]) -> None:
    assert snap_compare(shots.scene_app(scene), terminal_size=size, run_before=shots.before(scene))


async def test_the_second_morning_has_a_fortnight_of_counts_with_tonights_night_alone_new() -> None:
    scene = next(s for s in shots.SCENES if s.second_morning)
    app = shots.scene_app(scene)
    async with app.run_test(size=(120, 40)) as pilot:
        await shots.before(scene)(pilot)
        result = app.cockpit.results["demo"]
        dupes = next(k for k in result.trends if k.endswith("duplicates"))
        trend = result.trends[dupes]
        assert len(trend) == shots.TREND_MORNINGS  # the 14-day sparkline is full
        assert trend == sorted(trend) and trend[-1] > trend[0]  # regrown every night
        assert result.deltas[dupes] == 38  # tonight's list import alone
        new_problems = [p for p in result.problems if p.key in result.new_keys]
        assert [p.problem for p in new_problems] == ["inactive"]  # the earlier nights were fixed
