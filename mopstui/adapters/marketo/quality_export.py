"""Marketo `quality_export = true`: a bulk lead export of the whole database, counted by the file rules.

Adobe's Bulk Lead Extract (shared/reference/marketo/bulk-lead-extract.md): a job is created with the
fields and one `createdAt` window of 31 days or fewer (`POST /bulk/v1/leads/export/create.json`),
enqueued (`.../{exportId}/enqueue.json`), polled (`.../status.json`, which "updates only once every
60 seconds": Created, Queued, Processing, Completed, Failed, Canceled) and its file downloaded
(`.../file.json`; an empty field reads `null`). The windows run back from now to `export_since`,
at most 2 jobs of ours at a time, audience counts included (the source's `BulkBudget`: Marketo
processes 2 and queues 10 per instance); error 1029 means the queue is full (wait) or the day's
500 MB is spent (stop until midnight US Central), which the budget's tally of today's files also
foresees. The window files are joined, `null` made empty, into one CSV in the user cache
dir (0600; it replaces the last one), counted by the `file` source's own code.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from mopstui.adapters.files import FileOptions, FileSource, age_hours
from mopstui.adapters.marketo.bulk_budget import DAILY_BYTES, BulkBudget
from mopstui.adapters.marketo.envelope import MarketoRefused
from mopstui.core.errors import BadAnswerError, SourceError
from mopstui.core.models import QualityMetric
from mopstui.core.private import open_private, private_dir
from mopstui.core.safe_text import visible
from mopstui.core.source import SourceContext

EXPORTS = "/bulk/v1/leads/export"
#: Adobe: "The range must be 31 days or fewer"; the end is one second short of the next start.
WINDOW = timedelta(days=31)
POLL_SECONDS = 60.0
#: A finished export is counted again, not re-exported, for a day.
EXPORT_EVERY_HOURS = 24.0
#: The largest window file read (a month of leads); above it the window is too dense to count.
MAX_FILE_BYTES = DAILY_BYTES
#: Our field -> Marketo's REST API field name, when `columns` does not say otherwise.
DEFAULT_FIELDS = {"email": "email", "first_name": "firstName", "last_name": "lastName", "unsubscribed": "unsubscribed"}

Api = Callable[..., Awaitable[dict[str, Any]]]


@dataclass
class Window:
    """One `createdAt` window of the run and its job."""

    start: datetime
    end: datetime
    export_id: str = ""
    status: str = "Pending"
    polled_at: float | None = None
    records: int = 0


def windows(since: datetime, now: datetime) -> list[Window]:
    out, start = [], since
    while start < now:
        end = min(start + WINDOW, now)
        out.append(Window(start, end - timedelta(seconds=1)))
        start = end
    return out


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class QualityExport:
    """The export run of one Marketo source, and the file source counting its result."""

    def __init__(
        self,
        name: str,
        api: Api,
        download: Callable[[str, Path], Awaitable[None]],
        options: Any,
        cache: Path,
        context: SourceContext,
        *,
        now: Callable[[], datetime],
        clock: Callable[[], float],
        today: Callable[[], date] = date.today,
        budget: BulkBudget | None = None,
    ) -> None:
        self.name, self.api, self.download, self.options = name, api, download, options
        self.cache, self.now, self.clock = cache, now, clock
        self.fields = {**DEFAULT_FIELDS, **{f: f for f in options.required_fields if f not in DEFAULT_FIELDS}}
        self.run: list[Window] | None = None
        self.budget = budget or BulkBudget(now=now)
        self.status = ""
        self.file = self.cache / "leads.csv"
        file_options = FileOptions(
            path=str(self.file),
            columns={ours: theirs for ours, theirs in self.fields.items()},
            required_fields=list(options.required_fields),
        )
        self.counter = FileSource(name, file_options, SourceContext(state_dir=context.state_dir), today=today)

    # -- the run ----------------------------------------------------------------------------------
    async def fetch(self) -> list[QualityMetric]:
        age = age_hours(self.file, self.now())
        if self.run is None and (age is None or age >= EXPORT_EVERY_HOURS):
            since = datetime.fromisoformat(self.options.export_since).replace(tzinfo=self.now().tzinfo)
            self.run = windows(since, self.now())
        if self.run is not None:
            await self._advance(self.run)
        metrics = await self.counter.fetch_quality() if self.file.exists() else []
        if self.run is None and metrics:
            self.status = f"{metrics[0].total or 0:,} leads exported {age_hours(self.file, self.now()) or 0:.0f} h ago"
        return metrics

    async def _advance(self, run: list[Window]) -> None:
        for window in run:
            if window.status in ("Queued", "Processing", "Created"):
                await self._poll(window)
        for window in run:
            if not self.budget.slot_free or self.budget.spent:
                break
            if window.status == "Pending" and not await self._start(window):
                break
        done = sum(w.status == "Done" for w in run)
        rows = sum(w.records for w in run)
        if done == len(run):
            self._join(run)
            self.run = None
            return
        quota = (
            "; the 500 MB daily export quota is spent, the rest after midnight US Central" if self.budget.spent else ""
        )
        self.status = f"Marketo export {done} of {len(run)} windows done ({rows:,} leads so far){quota}"

    async def _start(self, window: Window) -> bool:
        body = {
            "fields": list(dict.fromkeys(self.fields.values())),
            "format": "CSV",
            "filter": {"createdAt": {"startAt": iso(window.start), "endAt": iso(window.end)}},
        }
        try:
            created = _job(self.name, await self.api("POST", f"{EXPORTS}/create.json", json=body, idempotent=False))
            window.export_id = created["exportId"]
            self.budget.in_flight.add(window.export_id)
            queued = _job(
                self.name, await self.api("POST", f"{EXPORTS}/{window.export_id}/enqueue.json", idempotent=False)
            )
        except MarketoRefused as exc:
            if exc.code != "1029":
                raise
            if "quota" in exc.reason.lower():
                self.budget.refuse_until_reset()
            window.status = "Created" if window.export_id else "Pending"  # a full queue: enqueue it later
            return False
        window.status = str(queued.get("status") or "Queued")
        window.polled_at = self.clock()
        return True

    async def _poll(self, window: Window) -> None:
        if window.status == "Created":  # created while the queue was full
            try:
                await self.api("POST", f"{EXPORTS}/{window.export_id}/enqueue.json", idempotent=False)
            except MarketoRefused as exc:
                if exc.code == "1029":
                    return
                raise
            window.status, window.polled_at = "Queued", self.clock()
            return
        if window.polled_at is not None and self.clock() - window.polled_at < POLL_SECONDS:
            return  # Adobe: the status changes at most once a minute
        window.polled_at = self.clock()
        job = _job(self.name, await self.api("GET", f"{EXPORTS}/{window.export_id}/status.json"))
        status = str(job.get("status") or "")
        if status in ("Failed", "Canceled", "Cancelled"):
            self._forget(self.run or [])
            reason = visible(" ".join(str(job.get("errorMsg") or "no reason given").split()))[:160]
            raise SourceError(
                f"{self.name}: Marketo's bulk lead export {window.export_id} ({iso(window.start)[:10]} to "
                f"{iso(window.end)[:10]}) {status.lower()}: {reason}; the next refresh starts the export again"
            )
        window.status = status or window.status
        if status == "Completed":
            size = job.get("fileSize")
            self.budget.in_flight.discard(window.export_id)
            self.budget.add(size if isinstance(size, int) and not isinstance(size, bool) else None)
            private_dir(self.cache)
            await self.download(f"{EXPORTS}/{window.export_id}/file.json", self._window_file(window))
            records = job.get("numberOfRecords")
            window.records = records if isinstance(records, int) else 0
            window.status = "Done"

    def _forget(self, run: list[Window]) -> None:
        """The run is over (a job failed): its jobs no longer hold a slot; the next refresh starts anew."""
        for window in run:
            self.budget.in_flight.discard(window.export_id)
        self.run = None

    def _window_file(self, window: Window) -> Path:
        return self.cache / f"window-{re.sub(r'[^0-9A-Za-z-]', '', window.export_id)}.csv"

    def _join(self, run: list[Window]) -> None:
        """Every window's file into one CSV, Marketo's `null` made empty, header once; then the
        window files go, and the joined file replaces the last export."""
        part = self.file.with_name(self.file.name + ".part")
        header: list[str] | None = None
        try:
            with open_private(part, "w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                for window in run:
                    path = self._window_file(window)
                    with path.open(encoding="utf-8-sig", newline="") as fh:
                        reader = csv.reader(fh)
                        first = next(reader, None)
                        if first is None:
                            continue
                        if header is None:
                            header = first
                            writer.writerow(header)
                        elif first != header:
                            raise BadAnswerError(f"{self.name}: Marketo's export files have different columns")
                        writer.writerows([("" if v == "null" else v) for v in row] for row in reader)
                if header is None:
                    writer.writerow(list(dict.fromkeys(self.fields.values())))
            part.replace(self.file)
            stamp = self.now().timestamp()  # its age is read on the source's clock
            os.utime(self.file, (stamp, stamp))
        finally:
            part.unlink(missing_ok=True)
            for window in run:
                self._window_file(window).unlink(missing_ok=True)


def _job(name: str, data: dict[str, Any]) -> dict[str, Any]:
    result = data.get("result")
    if not isinstance(result, list) or not result or not isinstance(result[0], dict):
        raise BadAnswerError(f"{name}: Marketo's bulk export answer has no job")
    job: dict[str, Any] = result[0]
    if not isinstance(job.get("exportId"), str):
        raise BadAnswerError(f"{name}: Marketo's bulk export answer has no exportId")
    return job
