"""`enter` on a `changed` problem shows its definition before and now, side by side, line by line;
`space` marks it reviewed, on the cockpit and from the diff view alike."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from rich.table import Table
from textual.widgets import Static

from mopstui import paths, runtime
from mopstui.adapters.demo import days
from mopstui.config import load_config
from mopstui.core.memory import Memory
from mopstui.core.store import open_default
from mopstui.tui.app import MopsApp
from mopstui.tui.screens.diff import DiffScreen

from fakes.pilot import loaded

NEWSLETTER = "demo:1003:changed"
NURTURE = "demo:1006:changed"


def diff_rows(screen: DiffScreen) -> list[tuple[str, str, str]]:
    """The side-by-side table's rows as shown: (mark, before, now)."""
    table = screen.query_one("#diff-lines", Static).content
    assert isinstance(table, Table)
    cells = [[str(getattr(c, "plain", c)) for c in column._cells] for column in table.columns]
    return list(zip(*cells, strict=True))


def screen_text(screen: DiffScreen) -> str:
    console = Console(width=130, record=True, file=io.StringIO())
    for static in screen.query(Static):
        console.print(static.content)
    return console.export_text()


async def a_night_of_drift() -> None:
    """The first morning (the baseline, as a check takes it), then `--next-day` for the cockpit to plant."""
    store = open_default()
    memory = Memory(store, audit=runtime.audit_log())
    cockpit = runtime.build_cockpit(load_config(paths.config_path(), demo=True), memory=memory)
    await cockpit.refresh()
    await cockpit.aclose()
    store.close()
    days.ask_next_day(days.diary_path(paths.state_dir(), "demo"))


async def test_enter_shows_the_diff_and_space_marks_it_reviewed(state_dir: Path) -> None:
    await a_night_of_drift()
    app = MopsApp(load_config(paths.config_path(), demo=True))
    async with app.run_test(size=(140, 40)) as pilot:
        await loaded(pilot)
        pane = app.main.pane("workflows")  # type: ignore[union-attr]
        assert {NEWSLETTER, NURTURE} <= {row.key for row in pane.table.rows}
        pane.table.move_to(NEWSLETTER)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiffScreen)
        rows = diff_rows(screen)
        assert ("-", "filter 'Country': matches Country is US", "") in rows
        assert (
            "",
            "trigger 'Fills Out Form': matches Web Form is Newsletter Signup",
            "trigger 'Fills Out Form': matches Web Form is Newsletter Signup",
        ) in rows
        assert ("", "qualification: once", "qualification: once") in rows
        shown = screen_text(screen)
        assert "filter 'Country' removed (was: matches Country is US)." in shown
        assert "space reviewed · y copy link · escape close" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DiffScreen)
        assert pane.selected().key == NEWSLETTER
        await pilot.press("space")  # on the cockpit, as for any item
        assert app.memory is not None and app.memory.is_reviewed(NEWSLETTER)

        pane.table.move_to(NURTURE)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DiffScreen)
        assert ("~", "qualification: once", "qualification: every time") in diff_rows(app.screen)
        await pilot.press("space")  # from the diff view: closes it and marks the problem reviewed
        await pilot.pause()
        assert not isinstance(app.screen, DiffScreen)
        assert app.memory.is_reviewed(NURTURE)
