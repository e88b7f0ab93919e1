"""Snowflake through snowflake-connector-python: a query submitted asynchronously (so its id is
known and it can be cancelled), and its cost read back from the session's query history."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from typing import Any

from mopstui.adapters.warehouse.connection import Cost, import_driver, one_line, only_row
from mopstui.adapters.warehouse.dialects import columns_sql
from mopstui.adapters.warehouse.options import WarehouseOptions
from mopstui.core.errors import SourceError

#: Snowflake docs, "QUERY_HISTORY, QUERY_HISTORY_BY_*" (Information Schema table functions): the
#: session's recent queries with CREDITS_USED_CLOUD_SERVICES and BYTES_SCANNED per QUERY_ID.
HISTORY_SQL = (
    "SELECT credits_used_cloud_services, bytes_scanned FROM "
    "TABLE(information_schema.query_history_by_session(result_limit => 100)) WHERE query_id = %s"
)


def _der_key(private_key: str) -> bytes | str:
    """A PEM private key (what `snowsql` and the docs' key-pair guide produce) as the DER bytes the
    connector takes; anything else is passed as it is (a base64 DER the connector decodes)."""
    if "-----BEGIN" not in private_key:
        return private_key
    try:
        serialization = importlib.import_module("cryptography.hazmat.primitives.serialization")
    except ImportError:
        raise SourceError(
            "reading a PEM private key needs cryptography; run: pip install 'mopstui[snowflake]'"
        ) from None
    try:
        key = serialization.load_pem_private_key(private_key.encode(), password=None)
    except (ValueError, TypeError):
        raise SourceError("the private_key secret is not an unencrypted PEM private key") from None
    der: bytes = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return der


class SnowflakeConnection:
    """One Snowflake session, tagged `mopstui` in the query history."""

    def __init__(self, options: WarehouseOptions, where: str, *, private_key: str | None, password: str | None) -> None:
        connector = import_driver("snowflake")
        self.where = where
        params: dict[str, Any] = {
            "account": options.account,
            "user": options.user,
            "application": "mopstui",
            "login_timeout": 30,
            "session_parameters": {"QUERY_TAG": "mopstui"},
        }
        for key in ("warehouse", "role", "database", "schema"):
            if getattr(options, key):
                params[key] = getattr(options, key)
        if private_key:
            params["private_key"] = _der_key(private_key)
        else:
            params["password"] = password
        try:
            self.conn = connector.connect(**params)
        except Exception as exc:
            raise SourceError(f"{where}: cannot connect to Snowflake ({one_line(exc)})") from None
        self.query_id = ""

    def error(self, exc: BaseException) -> SourceError:
        message = one_line(exc)
        if "cancel" in message.lower():
            return SourceError(f"{self.where}: query cancelled")
        return SourceError(f"{self.where}: Snowflake refused the query ({message})")

    def _run(self, sql: str) -> Any:
        cur = self.conn.cursor()
        try:
            cur.execute_async(sql)
            self.query_id = cur.sfqid
            cur.get_results_from_sfqid(self.query_id)
        except Exception as exc:
            raise self.error(exc) from None
        return cur

    def columns(self, table: str) -> list[str]:
        cur = self._run(columns_sql(table, "snowflake"))
        return [str(d[0]) for d in cur.description or []]

    def fetch_one(self, sql: str) -> tuple[Sequence[Any], Cost]:
        cur = self._run(sql)
        try:
            row = cur.fetchone()
        except Exception as exc:
            raise self.error(exc) from None
        return only_row(row, self.where), self._cost(self.query_id)

    def _cost(self, query_id: str) -> Cost:
        """Credits and bytes from the query history; the history may lag, then only the id is known."""
        try:
            cur = self.conn.cursor()
            cur.execute(HISTORY_SQL, (query_id,))
            found = cur.fetchone()
        except Exception:
            return Cost(query_id=query_id)
        if not found:
            return Cost(query_id=query_id)
        credits, scanned = found
        return Cost(
            query_id=query_id,
            credits=float(credits) if credits is not None else None,
            bytes_scanned=int(scanned) if scanned is not None else None,
        )

    def stream(self, sql: str, batch: int) -> tuple[list[str], Iterator[Sequence[Sequence[Any]]]]:
        cur = self._run(sql)
        names = [str(d[0]) for d in cur.description or []]

        def batches() -> Iterator[Sequence[Sequence[Any]]]:
            try:
                while chunk := cur.fetchmany(batch):
                    yield chunk
            except Exception as exc:
                raise self.error(exc) from None

        return names, batches()

    def cancel(self) -> None:
        if self.query_id:  # Snowflake docs, "SYSTEM$CANCEL_QUERY": cancels the query by its id
            self.conn.cursor().execute("SELECT SYSTEM$CANCEL_QUERY(%s)", (self.query_id,))

    def close(self) -> None:
        self.conn.close()
