"""A warehouse table in the cockpit (a DuckDB database as the engine): its counts in the Data
quality pane, its cost line in the Sources view, enter lists at most 50 rows, e exports them all."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from test_files_tui import select_metric, wait_for
from textual.widgets import DataTable

from mopstui import paths
from mopstui.config import load_config
from mopstui.tui.app import MopsApp
from mopstui.tui.screens.drilldown import DrilldownScreen
from mopstui.tui.screens.sources import source_rows

#: 70 rows without a country (more than a drill-down shows), 3 copies of one address.
ROWS = [(f"p{i}@acme.com", "") for i in range(70)] + [("a@acme.com", "DE")] * 3 + [("info@acme.com", "FR")]


@pytest.fixture
def app(tmp_path: Path, write_config) -> MopsApp:  # type: ignore[no-untyped-def]
    database = tmp_path / "dw.duckdb"
    with duckdb.connect(str(database)) as conn:
        conn.execute("CREATE SCHEMA crm")
        conn.execute("CREATE TABLE crm.contacts (email_address TEXT, country TEXT)")
        conn.executemany("INSERT INTO crm.contacts VALUES (?, ?)", ROWS)
    config = write_config(
        '[sources.dw]\nkind = "warehouse"\ndialect = "duckdb"\n'
        f'database = "{database}"\ntable = "crm.contacts"\n'
        'columns = { email = "email_address" }\nrequired_fields = ["email", "country"]\n'
    )
    return MopsApp(load_config(config))


async def test_counts_then_fifty_sample_rows_then_an_export(app: MopsApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await select_metric(pilot, "dw:missing:country")
        items = app.main.pane("quality").items  # type: ignore[union-attr]
        assert items["dw:missing:country"].count == 70 and items["dw:duplicates"].count == 2
        (row,) = source_rows(app.cockpit)
        assert row.state == "ok" and row.health.startswith("74 rows counted in ")  # the query's wall time
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, DrilldownScreen)
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 50)
        caption = str(screen.query_one("#drilldown-status").render())
        assert caption == "first 50 of 70 offending rows"  # a table has no file row numbers to explain
        await pilot.press("e")
        await wait_for(pilot, lambda: screen.exported is not None)
        assert screen.exported is not None and screen.exported.parent == paths.exports_dir()
        with open(screen.exported, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == ["email_address", "country"] and len(rows) == 71
