"""Marketo bulk export jobs: create, enqueue, poll, cancel; a reusable runner for any export.

Adobe's Bulk Lead Extract (shared/reference/marketo/bulk-lead-extract.md): a job is created
(`Created`), enqueued (`Queued`), run when a slot is free (`Processing`) and ends `Completed`
(with `numberOfRecords` and `fileSize`), `Failed` or `Canceled`. Its status "updates only once every
60 seconds. Do not poll more frequently", so the runner polls once a minute. Limits, per
subscription: 2 jobs processing, 10 queued, 500 MB of files a day (error-codes.md, 1029); some
subscriptions cannot filter by smart list (1035). Each is said plainly as a `BulkExportError`.

`ExportJobs.count(filter)` is the audience count: an id-only export whose `numberOfRecords` is the
answer, the file never downloaded. `ExportJobs.run(...)` is the whole job for whoever wants the file
(`file_path(export_id)`). A job cancelled from our side (the task is cancelled: the user left the
screen) is cancelled at Marketo too, so it does not hold one of the two slots.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mopstui.adapters.marketo.bulk_budget import BulkBudget
from mopstui.adapters.marketo.envelope import MarketoRefused
from mopstui.core.errors import BadAnswerError, SourceError

#: Adobe: "The status updates only once every 60 seconds. Do not poll more frequently".
POLL_SECONDS = 60.0
#: Polls before giving up on a job (and cancelling it): half an hour behind a busy queue.
MAX_POLLS = 30
#: Adobe's per-subscription limits (bulk-lead-extract.md, error-codes.md 1029).
MAX_PROCESSING, MAX_QUEUED, DAILY_MB = 2, 10, 500
DONE, FAILED, CANCELED = "Completed", "Failed", "Canceled"
#: Adobe spells it both ways: "Canceled" in the status list, "Cancelled" in the cancel sample.
ENDED = frozenset({DONE, FAILED, CANCELED, "Cancelled"})

Api = Callable[..., Awaitable[dict[str, Any]]]
Sleep = Callable[[float], Awaitable[None]]


class BulkExportError(SourceError):
    """A bulk export Marketo would not run, in words (1035, 1029 and a failed job)."""


@dataclass(frozen=True)
class ExportStatus:
    """One status answer of a job."""

    export_id: str
    status: str
    records: int | None = None
    file_size: int | None = None
    error: str = ""


class ExportJobs:
    """Bulk export jobs of one kind (`leads`, `activities`...) for one Marketo source.

    `api(method, path, **kw)` is the source's REST call (token, envelope, pacing); `sleep` its clock;
    `budget` the source's share of the limits, shared with its other exports (a fresh one if none).
    """

    def __init__(
        self,
        source: str,
        api: Api,
        sleep: Sleep,
        *,
        kind: str = "leads",
        poll_seconds: float | None = None,
        max_polls: int = MAX_POLLS,
        budget: BulkBudget | None = None,
    ) -> None:
        self.source = source
        self.api = api
        self.sleep = sleep
        self.base = f"/bulk/v1/{kind}/export"
        self.poll_seconds = POLL_SECONDS if poll_seconds is None else poll_seconds
        self.max_polls = max_polls
        self.budget = budget or BulkBudget()
        #: Jobs created and not seen to end (cancelled if the runner is stopped), the source's other
        #: exports' among them.
        self.open = self.budget.in_flight

    async def count(self, filter: Mapping[str, Any]) -> ExportStatus:
        """An id-only export of `filter`, run to completion; its `records` is the count (no download)."""
        status = await self.run(["id"], filter)
        if status.records is None:
            raise BadAnswerError(f"{self.source}: Marketo's completed export {status.export_id} has no numberOfRecords")
        return status

    async def run(self, fields: list[str], filter: Mapping[str, Any], format: str = "CSV") -> ExportStatus:
        """Create, enqueue and poll a job until it ends; Completed is returned, anything else raised.
        Cancelled (the caller's task) or out of polls, the job is cancelled at Marketo."""
        if self.budget.spent:
            raise BulkExportError(self._quota_words("our tally of today's files"))
        export_id = await self.create(fields, filter, format)
        self.open.add(export_id)
        try:
            await self.enqueue(export_id)
            for _ in range(self.max_polls):
                await self.sleep(self.poll_seconds)
                status = await self.status(export_id)
                if status.status in ENDED:
                    self.open.discard(export_id)
                    return self._finished(status)
            await self.cancel(export_id)
            minutes = self.max_polls * self.poll_seconds / 60
            raise BulkExportError(
                f"{self.source}: Marketo's bulk export did not finish within {minutes:g} minutes "
                f"(its queue holds {MAX_QUEUED} jobs, {MAX_PROCESSING} run at a time); cancelled it, try later"
            )
        except asyncio.CancelledError:
            if export_id in self.open:
                # shielded: the cancel call goes out even though our own task is being cancelled
                with contextlib.suppress(Exception):
                    await asyncio.shield(self.cancel(export_id))
            raise

    def _finished(self, status: ExportStatus) -> ExportStatus:
        if status.status == DONE:
            self.budget.add(status.file_size)
            return status
        if status.status == FAILED:
            raise BulkExportError(
                f"{self.source}: Marketo's bulk export {status.export_id} failed ({status.error or 'no reason given'})"
            )
        raise BulkExportError(f"{self.source}: Marketo's bulk export {status.export_id} was cancelled in Marketo")

    # -- the five calls -------------------------------------------------------------------------
    async def create(self, fields: list[str], filter: Mapping[str, Any], format: str = "CSV") -> str:
        body = {"fields": fields, "format": format, "filter": dict(filter)}
        data = await self._call("POST", f"{self.base}/create.json", json=body)
        return self._parse(data).export_id

    async def enqueue(self, export_id: str) -> ExportStatus:
        try:
            return self._parse(await self._call("POST", f"{self.base}/{export_id}/enqueue.json"))
        except BulkExportError as exc:
            if "already queued" in str(exc).lower():  # 1029 "Job already queued": it is running
                return ExportStatus(export_id, "Queued")
            with contextlib.suppress(Exception):  # a job created but never run still counts: remove it
                await self.cancel(export_id)
            raise

    async def status(self, export_id: str) -> ExportStatus:
        return self._parse(await self._call("GET", f"{self.base}/{export_id}/status.json"))

    async def cancel(self, export_id: str) -> None:
        self.open.discard(export_id)
        await self._call("POST", f"{self.base}/{export_id}/cancel.json")

    def file_path(self, export_id: str) -> str:
        """The path of a completed job's file (GET, with an optional Range header)."""
        return f"{self.base}/{export_id}/file.json"

    async def _call(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        try:
            return await self.api(method, path, **kw)
        except MarketoRefused as exc:
            raise BulkExportError(self._plain(exc)) from None

    def _plain(self, exc: MarketoRefused) -> str:
        reason = exc.reason.lower()
        if exc.code == "1035":
            return (
                f"{self.source}: this Marketo subscription cannot filter bulk exports by smart list "
                f"(1035 {exc.reason}); ask Marketo Support to enable the smartListId filter"
            )
        if exc.code == "1029":
            if "quota" in reason:
                self.budget.refuse_until_reset()
                return self._quota_words(f"1029 {exc.reason}")
            if "already queued" in reason:
                return f"{self.source}: job already queued (1029 {exc.reason})"
            return (
                f"{self.source}: Marketo's bulk export queue is full (1029 {exc.reason}): at most {MAX_QUEUED} "
                f"jobs wait and {MAX_PROCESSING} run per subscription; try again when other exports finish"
            )
        return f"{self.source}: Marketo refused the bulk export: {exc.reason} ({exc.code})"

    def _quota_words(self, why: str) -> str:
        return (
            f"{self.source}: Marketo's bulk export allowance for today ({DAILY_MB} MB of files) is spent "
            f"({why}); it resets at midnight US Central"
        )

    def _parse(self, data: Mapping[str, Any]) -> ExportStatus:
        result = data.get("result")
        row = result[0] if isinstance(result, list) and result and isinstance(result[0], dict) else None
        if row is None or not isinstance(row.get("exportId"), str) or not isinstance(row.get("status"), str):
            raise BadAnswerError(f"{self.source}: Marketo's bulk export answer has no exportId and status")
        records, size = row.get("numberOfRecords"), row.get("fileSize")
        return ExportStatus(
            row["exportId"],
            row["status"],
            records if isinstance(records, int) and not isinstance(records, bool) else None,
            size if isinstance(size, int) and not isinstance(size, bool) else None,
            str(row.get("errorMsg") or ""),
        )
