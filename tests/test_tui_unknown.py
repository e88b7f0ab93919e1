"""Unknown is not zero: a source that failed or has not answered shows `?` in the pulse header and
the pane summaries, never a reassuring 0."""

from __future__ import annotations

import re

from mopstui.config import load_config
from mopstui.tui.app import MopsApp
from mopstui.tui.widgets.pulse import Pulse

from fakes.pilot import loaded

ONLY_DOWN = "[sources.down]\nkind='demo'\nfail='error'\n"
GOOD_AND_DOWN = "[sources.good]\nkind='demo'\ncontacts=300\n[sources.down]\nkind='demo'\nfail='error'\n"
SLOW = "[sources.slow]\nkind='demo'\nlatency=5\n"


def pulse_text(app: MopsApp) -> str:
    return str(app.main.query_one(Pulse).render())


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(100):
        await pilot.pause(0.05)
        if not pilot.app.cockpit.refreshing:
            return
    raise AssertionError("refresh did not finish")


async def test_a_failed_only_source_reads_unknown_not_all_clear(write_config) -> None:  # type: ignore[no-untyped-def]
    app = MopsApp(load_config(write_config(ONLY_DOWN)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pulse = pulse_text(app)
        assert "✖? ▲? i?" in pulse and "Requests ? !? late" in pulse and "✖? ▲?" in pulse.split("Quality")[1]
        assert not re.search(r"[✖▲i!]0|Requests 0", pulse)
        main = app.main
        assert main.pane("workflows").border_subtitle == "? critical · ? warning · ? info"
        assert main.pane("requests").border_subtitle == "? open · ? overdue"
        assert main.pane("quality").border_subtitle == "? over threshold"


async def test_a_failed_source_beside_a_good_one_reads_at_least(write_config) -> None:  # type: ignore[no-untyped-def]
    app = MopsApp(load_config(write_config(GOOD_AND_DOWN)))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await settle(pilot)
        assert app.main.pane("requests").border_subtitle.startswith("24+? open")
        assert "Requests 24+? " in pulse_text(app)


async def test_counts_are_unknown_while_the_first_answer_is_awaited(write_config) -> None:  # type: ignore[no-untyped-def]
    app = MopsApp(load_config(write_config(SLOW)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        assert app.cockpit.refreshing  # the slow demo has not answered yet
        assert "✖? ▲? i?" in pulse_text(app)
        assert app.main.pane("requests").border_subtitle == "? open · ? overdue"
