"""What the panes show: requester and owner at every size, the Requests scope (`f`), content-fitted
columns and a failing source's error in full, read from the lines the user sees."""

from __future__ import annotations

import pytest

from mopstui import paths
from mopstui.config import load_config
from mopstui.tui.app import MopsApp
from mopstui.tui.screens.confirm import ConfirmScreen

from fakes.pilot import loaded

SIZES = [(80, 24), (120, 40)]


def make_app(config_text: str | None = None, write_config=None) -> MopsApp:
    path = write_config(config_text) if config_text else paths.config_path()
    return MopsApp(load_config(path))


def seen(app: MopsApp, pane: str) -> list[str]:
    """The pane's table as drawn: its header and rows, one string per screen line."""
    table = app.main.pane(pane).table
    return [table.render_line(y).text for y in range(table.size.height)]


def line_of(app: MopsApp, pane: str, needle: str) -> str:
    return next(line for line in seen(app, pane) if needle in line)


@pytest.mark.parametrize("size", SIZES)
async def test_requests_show_requester_and_owner_and_a_taken_request_becomes_yours(size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        assert "Requester" in seen(app, "requests")[0] and "Owner" in seen(app, "requests")[0]
        first = line_of(app, "requests", "MOPS-101")
        assert "Dana Whit" in first and "you" not in first
        await pilot.press("t")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        taken = line_of(app, "requests", "MOPS-101")
        assert taken.rstrip().endswith("you")  # the Owner column, the row's last
        if size == (120, 40):
            assert "Dana Whitfield (VP Marketing)" in taken  # the requester whole where the room is


async def test_titles_and_metrics_are_not_cut_when_the_room_exists():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert "Data Hygiene - Normalize Country " in line_of(app, "workflows", "Data Hygiene")
        assert "Unsubscribed but marketable " in line_of(app, "quality", "Unsubscribed")
        # the count sits beside its metric, not across the pane
        duplicates = line_of(app, "quality", "Duplicate emails")
        assert duplicates.index("124") - duplicates.index("Duplicate emails") < 40
        assert "Add product update to the lead scoring model" in line_of(app, "requests", "MOPS-111")


async def test_f_cycles_the_requests_scope_names_it_and_keeps_it_after_a_refresh():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        pane = app.main.pane("requests")
        everything = len(pane.table.rows)
        await pilot.press("f")
        assert app.main.active == "requests"
        assert pane.border_title == "Requests · unassigned"
        unassigned = [r for r in pane.table.rows if not r.kind]
        assert 0 < len(unassigned) < everything
        assert all(pane.items[r.key].assignee is None for r in unassigned)
        await pilot.press("f")
        assert pane.border_title == "Requests · mine"
        mine = [pane.items[r.key] for r in pane.table.rows if not r.kind]
        assert mine and all(r.assignee == "you" for r in mine)
        assert all(line.rstrip().endswith("you") for line in seen(app, "requests")[1 : len(mine) + 1])
        await pilot.press("r")
        await loaded(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert pane.border_title == "Requests · mine"  # kept for the session
        assert [r.key for r in pane.table.rows if not r.kind] == [r.key for r in mine]
        await pilot.press("f")
        assert pane.border_title == "Requests" and len(pane.table.rows) == everything


@pytest.mark.parametrize("size", SIZES)
async def test_a_failing_source_shows_its_whole_error_wrapped(size, write_config):
    text = "[sources.good]\nkind='demo'\ncontacts=300\n[sources.down]\nkind='demo'\nfail='error'\n"
    app = make_app(text, write_config)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.pause()
        lines = [line.strip() for line in seen(app, "workflows")]
        start = next(i for i, line in enumerate(lines) if line.startswith("✖ down"))
        wrapped = sum(1 for r in app.main.pane("workflows").table.rows if r.key == "notice:down")
        shown = " ".join(lines[start : start + wrapped])
        assert "cannot reach demo.mopstui.invalid (connection refused)" in shown
        assert "…" not in shown


async def test_each_header_count_is_reached_by_the_key_it_shows():
    from mopstui.tui.widgets.pulse import Pulse

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        header = str(app.main.query_one(Pulse).render())
        for key, label, pane in (
            ("2", "Requests", "requests"),
            ("3", "Quality", "quality"),
            ("1", "Workflows", "workflows"),
        ):
            assert f"{key} {label}" in header
            await pilot.press(key)
            assert app.main.active == pane and app.main.pane(pane).display
