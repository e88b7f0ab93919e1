"""PostgreSQL through psycopg 3: a read-only session, rows streamed, a query cancelled on request."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from mopstui.adapters.warehouse.connection import Cost, column_names, first_row, import_driver, one_line
from mopstui.adapters.warehouse.dialects import columns_sql
from mopstui.core.errors import SourceError


class PostgresConnection:
    """One psycopg connection in autocommit mode, its session read-only."""

    def __init__(self, dsn: str, password: str | None, where: str) -> None:
        psycopg = import_driver("postgres")
        self.where = where
        extra: dict[str, Any] = {"application_name": "mopstui", "autocommit": True}
        if password:
            extra["password"] = password
        try:
            self.conn = psycopg.connect(dsn, connect_timeout=15, **extra)
        except Exception as exc:
            raise SourceError(f"{where}: cannot connect to PostgreSQL ({one_line(exc)})") from None
        try:
            self.conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            row = self.conn.execute("SHOW server_encoding").fetchone()
        except Exception as exc:
            self.close()
            raise self.error(exc) from None
        if row is None or str(row[0]).upper() not in ("UTF8", "UTF-8"):
            encoding = row[0] if row else "unknown"
            self.close()
            raise SourceError(
                f"{where}: the database's encoding is {encoding}; the rules need UTF8 "
                "(code points and Unicode case, as the file source reads them)"
            )

    def error(self, exc: BaseException) -> SourceError:
        message = one_line(exc)
        if "und-x-icu" in message:
            return SourceError(
                f"{self.where}: the server has no ICU collation und-x-icu; mopstui lower-cases with it "
                "to match Python's Unicode lower-casing (PostgreSQL built with ICU is needed)"
            )
        if "canceling statement" in message:
            return SourceError(f"{self.where}: query cancelled")
        return SourceError(f"{self.where}: PostgreSQL refused the query ({message})")

    def columns(self, table: str) -> list[str]:
        return column_names(self.conn, columns_sql(table, "postgres"), self.error)

    def fetch_one(self, sql: str) -> tuple[Sequence[Any], Cost]:
        return first_row(self.conn, sql, self.where, self.error), Cost()

    def stream(self, sql: str, batch: int) -> tuple[list[str], Iterator[Sequence[Sequence[Any]]]]:
        cur = self.conn.cursor()
        # psycopg's stream() reads the answer row by row (libpq's single-row mode): a big export
        # never sits in memory whole. The first row is read here, so the names are known.
        try:
            rows = cur.stream(sql)
            first = next(rows, None)
        except Exception as exc:
            raise self.error(exc) from None
        names = [d.name for d in cur.description or []]

        def batches() -> Iterator[Sequence[Sequence[Any]]]:
            if first is None:
                return
            chunk: list[Sequence[Any]] = [first]
            try:
                for row in rows:
                    chunk.append(row)
                    if len(chunk) >= batch:
                        yield chunk
                        chunk = []
            except Exception as exc:
                raise self.error(exc) from None
            if chunk:
                yield chunk

        return names, batches()

    def cancel(self) -> None:
        cancel = getattr(self.conn, "cancel_safe", None) or self.conn.cancel
        cancel()

    def close(self) -> None:
        self.conn.close()
