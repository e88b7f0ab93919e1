"""The same rules two ways on the same million contacts, in one run: PostgreSQL counting inside the
engine (the warehouse source) beside DuckDB scanning the CSV (the file source).

    python benchmarks/bench_warehouse.py              # generates benchmarks/data/contacts-1m.csv once
    python benchmarks/bench_warehouse.py --runs 5 --json

A throwaway cluster (tests/postgres_cluster.py: initdb in a temp dir, a Unix socket) is loaded with
COPY from the very CSV the file source reads. The runs alternate between the two engines so both
see the same machine; both must report identical counts, or the benchmark fails. Last, the count
query's plan (EXPLAIN ANALYZE), which must read the table once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "tests")]

import postgres_cluster  # noqa: E402

from benchmarks.gen_contacts import generate  # noqa: E402
from benchmarks.pure_python_scan import COLUMNS  # noqa: E402
from mopstui.adapters.files import FileOptions, FileSource  # noqa: E402
from mopstui.adapters.warehouse import WarehouseOptions, WarehouseSource, dialects  # noqa: E402

DEFAULT_FILE = HERE / "data" / "contacts-1m.csv"
TODAY = date(2026, 1, 1)
REQUIRED = ["email", "country", "lead_source"]


def load(dsn: str, path: Path) -> float:
    started = time.perf_counter()
    postgres_cluster.load_csv(dsn, "analytics.contacts", path)
    return time.perf_counter() - started


def timed(source: Any) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    metrics = asyncio.run(source.fetch_quality())
    return time.perf_counter() - started, {m.metric: m.count for m in metrics}


def plan_text(source: WarehouseSource, dsn: str) -> str:
    import psycopg

    from mopstui.adapters.warehouse.postgres import PostgresConnection

    conn = PostgresConnection(dsn, None, "bench")
    try:
        _, plan = source._plan(conn)
    finally:
        conn.close()
    sql = dialects.count_sql(plan, "analytics.contacts", "postgres")
    with psycopg.connect(dsn, autocommit=True) as pg:
        rows = pg.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) {sql}").fetchall()
    return "\n".join(str(r[0]) for r in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    reason = postgres_cluster.unavailable_reason()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    if not args.file.exists():
        generate(args.file, 1_000_000)
    cluster = postgres_cluster.start()
    try:
        load_seconds = load(cluster.dsn, args.file)
        options = WarehouseOptions(
            dialect="postgres", table="analytics.contacts", dsn=cluster.dsn, columns=COLUMNS, required_fields=REQUIRED
        )
        warehouse = WarehouseSource("dw", options, today=lambda: TODAY)
        file_options = FileOptions(path=str(args.file), columns=COLUMNS, required_fields=REQUIRED)
        pg_times, duck_times = [], []
        for _ in range(args.runs):
            pg_wall, pg_counts = timed(warehouse)
            files = FileSource("file", file_options, today=lambda: TODAY)  # a fresh one: no cached scan
            duck_wall, duck_counts = timed(files)
            if pg_counts != duck_counts:
                print(f"counts differ:\n postgres {pg_counts}\n duckdb   {duck_counts}", file=sys.stderr)
                return 1
            pg_times.append(pg_wall)
            duck_times.append(duck_wall)
        plan = plan_text(warehouse, cluster.dsn)
    finally:
        cluster.stop()
    figures = {
        "rows": 1_000_000,
        "load_seconds": round(load_seconds, 2),
        "postgres_count_seconds": round(statistics.median(pg_times), 2),
        "duckdb_file_scan_seconds": round(statistics.median(duck_times), 2),
        "runs": args.runs,
        "counts": pg_counts,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"COPY of {args.file.name} into PostgreSQL: {load_seconds:.1f} s")
        print(f"PostgreSQL count (warehouse source), median of {args.runs}: {figures['postgres_count_seconds']} s")
        print(f"DuckDB scan of the CSV (file source), median of {args.runs}: {figures['duckdb_file_scan_seconds']} s")
        print("identical counts:", ", ".join(f"{k}={v:,}" for k, v in pg_counts.items()))
        print("\nthe count query's plan:\n" + plan)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
