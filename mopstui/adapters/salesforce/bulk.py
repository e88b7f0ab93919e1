"""One Bulk API 2.0 query job: create it, poll it to `JobComplete`, stream its CSV pages to a file.

Bulk API 2.0 Developer Guide: "Create a Query Job" (`POST /jobs/query`, the job starts as
`UploadComplete`), "Get Information About a Query Job" (`state`: UploadComplete, InProgress,
JobComplete, Failed, Aborted; `numberRecordsProcessed`; `errorMessage`), "Get Results for a Query
Job" (`GET /jobs/query/{id}/results?maxRecords=&locator=`: a CSV page with its own header row;
the `Sforce-Locator` header names the next page, the string `null` after the last one).

Pages are appended to a `.part` file (0600) as they arrive, so a refresh that runs out of time
resumes at the next locator on the following refresh; the file is renamed into place when whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from mopstui.adapters.http import RawAnswer
from mopstui.core.errors import BadAnswerError, SourceError
from mopstui.core.private import open_private, private_dir
from mopstui.core.safe_text import visible

#: Records per results page: a page of the fields the rules need stays a few MB.
PAGE_RECORDS = 50_000
#: States a job may be in; the last three are final.
RUNNING = ("UploadComplete", "InProgress")
FINAL = ("JobComplete", "Failed", "Aborted")


class Caller(Protocol):
    name: str

    @property
    def data_path(self) -> str: ...

    async def call(self, method: str, path: str, **kw: Any) -> Any: ...


@dataclass
class QueryJob:
    """A query job of one object, and how far its results have been downloaded."""

    sobject: str
    job_id: str
    state: str = "UploadComplete"
    #: Records Salesforce has processed so far (its `numberRecordsProcessed`).
    processed: int = 0
    #: The locator of the next results page ("" for the first); None once every page is in.
    locator: str | None = ""
    #: Data rows written to the part file so far.
    written: int = 0

    def status(self) -> str:
        """The job's state in the user's words, for the source status."""
        if self.state == "UploadComplete":
            return f"{self.sobject} export queued"
        if self.state == "InProgress":
            return f"{self.sobject} export in progress ({self.processed:,} rows so far)"
        if self.state == "JobComplete":
            return f"{self.sobject} export downloading ({self.written:,} of {self.processed:,} rows)"
        return f"{self.sobject} export {self.state.lower()}"


async def create(api: Caller, sobject: str, soql: str) -> QueryJob:
    answer = await api.call(
        "POST", f"{api.data_path}/jobs/query", json={"operation": "query", "query": soql}, idempotent=False
    )
    job_id = answer.get("id")
    if not isinstance(job_id, str) or not job_id:
        raise BadAnswerError(f"{api.name}: Salesforce's new query job for {sobject} has no id")
    return QueryJob(sobject, job_id, str(answer.get("state") or "UploadComplete"))


async def poll(api: Caller, job: QueryJob) -> None:
    """Read the job's state; a Failed or Aborted job raises its `errorMessage` in one line."""
    answer = await api.call("GET", f"{api.data_path}/jobs/query/{job.job_id}")
    state = answer.get("state")
    if state not in (*RUNNING, *FINAL):
        raise BadAnswerError(f"{api.name}: Salesforce's query job {job.job_id} has an unknown state {state!r}")
    processed = answer.get("numberRecordsProcessed")
    job.state = str(state)
    job.processed = processed if isinstance(processed, int) and processed >= 0 else job.processed
    if state in ("Failed", "Aborted"):
        reason = visible(" ".join(str(answer.get("errorMessage") or "no reason given").split()))[:200]
        raise SourceError(
            f"{api.name}: the Bulk API query job {job.job_id} for {job.sobject} {str(state).lower()}: {reason}; "
            "the next refresh starts a new one"
        )


async def download_page(api: Caller, job: QueryJob, part: Path) -> None:
    """Append the next results page to `part` and move the locator on (None after the last page)."""
    if job.locator is None:
        return
    params: dict[str, Any] = {"maxRecords": PAGE_RECORDS}
    if job.locator:
        params["locator"] = job.locator
    answer: RawAnswer = await api.call(
        "GET",
        f"{api.data_path}/jobs/query/{job.job_id}/results",
        params=params,
        headers={"Accept": "text/csv"},
        raw=True,
    )
    body = answer.content
    first = not job.locator
    if not first:  # every page repeats the header row; the file keeps the first page's
        cut = body.find(b"\n")
        body = b"" if cut < 0 else body[cut + 1 :]
    if body and not body.endswith(b"\n"):  # the next page's rows must start on a line of their own
        body += b"\n"
    number = answer.headers.get("Sforce-NumberOfRecords", "")
    private_dir(part.parent)
    if first:
        part.unlink(missing_ok=True)
    with open_private(part, "ab") as out:
        out.write(body)
    job.written += int(number) if number.isdigit() else body.count(b"\n")
    locator = answer.headers.get("Sforce-Locator", "null")
    job.locator = None if locator in ("", "null") else locator
