"""Feedback in the cockpit: the refresh marker, space that advances, readable details, toasts in place."""

from __future__ import annotations

import io
import re

from rich.console import Console
from rich.text import Text

from mopstui import paths
from mopstui.config import load_config
from mopstui.tui.app import MopsApp
from mopstui.tui.screens.detail import DetailScreen
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


def detail_text(app: MopsApp) -> str:
    from textual.widgets import Static

    lines = []
    for static in app.screen.query(Static):
        shown = static.content
        if isinstance(shown, Text):
            lines.append(shown.plain)
        else:  # the fields' grid: as the terminal shows it
            console = Console(width=76, record=True, file=io.StringIO())
            console.print(shown)
            lines.append(console.export_text())
    return "\n".join(lines)


async def test_request_detail_reads_yes_no_and_local_times(state_dir) -> None:
    app = MopsApp(load_config(paths.config_path(), demo=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        shown = detail_text(app)
        assert re.search(r"overdue\s+(yes|no)\b", shown), shown
        assert re.search(
            r"created\s+\d{4}-\d\d-\d\d \d\d:\d\d \((\d+[smhd] ago|in \d+[smhd])\)", shown
        )  # another test may leave a frozen clock, shown
        assert "True" not in shown and "False" not in shown
        assert "t take · x decline · m done · y copy link · escape close" in shown


async def test_source_detail_names_capabilities_in_words(write_config) -> None:
    text = "[sources.good]\nkind='demo'\ncontacts=300\n[sources.down]\nkind='demo'\nfail='error'\n"
    app = make_app(write_config, text)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("g", "enter")  # the inline error row: the source's whole status
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        shown = detail_text(app)
        assert "frozenset" not in shown and "True" not in shown and "False" not in shown, shown
        assert re.search(r"read only\s+no\b", shown), shown
        assert "request queue" in shown and "workflow checks" in shown and "data quality" in shown
        assert "r retry · escape close" in shown


async def test_detail_hints_follow_a_keys_remap(write_config) -> None:
    text = "[keys]\nactivate = 'A'\ncopy_link = 'L'\ndetail_close = 'c'\n[sources.demo]\nkind='demo'\ncontacts=100\n"
    app = make_app(write_config, text)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("enter")
        await pilot.pause()
        shown = detail_text(app)
        assert "A activate · d deactivate · L copy link · c close" in shown, shown
        await pilot.press("c")  # the key named closes it
        await pilot.pause()
        assert not isinstance(app.screen, DetailScreen)


async def test_notifications_leave_the_status_bar_and_the_pane_summary_line_visible(state_dir) -> None:
    app = MopsApp(load_config(paths.config_path(), demo=True))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("y", "space")  # two notices: a link copied, an item reviewed
        await pilot.pause(0.2)
        toasts = list(app.screen.query("Toast"))
        assert len(toasts) >= 2
        status = app.main.query_one(StatusBar).region  # type: ignore[union-attr]
        pane = app.main.active_pane.region  # type: ignore[union-attr]
        summary_row = pane.bottom - 1  # the pane's bottom border, with its counts
        for toast in toasts:
            assert not toast.region.overlaps(status), (toast.region, status)
            assert toast.region.bottom <= summary_row, (toast.region, summary_row)


async def test_the_keys_a_detail_names_work_there_remapped_too(write_config) -> None:
    from mopstui.tui.screens.confirm import ConfirmScreen

    text = "[keys]\nactivate = 'A'\n[sources.demo]\nkind='demo'\ncontacts=100\n"
    app = make_app(write_config, text)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("enter", "a")  # the old key does nothing here
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Lead Routing" in str(app.screen.body)
        await pilot.press("escape", "2", "enter", "t")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.screen.title_text == "Take this request?"
