"""The warehouse source against a real PostgreSQL: the same counts as the file source, value for value.

A throwaway cluster (tests/postgres_cluster.py) holds a million generated contacts, loaded with
COPY from the very CSV the file source scans. Skipped, with the reason, only where PostgreSQL or
psycopg cannot be found (`.ci/run` installs both).
"""

from __future__ import annotations

import asyncio
import csv
import importlib.util
import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import postgres_cluster
import pytest
from test_files_rules import HEADER, python_counts

from mopstui.adapters.files import FileOptions, FileSource
from mopstui.adapters.files.rules_sql import PY_WHITESPACE
from mopstui.adapters.warehouse import WarehouseOptions, WarehouseSource, dialects
from mopstui.core.errors import SourceError

TODAY = date(2026, 1, 1)
ROOT = Path(__file__).resolve().parents[1]


def _benchmark_module(name: str) -> Any:
    """A script of benchmarks/ (not a package on the test path), loaded by its file."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: The generated file's headers for our fields.
COLUMNS: dict[str, str] = _benchmark_module("pure_python_scan").COLUMNS
REQUIRED = ["email", "country", "lead_source"]

#: Rows where the engines' functions differ: Unicode whitespace, case, dates that do not exist.
EDGE_ROWS = [
    ["\u2003a@x.com\u3000", "Ann", "Lee", "DE", "Web", "2023-01-01", "no", "yes"],
    ["A@X.COM", "Ann", "Lee", "DE", "Web", "2024-02-30", "no", "yes"],
    ["b\u00a0c@x.com", "Bo", "Ek", "\u2028", "Web", "2000-02-29", "yes", "yes"],
    ["info@x.com", "\u0085Jane", "Doe\u00a0", "DE", "Web", "0000-01-01", "1", "y"],
    ["x@x.gr", "MICKEY", "mouse", "DE", " ", "1900-02-29", "TRUE", "T"],
    ["y@x.gr", "test", "TEST", "", "Web", "2023-06-30T08:00:00Z", "yes", "no"],
    ["z@x.gr", "x", "y", "DE", "Web", "2023-04-31 10:00", "", ""],
    ["test+1@gmail.com", "", "", "DE", "Web", "12/01/2020", "no", "no"],
    ["a@b@c.com", "John", " Doe", "DE", "Web", "1999-12-31", "no", "no"],
    ["x y@z.com", "Donald", "Duck", "DE", "Web", "2021-13-01", "no", "no"],
    ["\tsales@yahoo.com\n", "a", "b", "DE", "Web", "2024-01-01", "no", "no"],
]

#: Where Python's full Unicode lower-casing differs from a simple one: dotted capital I (lower-cased
#: to two characters) and a final sigma. PostgreSQL's ICU lower-casing agrees with Python; DuckDB's
#: lower() (so the file source) does not, so these rows are checked against the Python rules only.
CASE_ROWS = [
    ["İnfo@x.com", "A", "B", "DE", "Web", "", "", ""],
    ["ΟΔΟΣ@x.gr", "x", "y", "DE", "Web", "", "", ""],
    ["οδος@x.gr", "x", "y", "DE", "Web", "", "", ""],
]


@pytest.fixture(scope="session")
def cluster() -> Iterator[postgres_cluster.Cluster]:
    reason = postgres_cluster.unavailable_reason()
    if reason:
        pytest.skip(reason)
    running = postgres_cluster.start()
    try:
        yield running
    finally:
        running.stop()


def _generate(path: Path, rows: int) -> Path:
    return _benchmark_module("gen_contacts").generate(path, rows)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def million(cluster: postgres_cluster.Cluster, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One million generated contacts plus the edge rows, in a CSV and in analytics.contacts."""
    path = _generate(tmp_path_factory.mktemp("pg") / "contacts-1m.csv", 1_000_000)
    with open(path, "a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        for i, (email, first, last, country, source, activity, unsub, mkt) in enumerate(EDGE_ROWS):
            writer.writerow([f"9{i}", first, last, email, "Edge", "", country, source, "", activity, unsub, mkt])
    postgres_cluster.load_csv(cluster.dsn, "analytics.contacts", path)
    return path


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def warehouse(cluster: postgres_cluster.Cluster, table: str = "analytics.contacts", **kw: object) -> WarehouseSource:
    kw.setdefault("columns", COLUMNS)
    kw.setdefault("required_fields", REQUIRED)
    options = WarehouseOptions(dialect="postgres", table=table, dsn=cluster.dsn, **kw)  # type: ignore[arg-type]
    return WarehouseSource("dw", options, today=lambda: TODAY)


def counts(metrics: list) -> dict[str, int]:  # type: ignore[type-arg]
    return {m.metric: m.count for m in metrics}


@pytest.fixture(scope="session")
def table_counts(cluster: postgres_cluster.Cluster, million: Path) -> tuple[list, str]:  # type: ignore[type-arg]
    """The warehouse source's metrics for the million rows (one count, shared) and its health line."""
    source = warehouse(cluster)
    return asyncio.run(source.fetch_quality()), source.health


def test_a_million_rows_count_as_the_file_source_counts(million: Path, table_counts: tuple[list, str]) -> None:  # type: ignore[type-arg]
    file_source = FileSource(
        "crm", FileOptions(path=str(million), columns=COLUMNS, required_fields=REQUIRED), today=lambda: TODAY
    )
    from_file = asyncio.run(file_source.fetch_quality())
    from_table, health = table_counts
    assert counts(from_table) == counts(from_file)
    assert {m.total for m in from_table} == {m.total for m in from_file} == {1_000_000 + len(EDGE_ROWS)}
    assert [m.severity for m in from_table] == [m.severity for m in from_file]
    assert counts(from_table)["duplicates"] > 10_000 and counts(from_table)["stale"] > 10_000
    assert health.startswith(f"{1_000_000 + len(EDGE_ROWS):,} rows counted in ")


def test_edge_rows_count_as_the_python_rules(cluster: postgres_cluster.Cluster, tmp_path: Path) -> None:
    rows = [
        *EDGE_ROWS,
        *CASE_ROWS,
        *([f"{c}u{i}@x.com{c}", "", "", "DE", "W", "", "", ""] for i, c in enumerate(PY_WHITESPACE)),
    ]
    path = tmp_path / "edge.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    postgres_cluster.load_csv(cluster.dsn, "analytics.edge", path)
    source = warehouse(cluster, "analytics.edge", columns={}, required_fields=REQUIRED)
    assert counts(asyncio.run(source.fetch_quality())) == python_counts(rows)


def test_every_calendar_day_is_told_apart_from_an_impossible_one(cluster: postgres_cluster.Cluster) -> None:
    """The text test of dates that stands for DuckDB's try_cast, against Python's calendar."""
    import psycopg

    days = [
        f"{y:04d}-{m:02d}-{d:02d}"
        for y in (0, 1, 4, 100, 400, 1900, 2000, 2023, 2024, 9999)
        for m in range(0, 14)
        for d in range(0, 33)
    ]
    expr = dialects.valid_date_sql("v")
    sql = dialects._write(dialects._parse(f"SELECT v, {expr} FROM __mopstui_table__"), "days", "postgres")
    with psycopg.connect(cluster.dsn, autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE days (v text)")
        with conn.cursor().copy("COPY days FROM STDIN") as copy:
            copy.write("\n".join(days) + "\n")
        answers = dict(conn.execute(sql).fetchall())

    def python_valid(text: str) -> bool:
        try:
            date.fromisoformat(text)
        except ValueError:
            return False
        return True

    assert answers == {v: python_valid(v) for v in days}


def test_count_is_one_pass_over_the_table(cluster: postgres_cluster.Cluster, million: Path) -> None:
    import psycopg

    source = warehouse(cluster)
    from mopstui.adapters.warehouse.postgres import PostgresConnection

    conn = PostgresConnection(cluster.dsn, None, "test")
    try:
        _, plan = source._plan(conn)
    finally:
        conn.close()
    sql = dialects.count_sql(plan, "analytics.contacts", "postgres")
    with psycopg.connect(cluster.dsn, autocommit=True) as pg:
        (tree,) = pg.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}").fetchone()  # type: ignore[misc]
    nodes = list(_plan_nodes(tree[0]["Plan"] if isinstance(tree, list) else json.loads(tree)[0]["Plan"]))
    scans = [n for n in nodes if "Relation Name" in n]  # nodes that read a table
    assert [n["Relation Name"] for n in scans] == ["contacts"] and "Seq Scan" in scans[0]["Node Type"]
    read = scans[0]["Actual Rows"] * scans[0]["Actual Loops"]  # rows per loop are rounded
    assert abs(read - (1_000_000 + len(EDGE_ROWS))) <= scans[0]["Actual Loops"]
    assert not [n for n in nodes if n["Node Type"] in ("CTE Scan", "Materialize", "Nested Loop", "Hash Join")]
    assert nodes[0]["Node Type"] == "Aggregate" and nodes[0]["Actual Rows"] == 1


def _plan_nodes(node: dict) -> Iterator[dict]:  # type: ignore[type-arg]
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def test_drilldown_is_fifty_rows_and_export_streams_them_all(
    cluster: postgres_cluster.Cluster,
    million: Path,
    table_counts: tuple[list, str],
    tmp_path: Path,  # type: ignore[type-arg]
) -> None:
    source = warehouse(cluster)
    metrics = counts(table_counts[0])
    names, rows = asyncio.run(source.sample_rows("duplicates"))
    assert len(rows) == 50 and names == [c for c in _header(million) if c in COLUMNS.values()]
    _, invalid = asyncio.run(source.sample_rows("invalid_email", limit=500))
    assert len(invalid) == 50  # never more, whatever is asked
    out = tmp_path / "dups.csv"
    assert asyncio.run(source.export_rows("duplicates", out)) == metrics["duplicates"]
    with open(out, encoding="utf-8", newline="") as fh:
        exported = list(csv.reader(fh))
    assert exported[0] == _header(million) and len(exported) == metrics["duplicates"] + 1


def test_unknown_metric_and_missing_table_are_one_line(cluster: postgres_cluster.Cluster, million: Path) -> None:
    with pytest.raises(SourceError, match="no metric 'nope'"):
        asyncio.run(warehouse(cluster).sample_rows("nope"))
    with pytest.raises(SourceError) as caught:
        asyncio.run(warehouse(cluster, "analytics.missing").fetch_quality())
    assert "PostgreSQL refused the query" in str(caught.value) and "\n" not in str(caught.value)


def _active(cluster: postgres_cluster.Cluster) -> int:
    import psycopg

    with psycopg.connect(cluster.dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'mopstui' AND state = 'active'"
        ).fetchone()
    return int(row[0]) if row else 0


def _slow_view(cluster: postgres_cluster.Cluster) -> None:
    import psycopg

    with psycopg.connect(cluster.dsn, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS analytics")
        conn.execute("CREATE TABLE IF NOT EXISTS analytics.one (email text)")
        conn.execute("INSERT INTO analytics.one VALUES ('a@x.com')")
        conn.execute(
            "CREATE OR REPLACE VIEW analytics.slow AS SELECT email FROM analytics.one WHERE pg_sleep(60)::text IS NOT NULL"
        )


def _wait_until(check, seconds: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_a_timed_out_fetch_cancels_its_query(cluster: postgres_cluster.Cluster) -> None:
    _slow_view(cluster)
    source = warehouse(cluster, "analytics.slow", columns={}, required_fields=["email"])

    async def run() -> None:
        task = asyncio.create_task(source.fetch_quality())
        await asyncio.to_thread(_wait_until, lambda: _active(cluster) == 1)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(task, 0.1)

    asyncio.run(run())
    assert _wait_until(lambda: _active(cluster) == 0), "the query outlived its fetch"


def test_closing_the_source_cancels_a_running_query(cluster: postgres_cluster.Cluster) -> None:
    _slow_view(cluster)
    source = warehouse(cluster, "analytics.slow", columns={}, required_fields=["email"])

    async def run() -> None:
        task = asyncio.create_task(source.fetch_quality())
        assert await asyncio.to_thread(_wait_until, lambda: _active(cluster) == 1)
        await source.aclose()  # what the cockpit does when it quits
        with pytest.raises(SourceError, match="query cancelled"):
            await task

    asyncio.run(run())
    assert _active(cluster) == 0
