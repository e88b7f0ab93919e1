"""FakeMarketo with Bulk Lead Extract, shaped like Adobe's docs (shared/reference/marketo/bulk-lead-extract.md).

- "Creating a Job": `POST /bulk/v1/leads/export/create.json` {fields, format, filter} -> a job in
  status `Created`; a `createdAt` range longer than 31 days is refused ("The range must be 31 days
  or fewer"; error 1003 as for any invalid parameter, error-codes.md).
- Enqueue -> `Queued`; more than 10 queued or processing is 1029 "Too many jobs in queue"; the
  day's 500 MB spent is 1029 "Export daily quota exceeded" (error-codes.md, 1029).
- "Polling Job Status": Queued -> Processing -> Completed (with `numberOfRecords`, `fileSize`), or
  `Failed` with `errorMsg`; the fake moves one state per poll (Adobe updates it at most once a minute,
  which the source honours by its own clock).
- "Retrieving Your Data": `file.json` is the CSV, headers the REST field names, an empty field `null`.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from fakes.marketo import FakeMarketo


@dataclass
class BulkJob:
    export_id: str
    fields: list[str]
    start: datetime
    end: datetime
    status: str = "Created"


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class FakeMarketoBulk(FakeMarketo):
    """`leads` are dicts of REST field name -> value (None for empty), each with a `createdAt` datetime."""

    def __init__(self, leads: list[dict[str, Any]], **kw: Any) -> None:
        super().__init__(**kw)
        self.leads = leads
        self.jobs: dict[str, BulkJob] = {}
        self.bytes_today = 0
        self.daily_bytes = 500 * 1024 * 1024
        self.fail_with = ""
        #: Jobs of other integrations (the audience counts...) already in the instance's queue.
        self.others_queued = 0
        self._ids = itertools.count(1)
        self.on_file: Callable[[BulkJob], None] | None = None

    def handle(self, request: httpx.Request) -> httpx.Response:
        self._body = request.content
        return super().handle(request)

    def route_more(self, request: httpx.Request) -> httpx.Response | None:
        # this fake's own bulk jobs (full exports with files) answer the bulk paths, not the
        # audience-count jobs of fakes.marketo_more
        if request.url.path.startswith("/bulk/v1/leads/export/"):
            return None
        return super().route_more(request)

    def _route(self, method: str, path: str, params: dict[str, str]) -> httpx.Response:
        if path == "/bulk/v1/leads/export/create.json" and method == "POST":
            return self._create(json.loads(self._body))
        match = re.fullmatch(r"/bulk/v1/leads/export/([\w-]+)/(enqueue|status|file)\.json", path)
        if match:
            job = self.jobs.get(match.group(1))
            if job is None:
                return self._error("1003", "Export id not found")
            verb = match.group(2)
            if verb == "enqueue":
                return self._enqueue(job)
            if verb == "status":
                return self._status(job)
            return self._file(job)
        return super()._route(method, path, params)

    def _create(self, body: dict[str, Any]) -> httpx.Response:
        window = body.get("filter", {}).get("createdAt", {})
        start, end = _when(window["startAt"]), _when(window["endAt"])
        if end - start > timedelta(days=31):
            return self._error("1003", "createdAt: The range must be 31 days or fewer")
        job = BulkJob(f"ce45a7a1-f19d-4ce2-882c-{next(self._ids):012d}", list(body["fields"]), start, end)
        self.jobs[job.export_id] = job
        return self._ok([{"exportId": job.export_id, "status": "Created", "format": "CSV"}])

    def _enqueue(self, job: BulkJob) -> httpx.Response:
        if self.bytes_today >= self.daily_bytes:
            return self._error("1029", "Export daily quota exceeded")
        running = sum(j.status in ("Queued", "Processing") for j in self.jobs.values()) + self.others_queued
        if running >= 10:
            return self._error("1029", "Too many jobs in queue")
        job.status = "Queued"
        return self._ok([{"exportId": job.export_id, "status": "Queued", "format": "CSV"}])

    def _rows(self, job: BulkJob) -> list[dict[str, Any]]:
        return [lead for lead in self.leads if job.start <= lead["createdAt"] <= job.end]

    def _csv(self, job: BulkJob) -> bytes:
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(job.fields)
        for lead in self._rows(job):
            writer.writerow(["null" if lead.get(f) in (None, "") else lead[f] for f in job.fields])
        return out.getvalue().encode()

    def _status(self, job: BulkJob) -> httpx.Response:
        if job.status == "Queued":
            job.status = "Processing"
        elif job.status == "Processing":
            job.status = "Failed" if self.fail_with else "Completed"
            if job.status == "Completed":
                self.bytes_today += len(self._csv(job))
        info: dict[str, Any] = {"exportId": job.export_id, "status": job.status, "format": "CSV"}
        if job.status == "Completed":
            info.update(numberOfRecords=len(self._rows(job)), fileSize=len(self._csv(job)))
        if job.status == "Failed":
            info["errorMsg"] = self.fail_with
        return self._ok([info])

    def _file(self, job: BulkJob) -> httpx.Response:
        if job.status != "Completed":
            return self._error("1003", "Job not completed")
        return httpx.Response(200, content=self._csv(job), headers={"Content-Type": "text/csv"})
