"""The blocking work of a file source: plan the columns, count every rule, fetch offending rows.

Each function takes its own DuckDB connection and runs in a worker thread; DuckDB releases the GIL
while it works, so the cockpit's event loop keeps drawing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from mopstui.adapters.files.options import FileOptions
from mopstui.adapters.files.reader import ExportFile
from mopstui.adapters.files.rules_sql import RulePlan
from mopstui.core.errors import SourceError
from mopstui.core.rows_csv import write_rows_csv

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class Layout:
    """What one version of the file looks like: its columns and the rule plan built on them."""

    columns: list[str]
    plan: RulePlan

    def table(self, export: ExportFile) -> str:
        return export.table(self.columns)

    def shown_columns(self) -> list[str]:
        """The file's headers a sample shows: the mapped fields, in the file's own order."""
        used = set(self.plan.columns.values())
        return [c for c in self.columns if c in used]


@dataclass(frozen=True)
class Counts:
    """The rule counts of one scan of a contact export."""

    total: int
    counts: dict[str, int]
    seconds: float


def plan(con: duckdb.DuckDBPyConnection, export: ExportFile, options: FileOptions, today: date) -> Layout:
    """Read the file's columns and match them to ours (raises SourceError naming what is missing)."""
    columns = export.columns(con)
    mapping = export.resolve(columns, options.columns, options.required_fields)
    return Layout(columns, RulePlan.build(mapping, options.required_fields, today, options.stale_after_days))


def count(con: duckdb.DuckDBPyConnection, export: ExportFile, layout: Layout) -> Counts:
    """Every rule's count in one pass over the file."""
    started = time.perf_counter()
    try:
        row = con.execute(layout.plan.count_sql(layout.table(export))).fetchone()
    except Exception as exc:
        raise export.error(exc) from None
    assert row is not None  # an aggregate without GROUP BY always answers one row
    total, *values = row
    return Counts(
        int(total), dict(zip(layout.plan.metrics, map(int, values), strict=False)), time.perf_counter() - started
    )


def sample(
    con: duckdb.DuckDBPyConnection, export: ExportFile, layout: Layout, metric: str, limit: int
) -> tuple[list[str], list[list[str]]]:
    """Column names and up to `limit` offending rows, values as text ('' for empty)."""
    _check_metric(layout, metric)
    sql = layout.plan.rows_sql(layout.table(export), metric, layout.shown_columns(), limit)
    try:
        cursor = con.execute(sql)
        rows = cursor.fetchall()
    except Exception as exc:
        raise export.error(exc) from None
    names = [d[0] for d in cursor.description or []]
    return names, [["" if v is None else str(v) for v in r] for r in rows]


def export_csv(con: duckdb.DuckDBPyConnection, export: ExportFile, layout: Layout, metric: str, path: Path) -> int:
    """Write every offending row, with every column of the file, to the CSV `path`; return how many."""
    _check_metric(layout, metric)
    sql = layout.plan.rows_sql(layout.table(export), metric, layout.columns)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description or []]
        return write_rows_csv(path, names, iter(lambda: cursor.fetchmany(10_000), []))
    except SourceError:
        raise
    except Exception as exc:
        raise export.error(exc) from None


def _check_metric(layout: Layout, metric: str) -> None:
    if metric not in layout.plan.metrics:
        raise SourceError(f"no metric {metric!r} for this file (it has {', '.join(layout.plan.metrics)})")
