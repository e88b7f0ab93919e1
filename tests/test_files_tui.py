"""Drill-down from the Data quality pane: enter lists sample rows, e exports them all."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from textual.widgets import DataTable

from mopstui import paths
from mopstui.config import load_config
from mopstui.tui.app import MopsApp
from mopstui.tui.screens.detail import DetailScreen
from mopstui.tui.screens.drilldown import DrilldownScreen

ROWS = [["a@acme.com", "DE"], ["b@acme.com", ""], ["a@acme.com", ""], ["info@acme.com", "FR"]]


@pytest.fixture
def app(tmp_path: Path, write_config) -> MopsApp:  # type: ignore[no-untyped-def]
    data = tmp_path / "contacts.csv"
    with open(data, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["Email", "Country"], *ROWS])
    config = write_config(
        f'[sources.demo]\nkind = "demo"\n\n[sources.crm]\nkind = "file"\npath = "{data}"\n'
        'required_fields = ["email", "country"]\n'
    )
    return MopsApp(load_config(config))


async def select_metric(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    for _ in range(100):
        await pilot.pause(0.05)
        if app.main is not None and key in app.main.pane("quality").items and not app.cockpit.refreshing:
            break
    else:
        raise AssertionError("quality pane did not load")
    await pilot.press("3")
    assert app.main.pane("quality").table.move_to(key)


async def wait_for(pilot, predicate) -> None:  # type: ignore[no-untyped-def]
    for _ in range(100):
        await pilot.pause(0.05)
        if predicate():
            return
    raise AssertionError("timed out")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_enter_lists_sample_rows_and_e_exports(app: MopsApp, size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        await select_metric(pilot, "crm:missing:country")
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, DrilldownScreen)
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        assert [str(c.label) for c in table.columns.values()] == ["row", "Email", "Country"]
        await pilot.press("e")
        await wait_for(pilot, lambda: screen.exported is not None)
        assert screen.exported is not None and screen.exported.parent == paths.exports_dir()
        with open(screen.exported, encoding="utf-8", newline="") as fh:
            assert [r[1] for r in csv.reader(fh)][1:] == ["b@acme.com", "a@acme.com"]
        await pilot.press("escape")
        assert not isinstance(app.screen, DrilldownScreen)


async def test_e_on_the_pane_exports_without_opening(app: MopsApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await select_metric(pilot, "crm:duplicates")
        await pilot.press("e")
        await wait_for(pilot, lambda: any(paths.exports_dir().glob("crm-duplicates-*.csv")))
        (path,) = paths.exports_dir().glob("crm-duplicates-*.csv")
        await wait_for(pilot, lambda: path.stat().st_size > 0)


async def test_demo_metrics_keep_the_detail_view(app: MopsApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await select_metric(pilot, "demo:duplicates")
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
