"""A DuckDB database file as the warehouse (`dialect = "duckdb"`), opened read-only."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from mopstui.adapters.warehouse.connection import Cost, column_names, first_row, import_driver, one_line
from mopstui.adapters.warehouse.dialects import columns_sql
from mopstui.core.errors import SourceError


class DuckConnection:
    """One read-only connection to a DuckDB database file."""

    def __init__(self, database: str, where: str) -> None:
        duckdb = import_driver("duckdb")
        self.where = where
        path = Path(database).expanduser()
        if not path.is_file():
            raise SourceError(f"{where}: database {database!r} not found")
        try:
            self.conn = duckdb.connect(str(path), read_only=True)
            self.conn.execute("SET enable_progress_bar = false")  # it would draw over the TUI
        except Exception as exc:
            raise SourceError(f"{where}: cannot open {database!r} ({one_line(exc)})") from None

    def error(self, exc: BaseException) -> SourceError:
        if "Interrupt" in type(exc).__name__:
            return SourceError(f"{self.where}: query cancelled")
        return SourceError(f"{self.where}: DuckDB refused the query ({one_line(exc)})")

    def columns(self, table: str) -> list[str]:
        return column_names(self.conn, columns_sql(table, "duckdb"), self.error)

    def fetch_one(self, sql: str) -> tuple[Sequence[Any], Cost]:
        return first_row(self.conn, sql, self.where, self.error), Cost()

    def stream(self, sql: str, batch: int) -> tuple[list[str], Iterator[Sequence[Sequence[Any]]]]:
        try:
            cur = self.conn.execute(sql)
        except Exception as exc:
            raise self.error(exc) from None
        names = [str(d[0]) for d in cur.description or []]

        def batches() -> Iterator[Sequence[Sequence[Any]]]:
            while chunk := cur.fetchmany(batch):
                yield chunk

        return names, batches()

    def cancel(self) -> None:
        self.conn.interrupt()

    def close(self) -> None:
        self.conn.close()
