"""A fake Salesforce org at the transport layer: OAuth token, describe, Bulk API 2.0 query jobs,
REST queries, limits, and Salesforce's error answers.

Use `FakeSalesforce(...).transport()` as the `httpx.MockTransport` of a SalesforceSource. Records
of an object are `rows(i)` for i in range(count), so a million rows cost no memory until a page is
drawn. Docs each behaviour follows (Salesforce Developers):

- "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration" (Salesforce Help):
  `POST /services/oauth2/token` form `grant_type=client_credentials&client_id&client_secret`,
  answered `{"access_token", "instance_url", "id", "token_type": "Bearer", "issued_at", "signature"}`;
  a wrong secret is HTTP 400 `{"error": "invalid_client", "error_description": "invalid client credentials"}`.
- REST API Developer Guide, "Status Codes and Error Responses": errors are a JSON list of
  `{"message", "errorCode"}`; 401 INVALID_SESSION_ID "Session expired or invalid" for an expired
  or revoked token; 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded." once the org's
  daily API requests are spent; 400 INVALID_FIELD / MALFORMED_QUERY for a bad SOQL query.
- REST API Developer Guide, "sObject Describe" (`GET .../sobjects/{object}/describe/` -> `fields[].name`),
  "Query" (`GET .../query/?q=` -> `totalSize`, `done`, `records`; `SELECT COUNT()` answers
  `totalSize` with no records), "Limits" (`GET .../limits/` -> `DailyApiRequests: {Max, Remaining}`).
- Bulk API 2.0 and Bulk API Developer Guide, "Create a Query Job" (`POST .../jobs/query`, answered
  with the job in state `UploadComplete`), "Get Information About a Query Job" (`state`
  UploadComplete -> InProgress -> JobComplete, or Failed / Aborted with `errorMessage`;
  `numberRecordsProcessed`), "Get Results for a Query Job" (`GET .../jobs/query/{id}/results
  ?maxRecords=&locator=`: CSV, every field quoted, a header row on every page, LF line ends;
  `Sforce-Locator` names the next page and is the string `null` after the last one;
  `Sforce-NumberOfRecords` counts the page's records).
- Object Reference, "SetupAuditTrail" (Action, Section, Display, CreatedDate, CreatedBy.Name) and
  "DuplicateRecordItem" (one per record a duplicate rule matched; CreatedDate).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx

from mopstui.adapters.salesforce import SalesforceOptions, SalesforceSource
from mopstui.core.source import SourceContext

from fakes.clock import FakeClock
from fakes.server import RecordingServer

CLIENT_ID = "3MVG9fake.consumer.key"
CLIENT_SECRET = "F4KE5ECRET0123456789ABCDEF"
VERSION = "v62.0"
DATA = f"/services/data/{VERSION}"
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 3)
LEAD_FIELDS = [
    "Id", "FirstName", "LastName", "Email", "Company", "Country", "LeadSource", "LastActivityDate",
    "HasOptedOutOfEmail", "CreatedDate",
]  # fmt: skip


def sf_error(status: int, code: str, message: str) -> httpx.Response:
    """REST API "Status Codes and Error Responses": a list of {message, errorCode}."""
    return httpx.Response(status, json=[{"message": message, "errorCode": code}])


@dataclass
class FakeObject:
    """An object's describe fields and its records, `rows(i)` a dict of field -> text ('' for null)."""

    fields: list[str]
    count: int
    rows: Callable[[int], dict[str, str]]

    @classmethod
    def of(cls, fields: list[str], records: list[dict[str, str]]) -> FakeObject:
        return cls(fields, len(records), lambda i: records[i])


@dataclass
class FakeJob:
    id: str
    sobject: str
    fields: list[str]
    state: str = "UploadComplete"
    polls: int = 0


def csv_line(values: list[str]) -> str:
    # "Get Results for a Query Job": every value quoted, quotes doubled.
    return ",".join('"' + v.replace('"', '""') + '"' for v in values) + "\n"


@dataclass
class FakeSalesforce(RecordingServer):
    objects: dict[str, FakeObject] = field(default_factory=dict)
    client_secret: str = CLIENT_SECRET
    api_max: int = 15_000
    api_remaining: int = 14_000
    duplicate_items_today: int = 0
    audit_rows: list[dict[str, Any]] = field(default_factory=list)
    #: Polls a job answers UploadComplete, then InProgress, before it is JobComplete.
    polls_queued: int = 1
    polls_running: int = 1
    #: Set to an errorMessage: the next job ends Failed with it (Aborted when `abort` is set).
    fail_with: str = ""
    abort: bool = False
    #: Once true, every data call answers 403 REQUEST_LIMIT_EXCEEDED.
    limit_exceeded: bool = False
    #: False: every token is refused at once (a session policy that kills each new session).
    sessions_valid: bool = True
    tokens: list[str] = field(default_factory=list)
    jobs: dict[str, FakeJob] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1), repr=False)

    def expire_tokens(self) -> None:
        """Every token issued so far is revoked (the next call with one is INVALID_SESSION_ID)."""
        self.tokens = [f"revoked:{t}" for t in self.tokens]

    def data_calls(self) -> list[httpx.Request]:
        return [r for r in self.log if r.url.path.startswith("/services/data/")]

    # -- the server -------------------------------------------------------------------------------
    def serve(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/services/oauth2/token":
            return self._token(request)
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens or not self.sessions_valid:
            return sf_error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        if self.limit_exceeded:
            return sf_error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        if not path.startswith(DATA + "/"):
            return sf_error(404, "NOT_FOUND", "The requested resource does not exist")
        rest = path[len(DATA) :]
        if rest == "/limits/":
            return httpx.Response(
                200,
                json={
                    "DailyApiRequests": {"Max": self.api_max, "Remaining": self.api_remaining},
                    "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 9990},
                },
            )
        if match := re.fullmatch(r"/sobjects/(\w+)/describe/", rest):
            obj = self.objects.get(match.group(1))
            if obj is None:
                return sf_error(404, "NOT_FOUND", "The requested resource does not exist")
            return httpx.Response(
                200, json={"name": match.group(1), "fields": [{"name": f, "type": "string"} for f in obj.fields]}
            )
        if rest == "/query/":
            return self._query(request.url.params.get("q", ""))
        if rest == "/jobs/query" and request.method == "POST":
            return self._create_job(json.loads(request.content))
        if match := re.fullmatch(r"/jobs/query/(\w+)", rest):
            return self._job_info(match.group(1))
        if match := re.fullmatch(r"/jobs/query/(\w+)/results", rest):
            return self._results(match.group(1), request.url.params)
        return sf_error(404, "NOT_FOUND", "The requested resource does not exist")

    def _token(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return httpx.Response(
                400, json={"error": "unsupported_grant_type", "error_description": "grant type not supported"}
            )
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != self.client_secret:
            return httpx.Response(
                400, json={"error": "invalid_client", "error_description": "invalid client credentials"}
            )
        token = f"00Dfake!AQ{len(self.tokens) + 1:04d}token"
        self.tokens.append(token)
        return httpx.Response(
            200,
            json={
                "access_token": token,
                "signature": "c2lnbmF0dXJl",
                "scope": "api",
                "instance_url": "https://acme.my.salesforce.com",
                "id": "https://login.salesforce.com/id/00Dfake/005fake",
                "token_type": "Bearer",
                "issued_at": "1764745200000",
            },
        )

    def _query(self, soql: str) -> httpx.Response:
        if re.fullmatch(r"SELECT COUNT\(\) FROM DuplicateRecordItem WHERE CreatedDate = TODAY", soql):
            return httpx.Response(200, json={"totalSize": self.duplicate_items_today, "done": True, "records": []})
        if soql.startswith(
            "SELECT Id, Action, Section, Display, CreatedDate, CreatedBy.Name FROM SetupAuditTrail WHERE"
        ):
            records = [{"attributes": {"type": "SetupAuditTrail"}, **r} for r in self.audit_rows]
            return httpx.Response(200, json={"totalSize": len(records), "done": True, "records": records})
        return sf_error(400, "MALFORMED_QUERY", "unexpected query in the fake")

    def _create_job(self, body: dict[str, Any]) -> httpx.Response:
        match = re.fullmatch(r"SELECT (.+) FROM (\w+)", body.get("query", ""))
        if body.get("operation") != "query" or match is None:
            return sf_error(400, "MALFORMED_QUERY", "unexpected token")
        sobject, fields = match.group(2), [f.strip() for f in match.group(1).split(",")]
        obj = self.objects.get(sobject)
        if obj is None:
            return sf_error(400, "INVALID_TYPE", f"sObject type '{sobject}' is not supported.")
        for f in fields:
            if f not in obj.fields:
                return sf_error(400, "INVALID_FIELD", f"No such column '{f}' on entity '{sobject}'.")
        job = FakeJob(f"750fake{next(self._ids):08d}", sobject, fields)
        self.jobs[job.id] = job
        return httpx.Response(200, json=self._info(job))

    def _info(self, job: FakeJob) -> dict[str, Any]:
        obj = self.objects[job.sobject]
        info: dict[str, Any] = {
            "id": job.id,
            "operation": "query",
            "object": job.sobject,
            "state": job.state,
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": 62.0,
            "lineEnding": "LF",
            "columnDelimiter": "COMMA",
            "numberRecordsProcessed": {"UploadComplete": 0, "InProgress": obj.count // 2}.get(job.state, obj.count),
            "retries": 0,
            "totalProcessingTime": 0,
        }
        if job.state in ("Failed", "Aborted"):
            info["errorMessage"] = self.fail_with
        return info

    def _job_info(self, job_id: str) -> httpx.Response:
        job = self.jobs.get(job_id)
        if job is None:
            return sf_error(404, "NOT_FOUND", "The requested resource does not exist")
        job.polls += 1
        if job.state in ("UploadComplete", "InProgress"):
            if job.polls > self.polls_queued + self.polls_running:
                job.state = ("Aborted" if self.abort else "Failed") if self.fail_with else "JobComplete"
            elif job.polls > self.polls_queued:
                job.state = "InProgress"
        return httpx.Response(200, json=self._info(job))

    def _results(self, job_id: str, params: httpx.QueryParams) -> httpx.Response:
        job = self.jobs.get(job_id)
        if job is None:
            return sf_error(404, "NOT_FOUND", "The requested resource does not exist")
        if job.state != "JobComplete":
            return sf_error(400, "INVALIDJOBSTATE", f"job {job_id} is not complete")
        obj = self.objects[job.sobject]
        start = int(params.get("locator") or 0)
        size = int(params.get("maxRecords") or 10_000)
        stop = min(obj.count, start + size)
        lines = [csv_line(job.fields)]
        for i in range(start, stop):
            row = obj.rows(i)
            lines.append(csv_line([row.get(f, "") for f in job.fields]))
        locator = str(stop) if stop < obj.count else "null"
        headers = {"Content-Type": "text/csv", "Sforce-Locator": locator, "Sforce-NumberOfRecords": str(stop - start)}
        return httpx.Response(200, content="".join(lines).encode(), headers=headers)


def synthetic_lead(i: int) -> dict[str, str]:
    """Lead number `i` of a deterministic org of any size: every rule has rows to count (duplicates
    that differ in case and spacing, invalid, role, free-mail and test addresses, test names, blank
    countries, stale and impossible dates, opted-out rows), and quotes and commas to escape."""
    k = (i * 2654435761) % 4294967296
    kind = k % 50
    if kind == 0:
        email = ""
    elif kind == 1:
        email = f"not-an-email-{i}"
    elif kind == 2:
        email = f"info@co{i % 100}.com"
    elif kind < 8:
        email = f"p{i}@gmail.com"
    elif kind == 8:
        email = "test@example.com"
    elif kind == 9:
        email = f"  User{i % 1000}@Dup.COM "
    else:
        email = f"u{i % 700_000}@c{i % 500}.com"
    first, last = ("Mickey", "Mouse") if k % 997 == 0 else (f'Ann "{i % 10}"', f"Lee, {i % 7}")
    activity = ("2019-05-01", "", "2026-06-01", "2024-02-30")[k % 4]
    return {
        "Id": f"00Q{i:012d}",
        "FirstName": first,
        "LastName": last,
        "Email": email,
        "Company": f"Co {i % 100}",
        "Country": "" if k % 13 == 0 else ("US", "DE", "FR")[k % 3],
        "LeadSource": "" if k % 11 == 0 else "Web",
        "LastActivityDate": activity,
        "HasOptedOutOfEmail": "true" if k % 20 == 0 else "false",
        "CreatedDate": "2025-01-01T00:00:00.000Z",
    }


class Wall:
    """The wall clock a test moves (export ages)."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def make_source(fake: FakeSalesforce, tmp_path: Path, wall: Wall | None = None, **opts: object) -> SalesforceSource:
    options = SalesforceOptions(
        instance_url="https://acme.my.salesforce.com",
        client_id=CLIENT_ID,
        objects=opts.pop("objects", ["Lead"]),  # type: ignore[arg-type]
        **opts,  # type: ignore[arg-type]
    )
    context = SourceContext(state_dir=tmp_path / "state", secret=lambda field: CLIENT_SECRET)
    clock = FakeClock()
    return SalesforceSource(
        "sfdc",
        options,
        context,
        transport=fake.transport(),
        clock=clock,
        sleep=clock.sleep,
        now=wall or Wall(),
        today=lambda: TODAY,
        cache_dir=tmp_path / "cache",
    )


def by_metric(metrics: list) -> dict[str, int]:  # type: ignore[type-arg]
    return {m.metric: m.count for m in metrics}
