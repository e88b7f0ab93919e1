"""Salesforce (`kind = "salesforce"`): data quality of Leads and Contacts, and the org's integration health.

    [sources.sfdc]
    kind = "salesforce"
    instance_url = "https://acme.my.salesforce.com"
    client_id = "..."          # client_secret: `mopstui auth set sfdc client_secret`
    objects = ["Lead", "Contact"]

Quality: per object, a Bulk API 2.0 query job of the fields the rules need, its CSV pages streamed
to a file in the user cache dir (0600, replaced by the next export), counted by the very `file`
source that counts a contact export on disk (same DuckDB rules); metrics read `Lead · duplicates`.
An export is reused until `export_every_hours` old; while a new one runs, the source status shows
its state and the last counts stay. Plus `duplicate_rule_hits`, the org's own duplicate rules' hits
today. Workflows: the daily API allowance and the last 24 h of setup changes, as problems.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from mopstui import paths
from mopstui.adapters.files import FileSource, age_hours
from mopstui.adapters.files.options import KNOWN_FIELDS
from mopstui.adapters.files.reader import ExportFile
from mopstui.adapters.salesforce import bulk, health
from mopstui.adapters.salesforce.api import SalesforceApi
from mopstui.adapters.salesforce.options import DUPLICATE_RULE_HITS, SalesforceOptions
from mopstui.core.errors import AuthError, QuotaError, SourceError
from mopstui.core.models import QualityMetric, WorkflowScan
from mopstui.core.quality import make_metric
from mopstui.core.source import SourceContext

__all__ = ["SalesforceOptions", "SalesforceSource"]

#: What joins an object and a rule in a metric key: `Lead · duplicates`.
SEPARATOR = " · "
DUPLICATE_RULE_SOQL = "SELECT COUNT() FROM DuplicateRecordItem WHERE CreatedDate = TODAY"
#: Seconds between polls of a running job (Bulk API 2.0 guide: poll, do not spin), and polls per refresh.
POLL_SECONDS = 2.0
POLLS_PER_REFRESH = 5
#: Seconds a refresh spends downloading pages before it leaves the rest to the next refresh.
DOWNLOAD_SECONDS = 20.0


class SalesforceSource(SalesforceApi):
    """A Salesforce org: Bulk API exports counted by the file rules, API limits, setup changes."""

    kind = "salesforce"
    Options = SalesforceOptions
    capabilities = frozenset({"workflows", "quality", "drilldown"})

    def __init__(
        self,
        name: str,
        options: SalesforceOptions,
        context: SourceContext | None = None,
        *,
        today: Callable[[], date] = date.today,
        cache_dir: Path | None = None,
        **seams: Any,
    ) -> None:
        super().__init__(name, options, context, **seams)
        self.today = today
        self.cache = (cache_dir or paths.cache_dir()) / "salesforce" / re.sub(r"[^A-Za-z0-9_.-]", "-", name)
        self._jobs: dict[str, bulk.QueryJob] = {}
        #: Per object: our field -> the Salesforce field feeding it (from describe, once per source life).
        self._mappings: dict[str, dict[str, str]] = {}
        self._files: dict[str, FileSource] = {}
        self._object_status: dict[str, str] = {}
        self._api_status = ""
        self._token_lock = asyncio.Lock()

    async def token(self) -> str:
        async with self._token_lock:  # the two fetches run together: one token request, not two
            return await super().token()

    # -- the export files -------------------------------------------------------------------------
    def export_path(self, sobject: str) -> Path:
        return self.cache / f"{sobject}.csv"

    def _file_source(self, sobject: str) -> FileSource:
        source = self._files.get(sobject)
        if source is None:
            options = self.options.file_options(str(self.export_path(sobject)))
            options = dataclasses.replace(options, columns=self._mappings.get(sobject, options.columns))
            source = FileSource(self.name, options, SourceContext(state_dir=self.context.state_dir), today=self.today)
            self._files[sobject] = source
        return source

    # -- fields and SOQL --------------------------------------------------------------------------
    async def _mapping(self, sobject: str) -> dict[str, str]:
        mapping = self._mappings.get(sobject)
        if mapping is None:
            names = await self.field_names(sobject)
            for ours, theirs in self.options.columns.items():
                if not any(n.lower() == theirs.lower() for n in names):
                    raise SourceError(
                        f"{self.name}: {sobject} has no field {theirs!r} (mapped from columns.{ours}); "
                        f"its fields are {', '.join(sorted(names, key=str.lower))}"
                    )
            where = ExportFile(self.export_path(sobject), "csv", f"{self.name}: {sobject}")
            mapping = where.resolve(names, self.options.columns, self.options.required_fields)
            mapping = {k: v for k, v in mapping.items() if k in KNOWN_FIELDS or k in self.options.required_fields}
            self._mappings[sobject] = mapping
            self._files.pop(sobject, None)  # built again with this mapping
        return mapping

    async def soql(self, sobject: str) -> str:
        fields = list(dict.fromkeys((await self._mapping(sobject)).values()))
        return f"SELECT {', '.join(fields)} FROM {sobject}"

    # -- quality ----------------------------------------------------------------------------------
    async def _advance(self, sobject: str, started: float) -> None:
        """Start, poll or download this object's export as far as one refresh goes."""
        path = self.export_path(sobject)
        job = self._jobs.get(sobject)
        if job is None:
            age = age_hours(path, self.now())
            if age is not None and age < self.options.export_every_hours:
                return
            job = await bulk.create(self, sobject, await self.soql(sobject))
            self._jobs[sobject] = job
        part = path.with_name(path.name + ".part")
        try:
            for polls in range(1, POLLS_PER_REFRESH + 1):
                if job.state not in bulk.RUNNING and polls > 1:
                    break
                await bulk.poll(self, job)
                if job.state in bulk.RUNNING and polls < POLLS_PER_REFRESH:
                    await self.sleep(POLL_SECONDS)
            while job.state == "JobComplete" and job.locator is not None:
                if self.clock() - started > DOWNLOAD_SECONDS:
                    break
                await bulk.download_page(self, job, part)
        except (AuthError, QuotaError):
            raise  # the job itself is fine: carry on with it once the calls work again
        except SourceError:
            self._jobs.pop(sobject, None)
            part.unlink(missing_ok=True)
            raise
        self._object_status[sobject] = job.status()
        if job.state == "JobComplete" and job.locator is None:
            if not part.exists() or part.stat().st_size == 0:  # no rows at all: still a header
                fields = list(dict.fromkeys(self._mappings[sobject].values()))
                part.write_text(",".join(f'"{f}"' for f in fields) + "\n", encoding="utf-8")
            part.replace(path)  # the new export supersedes the old one, which is gone
            stamp = self.now().timestamp()  # its age is read on the source's clock
            os.utime(path, (stamp, stamp))
            del self._jobs[sobject]
            self._object_status.pop(sobject, None)

    async def fetch_quality(self) -> list[QualityMetric]:
        started = self.clock()
        metrics: list[QualityMetric] = []
        for sobject in self.options.objects:
            await self._advance(sobject, started)
            if self.export_path(sobject).exists():
                await self._mapping(sobject)
                found = await self._file_source(sobject).fetch_quality()
                metrics.extend(self._relabel(sobject, m) for m in found)
                if sobject not in self._jobs and found:
                    age = age_hours(self.export_path(sobject), self.now()) or 0.0
                    self._object_status[sobject] = f"{sobject} {found[0].total or 0:,} rows, exported {age:.0f} h ago"
                elif sobject in self._jobs and found:
                    self._object_status[sobject] += f", showing the last export's {found[0].total or 0:,} rows"
            elif sobject not in self._jobs:
                self._object_status.pop(sobject, None)
        metrics.append(await self._duplicate_rule_hits())
        self._show_health()
        return metrics

    def _relabel(self, sobject: str, metric: QualityMetric) -> QualityMetric:
        return dataclasses.replace(
            metric, metric=f"{sobject}{SEPARATOR}{metric.metric}", label=f"{sobject}{SEPARATOR}{metric.label}"
        )

    async def _duplicate_rule_hits(self) -> QualityMetric:
        hits = await self.count(DUPLICATE_RULE_SOQL)
        return make_metric(self.name, DUPLICATE_RULE_HITS, hits, None, self.options.duplicate_rule_thresholds())

    def _show_health(self) -> None:
        parts = [self._object_status[o] for o in self.options.objects if o in self._object_status]
        if self._api_status:
            parts.append(self._api_status)
        self.health = "; ".join(parts)

    # -- drill-down -------------------------------------------------------------------------------
    def _split(self, metric: str) -> tuple[FileSource, str]:
        sobject, sep, rule = metric.partition(SEPARATOR)
        if not sep or sobject not in self.options.objects or not self.export_path(sobject).exists():
            raise SourceError(f"{self.name}: no exported rows for metric {metric!r}")
        return self._file_source(sobject), rule

    async def sample_rows(self, metric: str, limit: int = 50) -> tuple[list[str], list[list[str]]]:
        source, rule = self._split(metric)
        return await source.sample_rows(rule, limit)

    async def export_rows(self, metric: str, path: Path) -> int:
        source, rule = self._split(metric)
        return await source.export_rows(rule, path)

    # -- integration health -----------------------------------------------------------------------
    async def fetch_workflows(self) -> WorkflowScan:
        now = self.now()
        used, top = health.api_usage(self.name, await self.call("GET", f"{self.data_path}/limits/"))
        self._api_status = health.usage_text(used, top)
        self._show_health()
        problems = []
        limit = health.limit_problem(self.name, used, top, self.options.instance_url, now)
        if limit is not None:
            problems.append(limit)
        records = await self.query(health.audit_soql(now))
        problems.extend(health.audit_problems(self.name, records, self.options.instance_url))
        return WorkflowScan(problems)

    async def check_connection(self) -> str:
        used, top = health.api_usage(self.name, await self.call("GET", f"{self.data_path}/limits/"))
        return f"connected to {self.options.instance_url}; {health.usage_text(used, top)}"
