"""Feedback in the cockpit: the refresh marker, space that advances, readable details, toasts in place."""

from __future__ import annotations

from mopstui import paths
from mopstui.config import load_config
from mopstui.tui.app import MopsApp
from mopstui.tui.widgets.status import StatusBar

from fakes.pilot import loaded

SLOW_DEMO = "[sources.demo]\nkind = 'demo'\ncontacts = 100\nlatency = 1\n"


def make_app(write_config=None, config_text: str | None = None) -> MopsApp:
    path = write_config(config_text) if config_text else paths.config_path()
    return MopsApp(load_config(path))


def status_text(app: MopsApp) -> str:
    return app.main.query_one(StatusBar).render().plain  # type: ignore[union-attr]


async def test_r_shows_refreshing_for_the_source_until_it_answers(write_config) -> None:
    app = make_app(write_config, SLOW_DEMO)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert status_text(app).startswith("1/1 sources ok · updated ")
        await pilot.press("r")
        await pilot.pause(0.3)  # well inside the source's 1 s latency
        shown = status_text(app)
        assert shown.startswith("refreshing…"), shown
        assert "demo refreshing…" in shown, shown
        assert "sources ok" not in shown
        await loaded(pilot)
        for _ in range(40):  # the answer's redraw follows the refresh's end
            await pilot.pause(0.05)
            if "sources ok" in status_text(app):
                break
        shown = status_text(app)
        assert shown.startswith("1/1 sources ok · updated "), shown
        assert "refreshing" not in shown


async def test_space_marks_reviewed_and_moves_to_the_next_item(state_dir) -> None:
    app = MopsApp(load_config(paths.config_path(), demo=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.memory is not None
        pane = app.main.pane("workflows")  # type: ignore[union-attr]
        first, second, third = (row.key for row in list(pane.table.rows)[:3])
        await pilot.press("space", "space")  # two keys: two items reviewed
        assert app.memory.is_reviewed(first) and app.memory.is_reviewed(second)
        assert pane.selected().key == third
        await pilot.press("k", "space")  # on a reviewed item: un-marks it, and stays to show it
        assert not app.memory.is_reviewed(second)
        assert app.memory.is_reviewed(first)
        assert pane.selected().key == second
