"""BigQuery through google-cloud-bigquery: a query job, its bytes processed, cancelled by job id."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator, Sequence
from typing import Any

from mopstui.adapters.warehouse.connection import Cost, import_driver, one_line, only_row
from mopstui.adapters.warehouse.dialects import table_expression
from mopstui.adapters.warehouse.options import WarehouseOptions
from mopstui.core.errors import SourceError


class BigQueryConnection:
    """A BigQuery client for one project: a service-account key from the keyring, else the
    machine's application default credentials."""

    def __init__(self, options: WarehouseOptions, where: str, credentials_json: str | None) -> None:
        bigquery = import_driver("bigquery")
        self.bigquery, self.where = bigquery, where
        project = options.project or None
        kwargs: dict[str, Any] = {"location": options.location or None}
        if credentials_json:
            try:
                info = json.loads(credentials_json)
                account = importlib.import_module("google.oauth2.service_account")
                kwargs["credentials"] = account.Credentials.from_service_account_info(info)
            except (ValueError, KeyError, TypeError, AttributeError):
                raise SourceError(f"{where}: the credentials_json secret is not a service-account key (JSON)") from None
            project = project or info.get("project_id")
        try:
            self.client = bigquery.Client(project=project, **kwargs)
        except Exception as exc:  # google.auth's DefaultCredentialsError among them
            raise SourceError(f"{where}: cannot reach BigQuery ({one_line(exc)})") from None
        self.job: Any = None

    def error(self, exc: BaseException) -> SourceError:
        message = one_line(getattr(exc, "message", None) or exc)
        if "cancel" in message.lower():
            return SourceError(f"{self.where}: query cancelled")
        return SourceError(f"{self.where}: BigQuery refused the query ({message})")

    def columns(self, table: str) -> list[str]:
        parsed = table_expression(table, "bigquery")
        table_id = ".".join(p for p in (parsed.catalog or self.client.project, parsed.db, parsed.name) if p)
        try:  # table metadata: free, no query billed
            schema = self.client.get_table(table_id).schema
        except Exception as exc:
            raise self.error(exc) from None
        return [field.name for field in schema]

    def _run(self, sql: str, page_size: int | None = None) -> Any:
        config = self.bigquery.QueryJobConfig(labels={"tool": "mopstui"})
        try:
            self.job = self.client.query(sql, job_config=config, job_id_prefix="mopstui_")
            return self.job.result(page_size=page_size)
        except Exception as exc:
            raise self.error(exc) from None

    def fetch_one(self, sql: str) -> tuple[Sequence[Any], Cost]:
        rows = list(self._run(sql))
        row = only_row(rows[0] if rows else None, self.where)
        job = self.job
        scanned = getattr(job, "total_bytes_processed", None)
        return tuple(row.values()), Cost(
            query_id=str(getattr(job, "job_id", "")),
            bytes_scanned=int(scanned) if scanned is not None else None,
            cached=bool(getattr(job, "cache_hit", False)),
        )

    def stream(self, sql: str, batch: int) -> tuple[list[str], Iterator[Sequence[Sequence[Any]]]]:
        result = self._run(sql, page_size=batch)
        names = [field.name for field in result.schema]

        def batches() -> Iterator[Sequence[Sequence[Any]]]:
            try:
                for page in result.pages:
                    yield [tuple(row.values()) for row in page]
            except Exception as exc:
                raise self.error(exc) from None

        return names, batches()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def close(self) -> None:
        self.client.close()
