"""What a warehouse source asks of a database driver, and the parts every driver shares.

A `Connection` is blocking and used from one worker thread; only `cancel` is called from another
(the event loop's, when a fetch times out or the cockpit stops). Drivers are imported when a
source first connects, never with this module, and a missing one is a one-line SourceError
naming the extra to install.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol, TypeVar

from mopstui.core.errors import SourceError

T = TypeVar("T")

#: dialect -> (the driver's module, the pip extra that brings it).
DRIVERS: dict[str, tuple[str, str]] = {
    "postgres": ("psycopg", "postgres"),
    "snowflake": ("snowflake.connector", "snowflake"),
    "bigquery": ("google.cloud.bigquery", "bigquery"),
    "duckdb": ("duckdb", ""),
}


@dataclass(frozen=True)
class Cost:
    """What the engine says one query cost, where it says anything."""

    query_id: str = ""
    bytes_scanned: int | None = None
    credits: float | None = None
    cached: bool = False


class Connection(Protocol):
    """One open connection to a warehouse."""

    def columns(self, table: str) -> list[str]:
        """The table's column names, in its order."""
        ...

    def fetch_one(self, sql: str) -> tuple[Sequence[Any], Cost]:
        """The one row an aggregate query answers, and what it cost."""
        ...

    def stream(self, sql: str, batch: int) -> tuple[list[str], Iterator[Sequence[Sequence[Any]]]]:
        """Column names and the rows in batches of at most `batch`, fetched as they are read."""
        ...

    def cancel(self) -> None:
        """Stop the query running now (called from another thread)."""
        ...

    def close(self) -> None: ...


def import_driver(dialect: str) -> ModuleType:
    module, extra = DRIVERS[dialect]
    try:
        return importlib.import_module(module)
    except ImportError:
        raise SourceError(
            f"the {dialect} driver ({module}) is not installed; run: pip install 'mopstui[{extra}]'"
        ) from None


def one_line(text: object, limit: int = 300) -> str:
    """A driver's message as one short line (drivers answer in paragraphs, with hints and carets)."""
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    first = lines[0] if lines else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def only_row(row: T | None, where: str) -> T:
    """The one row an aggregate query answered; none at all is a SourceError naming `where`."""
    if row is None:
        raise SourceError(f"{where}: the count query answered no row")
    return row


def execute(conn: Any, sql: str, error: Callable[[BaseException], SourceError]) -> Any:
    """`conn.execute(sql)` on a DB-API connection (DuckDB, psycopg); a refusal is the driver's `error`."""
    try:
        return conn.execute(sql)
    except Exception as exc:
        raise error(exc) from None


def first_row(conn: Any, sql: str, where: str, error: Callable[[BaseException], SourceError]) -> Sequence[Any]:
    """The one row `sql` answers on a DB-API connection."""
    row: Sequence[Any] | None = execute(conn, sql, error).fetchone()
    return only_row(row, where)


def column_names(conn: Any, sql: str, error: Callable[[BaseException], SourceError]) -> list[str]:
    """The column names of `sql`'s answer on a DB-API connection (its cursor's `description`)."""
    return [str(d[0]) for d in execute(conn, sql, error).description or []]


class Job:
    """One query's connection, reachable from the event loop so it can be cancelled.

    The connection is opened in the worker thread; a cancel that comes before it is open makes the
    thread close it at once instead of running anything.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: Connection | None = None
        self.cancelled = False

    def attach(self, connection: Connection) -> None:
        with self._lock:
            if not self.cancelled:
                self._connection = connection
                return
        connection.close()
        raise SourceError("query cancelled")

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            connection = self._connection
        if connection is not None:
            try:
                connection.cancel()
            except Exception:  # the query had just finished, or the connection is gone
                pass

    def run(self, connect: Callable[[], Connection], work: Callable[[Connection], Any]) -> Any:
        connection = connect()
        self.attach(connection)
        try:
            return work(Checked(connection, self))
        finally:
            with self._lock:
                self._connection = None
            try:
                connection.close()
            except Exception:
                pass


class Checked:
    """A job's connection that runs no statement once the job is cancelled.

    The engine's cancel stops only the statement running at that moment: one that arrives between
    two statements of a fetch (the columns, then the count) would otherwise be lost, and the next
    statement would run to its end. Each call checks the job before and after it runs.
    """

    def __init__(self, connection: Connection, job: Job) -> None:
        self._connection, self._job = connection, job

    def _check(self) -> None:
        if self._job.cancelled:
            raise SourceError("query cancelled")

    def columns(self, table: str) -> list[str]:
        self._check()
        found = self._connection.columns(table)
        self._check()
        return found

    def fetch_one(self, sql: str) -> tuple[Sequence[Any], Cost]:
        self._check()
        answer = self._connection.fetch_one(sql)
        self._check()
        return answer

    def stream(self, sql: str, batch: int) -> tuple[list[str], Iterator[Sequence[Sequence[Any]]]]:
        self._check()
        names, batches = self._connection.stream(sql, batch)

        def checked() -> Iterator[Sequence[Sequence[Any]]]:
            for chunk in batches:
                self._check()
                yield chunk

        return names, checked()

    def cancel(self) -> None:
        self._connection.cancel()

    def close(self) -> None:
        self._connection.close()
