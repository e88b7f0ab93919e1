"""Contact exports on disk (`kind = "file"`): data-quality counts and drill-down, with DuckDB.

    [sources.crm-export]
    kind = "file"
    path = "~/exports/contacts.csv"          # .csv, .csv.gz, .parquet, .jsonl
    columns = { email = "Email Address", country = "Country" }
    required_fields = ["email", "country", "lead_source"]
    stale_after_days = 730
    thresholds = { duplicates = [1, 5] }     # [warning, critical] percent of rows

One query counts every rule in one pass; the scan runs in a worker thread, and is repeated only when
the file's size or modification time changes (or the day changes, which moves the stale cut-off).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from mopstui.adapters.files import reader, scan
from mopstui.adapters.files.options import FileOptions
from mopstui.adapters.files.reader import ExportFile
from mopstui.core.errors import SourceError
from mopstui.core.models import QualityMetric
from mopstui.core.private import private_dir
from mopstui.core.quality import make_metric
from mopstui.core.source import Source, SourceContext

__all__ = ["FileOptions", "FileSource"]

T = TypeVar("T")
#: (modification time in ns, size in bytes): a change of either means a new file to scan.
FileKey = tuple[int, int]


def age_hours(path: Path, now: datetime) -> float | None:
    """Hours since an export file was last written (its modification time); None when there is none."""
    try:
        return (now.timestamp() - os.stat(path).st_mtime) / 3600.0
    except OSError:
        return None


class FileSource(Source):
    """Data quality of one contact export; `sample_rows` and `export_rows` drill into a metric."""

    kind = "file"
    Options = FileOptions
    capabilities = frozenset({"quality", "drilldown"})

    def __init__(
        self,
        name: str,
        options: FileOptions,
        context: SourceContext | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(name, options, context)
        self.today = today
        self.export = ExportFile(Path(options.path).expanduser(), options.format, options.path)
        self._layout: tuple[tuple[FileKey, date], scan.Layout] | None = None
        self._counts: tuple[tuple[FileKey, date], scan.Counts] | None = None
        #: One scan at a time: a refresh and a drill-down on a changed file would otherwise both plan it.
        self._lock = asyncio.Lock()
        #: How many full scans ran (tests use it to prove an unchanged file is not re-read).
        self.scans = 0

    # -- the file -------------------------------------------------------------------------------
    def _file_key(self) -> FileKey:
        try:
            st = os.stat(self.export.path)
        except FileNotFoundError:
            raise SourceError(f"{self.options.path}: file not found; check path in [sources.{self.name}]") from None
        except OSError as exc:
            raise SourceError(f"{self.options.path}: cannot be read ({exc.strerror or exc})") from None
        if not os.path.isfile(self.export.path):
            raise SourceError(f"{self.options.path}: not a file; path should name a contact export")
        if st.st_size == 0:
            raise SourceError(f"{self.options.path}: the file is empty")
        return (st.st_mtime_ns, st.st_size)

    def _spill_dir(self) -> Path | None:
        state = self.context.state_dir
        if state is None:
            return None
        spill = state / "duckdb-tmp"
        try:  # DuckDB's spill files hold contact rows: in a folder only the user may enter
            private_dir(state)
            private_dir(spill)
        except OSError:
            pass  # DuckDB reports its own trouble if it ever has to spill
        return spill

    async def _blocking(self, job: Callable[[Any], T]) -> T:
        """Run `job(connection)` in a worker thread. If we are cancelled (the source's timeout), DuckDB
        is interrupted and the Python side told to stop, so no scan outlives its fetch."""
        con = reader.connect(self._spill_dir())
        stop = threading.Event()

        def run() -> T:
            try:
                return job(con)
            finally:
                con.close()

        token = reader.STOP.set(stop)  # the worker thread gets a copy of this context
        try:
            return await asyncio.to_thread(run)
        except asyncio.CancelledError:
            stop.set()
            with contextlib.suppress(Exception):  # already closed: the job had just finished
                con.interrupt()
            raise
        finally:
            reader.STOP.reset(token)

    async def _layout_for(self, key: tuple[FileKey, date], con_job: Callable[[Any, scan.Layout], T]) -> T:
        """Run `con_job(connection, layout)`, planning the layout first if the file changed."""
        cached = self._layout if self._layout is not None and self._layout[0] == key else None

        def job(con: Any) -> tuple[scan.Layout, T]:
            layout = cached[1] if cached else scan.plan(con, self.export, self.options, key[1])
            return layout, con_job(con, layout)

        layout, result = await self._blocking(job)
        self._layout = (key, layout)
        return result

    # -- quality --------------------------------------------------------------------------------
    async def fetch_quality(self) -> list[QualityMetric]:
        async with self._lock:
            key = (self._file_key(), self.today())
            if self._counts is not None and self._counts[0] == key:
                counts = self._counts[1]
                self.health = f"{counts.total:,} rows (unchanged, not re-scanned)"
            else:
                counts = await self._layout_for(key, lambda con, layout: scan.count(con, self.export, layout))
                self._counts = (key, counts)
                self.scans += 1
                self.health = f"{counts.total:,} rows scanned in {counts.seconds:.1f} s"
        overrides = self.options.threshold_overrides()
        return [make_metric(self.name, m, n, counts.total, overrides) for m, n in counts.counts.items()]

    # -- drill-down -----------------------------------------------------------------------------
    async def sample_rows(self, metric: str, limit: int = 50) -> tuple[list[str], list[list[str]]]:
        """`row` (1 = first data row), then the mapped columns, for up to `limit` offending rows."""
        async with self._lock:
            key = (self._file_key(), self.today())
            return await self._layout_for(key, lambda con, layout: scan.sample(con, self.export, layout, metric, limit))

    async def export_rows(self, metric: str, path: Path) -> int:
        """Every offending row of `metric`, with all the file's columns, written to the CSV `path`."""
        async with self._lock:
            key = (self._file_key(), self.today())
            return await self._layout_for(
                key, lambda con, layout: scan.export_csv(con, self.export, layout, metric, Path(path))
            )
