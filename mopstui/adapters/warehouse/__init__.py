"""Contacts inside a warehouse (`kind = "warehouse"`): the file source's rules, counted by the engine.

    [sources.dw]
    kind = "warehouse"
    dialect = "postgres"       # postgres | snowflake | bigquery | duckdb
    table = "analytics.contacts"
    columns = { email = "email_address", country = "country" }
    required_fields = ["email", "country"]
    dsn = "host=db.internal dbname=crm user=mops"     # password: mopstui auth set dw password

One aggregate query per refresh, the rules transpiled from the file source's DuckDB SQL (see
dialects.py); only the counts travel. Drill-down fetches at most 50 rows with a LIMIT; an export
streams the offending rows to a CSV, only when asked. Every query runs in a worker thread and is
cancelled when its fetch times out or the cockpit stops.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from mopstui.adapters.files.reader import ExportFile
from mopstui.adapters.files.rules_sql import RulePlan
from mopstui.adapters.warehouse import dialects
from mopstui.adapters.warehouse.bigquery import BigQueryConnection
from mopstui.adapters.warehouse.connection import Connection, Cost, Job
from mopstui.adapters.warehouse.duck import DuckConnection
from mopstui.adapters.warehouse.options import WarehouseOptions
from mopstui.adapters.warehouse.postgres import PostgresConnection
from mopstui.adapters.warehouse.snowflake import SnowflakeConnection
from mopstui.core.errors import CredentialError, SourceError
from mopstui.core.models import QualityMetric
from mopstui.core.quality import make_metric
from mopstui.core.rows_csv import write_rows_csv
from mopstui.core.source import Source, SourceContext

__all__ = ["WarehouseOptions", "WarehouseSource"]

T = TypeVar("T")
#: Rows per batch of an export: memory stays flat whatever the number of offending rows.
EXPORT_BATCH = 10_000
#: The most rows a drill-down ever fetches.
SAMPLE_LIMIT = 50


class WarehouseSource(Source):
    """Data quality of one contact table in a warehouse; `sample_rows` and `export_rows` drill in."""

    kind = "warehouse"
    Options = WarehouseOptions
    capabilities = frozenset({"quality", "drilldown"})
    #: All optional: postgres may use `password`, snowflake `private_key` or `password`, bigquery
    #: `credentials_json` (else the machine's application default credentials).
    secret_fields = ("password", "private_key", "credentials_json")

    def __init__(
        self,
        name: str,
        options: WarehouseOptions,
        context: SourceContext | None = None,
        *,
        today: Callable[[], date] = date.today,
        connect: Callable[[], Connection] | None = None,
    ) -> None:
        super().__init__(name, options, context)
        self.today = today
        self.dialect = options.dialect_name
        self._connect = connect or self._open
        self._lock = asyncio.Lock()
        self._jobs: set[Job] = set()
        #: What the last count cost (tests and the Sources view read it through `health`).
        self.last_cost: Cost | None = None
        self.last_seconds: float | None = None

    # -- connecting -----------------------------------------------------------------------------
    def _optional_secret(self, field_name: str) -> str | None:
        try:
            return self.context.secret(field_name) or None
        except CredentialError:
            return None

    def _open(self) -> Connection:
        o, where = self.options, f"{self.options.table} ({self.dialect}, source {self.name})"
        if self.dialect == "postgres":
            return PostgresConnection(o.dsn, self._optional_secret("password"), where)
        if self.dialect == "snowflake":
            key, password = self._optional_secret("private_key"), self._optional_secret("password")
            if not key and not password:
                raise SourceError(
                    f"no private_key or password for source '{self.name}': run "
                    f"`mopstui auth set {self.name} private_key` (or password)"
                )
            return SnowflakeConnection(o, where, private_key=key, password=password)
        if self.dialect == "bigquery":
            return BigQueryConnection(o, where, self._optional_secret("credentials_json"))
        return DuckConnection(o.database, where)

    async def _blocking(self, work: Callable[[Connection], T]) -> T:
        """`work(connection)` in a worker thread; cancelled (timeout, quit), the query is cancelled."""
        job = Job()
        self._jobs.add(job)
        try:
            return await asyncio.to_thread(job.run, self._connect, work)
        except asyncio.CancelledError:
            job.cancel()
            raise
        finally:
            self._jobs.discard(job)

    async def aclose(self) -> None:
        """The cockpit is stopping: cancel every query still running."""
        for job in list(self._jobs):
            job.cancel()

    # -- planning -------------------------------------------------------------------------------
    def _plan(self, connection: Connection) -> tuple[list[str], RulePlan]:
        """The table's columns, matched to ours, and the rules over them (what a file source plans)."""
        o = self.options
        columns = connection.columns(o.table)
        mapping = ExportFile(Path(o.table), "csv", o.table).resolve(columns, o.columns, o.required_fields)
        return columns, RulePlan.build(mapping, o.required_fields, self.today(), o.stale_after_days)

    # -- quality --------------------------------------------------------------------------------
    async def fetch_quality(self) -> list[QualityMetric]:
        def work(connection: Connection) -> tuple[RulePlan, list[Any], Cost, float]:
            _, plan = self._plan(connection)
            sql = dialects.count_sql(plan, self.options.table, self.dialect)
            started = time.perf_counter()
            row, cost = connection.fetch_one(sql)
            return plan, list(row), cost, time.perf_counter() - started

        async with self._lock:
            plan, row, cost, seconds = await self._blocking(work)
        self.calls += 1
        if len(row) != len(plan.metrics) + 1:
            raise SourceError(
                f"{self.options.table}: the count query answered {len(row)} columns, expected {len(plan.metrics) + 1}"
            )
        total, *values = (int(v or 0) for v in row)
        self.last_cost, self.last_seconds = cost, seconds
        self.health = f"{total:,} rows counted in {seconds:.1f} s{cost_text(cost)}"
        overrides = self.options.threshold_overrides()
        return [make_metric(self.name, m, n, total, overrides) for m, n in zip(plan.metrics, values, strict=True)]

    # -- drill-down -----------------------------------------------------------------------------
    async def sample_rows(self, metric: str, limit: int = SAMPLE_LIMIT) -> tuple[list[str], list[list[str]]]:
        """The mapped columns of at most `limit` (at most 50) offending rows."""
        limit = max(0, min(limit, SAMPLE_LIMIT))

        def work(connection: Connection) -> tuple[list[str], list[list[str]]]:
            columns, plan = self._plan(connection)
            used = set(plan.columns.values())
            shown = [c for c in columns if c in used]
            sql = self._rows_sql(plan, metric, shown, limit)
            names, batches = connection.stream(sql, limit or 1)
            rows = [["" if v is None else str(v) for v in r] for batch in batches for r in batch]
            return names, rows[:limit]

        async with self._lock:
            result = await self._blocking(work)
        self.calls += 1
        return result

    async def export_rows(self, metric: str, path: Path) -> int:
        """Every offending row of `metric`, with all the table's columns, streamed to the CSV `path`."""
        path = Path(path)

        def work(connection: Connection) -> int:
            columns, plan = self._plan(connection)
            names, batches = connection.stream(self._rows_sql(plan, metric, columns, None), EXPORT_BATCH)
            return write_rows_csv(path, names, batches)

        async with self._lock:
            written = await self._blocking(work)
        self.calls += 1
        return written

    def _rows_sql(self, plan: RulePlan, metric: str, output: list[str], limit: int | None) -> str:
        try:
            return dialects.rows_sql(plan, self.options.table, self.dialect, metric, output, limit)
        except KeyError:
            raise SourceError(f"no metric {metric!r} for this table (it has {', '.join(plan.metrics)})") from None


def cost_text(cost: Cost) -> str:
    """What the engine reported the count cost, for the Sources view ('' when it reports nothing)."""
    parts = []
    if cost.bytes_scanned is not None:
        parts.append(f"{human_bytes(cost.bytes_scanned)} scanned")
    if cost.credits is not None:
        parts.append(f"{cost.credits:.6f} credits")
    if cost.cached:
        parts.append("cached result")
    return "".join(f" · {p}" for p in parts)


def human_bytes(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{n} B"  # not reached
