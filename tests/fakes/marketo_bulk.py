"""The fake Marketo's Bulk Lead Extract: one model of the export jobs, for the audience counts
(an id-only export of a smart list) and the data-quality export (every field, a `createdAt` window).

A mixin of `fakes.marketo.FakeMarketo`. Each behaviour cites Adobe's pages in
shared/reference/marketo/ (copied under tests/contracts/):

- bulk-lead-extract.md, "Creating a Job": `POST /bulk/v1/leads/export/create.json` {fields, format,
  filter} -> a job `Created`; a `createdAt` range "must be 31 days or fewer" (refused as an invalid
  parameter, error-codes.md 1003); error-codes.md 1035: "In some subscriptions, the following Bulk
  Lead Extract filter types are not supported: updatedAt, smartListId, smartListName."
- "Enqueue" -> `Queued`; error-codes.md 1029: "a maximum of 10 bulk extract jobs in the queue at any
  given time", "Export daily quota exceeded" once the day's 500 MB of files is spent, "Job already
  queued" for a second enqueue.
- "Polling Job Status": Created, Queued, Processing, Canceled, Completed, Failed. "When an export slot
  becomes available, the status changes to Processing"; the fake moves on after a set number of polls
  and records when each came ("The status updates only once every 60 seconds. Do not poll more
  frequently"). swagger-mapi ExportResponse: `numberOfRecords` and `fileSize` only when Completed.
- "Cancelling a Job": status `Cancelled` (the sample's spelling).
- "Retrieving Your Data": `file.json` is the CSV, headers the REST field names, an empty field `null`.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

DAILY_BYTES = 500 * 1024 * 1024


@dataclass
class ExportJob:
    """One bulk lead export job."""

    export_id: str
    fields: list[str]
    smart_list: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    status: str = "Created"
    polls: int = 0
    #: The fake's clock at each status poll.
    polled_at: list[float] = field(default_factory=list)


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class BulkExports:
    """Bulk lead export jobs; state lives on the FakeMarketo."""

    clock: Callable[[], float]
    _ok: Callable[..., httpx.Response]
    _error: Callable[..., httpx.Response]

    def init_bulk(self, leads: list[dict[str, Any]] | None) -> None:
        #: Whole-database leads: REST field name -> value (None for empty), each with a `createdAt`.
        self.leads = leads or []
        #: smart list id -> the people in it (an id-only export's numberOfRecords).
        self.list_people: dict[int, int] = {}
        self.exports: dict[str, ExportJob] = {}
        self.export_queued_polls = 1
        self.export_processing_polls = 1
        self.smart_list_filter_enabled = True
        self.max_queued = 10
        #: Jobs of other integrations already in the subscription's queue.
        self.others_queued = 0
        self.bytes_today = 0
        self.daily_bytes = DAILY_BYTES
        #: A job's errorMsg when it fails ("" : jobs complete).
        self.fail_with = ""
        self._export_seq = itertools.count(1)

    def route_bulk(self, request: httpx.Request) -> httpx.Response | None:
        method, path = request.method, request.url.path
        if not path.startswith("/bulk/v1/leads/export/"):
            return None
        if method == "POST" and path.endswith("/create.json"):
            return self._create(json.loads(request.content or b"{}"))
        match = re.fullmatch(r"/bulk/v1/leads/export/([^/]+)/(enqueue|status|cancel|file)\.json", path)
        job = self.exports.get(match.group(1)) if match else None
        if match is None or job is None:
            return self._error("1003", "Export id not found")
        return {"enqueue": self._enqueue, "status": self._status, "cancel": self._cancel, "file": self._file}[
            match.group(2)
        ](job)

    def _create(self, body: dict[str, Any]) -> httpx.Response:
        filt = body.get("filter", {})
        if "smartListId" in filt and not self.smart_list_filter_enabled:
            return self._error("1035", "Unsupported filter type for target subscription")
        job = ExportJob(f"ce45a7a1-f19d-4ce2-882c-{next(self._export_seq):012d}", list(body["fields"]))
        if "createdAt" in filt:
            job.start, job.end = _when(filt["createdAt"]["startAt"]), _when(filt["createdAt"]["endAt"])
            if job.end - job.start > timedelta(days=31):
                return self._error("1003", "createdAt: The range must be 31 days or fewer")
        else:
            job.smart_list = filt.get("smartListId")
        self.exports[job.export_id] = job
        return self._ok([self._row(job)])

    def _enqueue(self, job: ExportJob) -> httpx.Response:
        if job.status != "Created":
            return self._error("1029", "Job already queued")
        if self.bytes_today >= self.daily_bytes:
            return self._error("1029", "Export daily quota exceeded")
        waiting = sum(j.status in ("Queued", "Processing") for j in self.exports.values()) + self.others_queued
        if waiting >= self.max_queued:
            return self._error("1029", "Too many jobs in queue")
        job.status = "Queued"
        return self._ok([self._row(job)])

    def _status(self, job: ExportJob) -> httpx.Response:
        job.polled_at.append(self.clock())
        if job.status in ("Queued", "Processing"):
            job.polls += 1
            if job.polls > self.export_queued_polls + self.export_processing_polls:
                job.status = "Failed" if self.fail_with else "Completed"
                if job.status == "Completed":
                    self.bytes_today += self._size(job)
            elif job.polls > self.export_queued_polls:
                job.status = "Processing"
        return self._ok([self._row(job)])

    def _cancel(self, job: ExportJob) -> httpx.Response:
        job.status = "Cancelled"
        return self._ok([self._row(job)])

    def _file(self, job: ExportJob) -> httpx.Response:
        if job.status != "Completed":
            return self._error("1003", "Job not completed")
        return httpx.Response(200, content=self._csv(job), headers={"Content-Type": "text/csv"})

    # -- what a job holds -------------------------------------------------------------------------
    def _rows(self, job: ExportJob) -> list[dict[str, Any]]:
        if job.start is None or job.end is None:
            people = self.list_people.get(job.smart_list or 0, 0)
            return [{"id": 1000 + i} for i in range(people)]
        return [lead for lead in self.leads if job.start <= lead["createdAt"] <= job.end]

    def _csv(self, job: ExportJob) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(job.fields)
        for lead in self._rows(job):
            writer.writerow(["null" if lead.get(f) in (None, "") else lead[f] for f in job.fields])
        return out.getvalue().encode()

    def _size(self, job: ExportJob) -> int:
        if job.start is None:  # an id-only export: a header and one short line a person
            return 3 + 9 * self.list_people.get(job.smart_list or 0, 0)
        return len(self._csv(job))

    def _row(self, job: ExportJob) -> dict[str, Any]:
        row: dict[str, Any] = {
            "exportId": job.export_id,
            "status": job.status,
            "format": "CSV",
            "createdAt": "2026-03-02T14:00:00Z",
        }
        if job.status != "Created":
            row["queuedAt"] = "2026-03-02T14:00:10Z"
        if job.status == "Completed":
            row.update(
                numberOfRecords=len(self._rows(job)), fileSize=self._size(job), finishedAt="2026-03-02T14:02:00Z"
            )
        if job.status == "Failed":
            row["errorMsg"] = self.fail_with
        return row
