"""A fake Jira Cloud at the transport layer, shaped like the documented REST v3 payloads.

Use `FakeJira().transport()` as the `httpx.MockTransport` of a JiraSource. It keeps issues,
per-issue workflow transitions, comments and assignees in memory, checks HTTP Basic auth, and can
be told to answer the next matching calls with a canned failure (`fail_next`).

It behaves as Atlassian documents Jira Cloud, not as our adapter would like it to:
- search pages carry `nextPageToken` and never `isLast` (optional in the spec);
- search lags behind writes until a search names the issue in `reconcileIssues`;
- a comment body that is not valid ADF (Atlassian's own JSON schema) is answered 400.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft4Validator

from fakes.server import RecordingServer

EMAIL = "ops@acme.com"
TOKEN = "jira-token-5ecret"
ME = "5b10ac8d82e05b22cc7d4ef5"
DEFAULT_TRANSITIONS = [
    {"id": "11", "name": "To Do", "to": {"name": "To Do", "statusCategory": {"key": "new"}}},
    {"id": "21", "name": "In Progress", "to": {"name": "In Progress", "statusCategory": {"key": "indeterminate"}}},
    {"id": "31", "name": "Done", "to": {"name": "Done", "statusCategory": {"key": "done"}}},
    {"id": "41", "name": "Won't Do", "to": {"name": "Won't Do", "statusCategory": {"key": "done"}}},
]
_STATUS_CATEGORY = {"To Do": "new", "In Progress": "indeterminate", "Done": "done", "Won't Do": "done"}
ADF_SCHEMA = Path(__file__).resolve().parent.parent / "contracts" / "atlassian" / "adf-full.json"
#: Comment bodies checked against the ADF schema by every FakeJira in this run (for the figures).
ADF_CHECKS = {"validated": 0, "invalid": 0}


@cache
def adf_validator() -> Draft4Validator:
    """Atlassian's ADF JSON schema (draft-04, from @atlaskit/adf-schema), vendored unchanged."""
    return Draft4Validator(json.loads(ADF_SCHEMA.read_text(encoding="utf-8")))


def adf_errors(body: Any) -> list[str]:
    """Why `body` is not a valid ADF document (empty when it is)."""
    ADF_CHECKS["validated"] += 1
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '(doc)'}: {e.message[:200]}"
        for e in adf_validator().iter_errors(body)
    ]
    ADF_CHECKS["invalid"] += bool(errors)
    return errors


def make_issue(
    key: str,
    summary: str,
    *,
    priority: str | None = "Medium",
    status: str = "To Do",
    reporter: str = "Dana Sales",
    assignee: tuple[str, str] | None = None,
    created: str = "2023-06-24T19:24:50.000+0000",
    duedate: str | None = None,
    labels: list[str] | None = None,
) -> dict[str, Any]:
    """An issue as `/search/jql` returns it with every field named (ids are numeric strings)."""
    number = int(key.rsplit("-", 1)[-1])
    return {
        "id": str(10000 + number),
        "key": key,
        "self": f"https://acme.atlassian.net/rest/api/3/issue/{10000 + number}",
        "fields": {
            "summary": summary,
            "status": {"name": status, "statusCategory": {"key": _STATUS_CATEGORY.get(status, "new")}},
            "priority": {"name": priority, "id": "3"} if priority else None,
            "reporter": {"displayName": reporter, "accountId": "reporter-" + str(number)},
            "assignee": {"displayName": assignee[1], "accountId": assignee[0]} if assignee else None,
            "created": created,
            "duedate": duedate,
            "labels": labels or [],
        },
    }


@dataclass
class FakeJira(RecordingServer):
    """In-memory Jira: issues by key, transitions by key (default workflow), comments by key.

    `issues` is what Jira holds now (the issue endpoints answer from it); `index` is what search
    answers from, and lags: API writes change `issues` only, until `settle()` or a search that
    names the issue's id in `reconcileIssues`.
    """

    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    index: dict[str, dict[str, Any]] = field(default_factory=dict)
    transitions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: key -> comments as `GET /issue/{key}/comment` returns them, oldest first.
    comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Comment bodies answered 400 for not being ADF, with the schema's reasons.
    rejected_bodies: list[tuple[Any, list[str]]] = field(default_factory=list)
    email: str = EMAIL
    token: str = TOKEN
    page_cap: int = 100
    #: The last page's token: absent (False) or null (True); the spec allows both readings.
    null_last_token: bool = False

    def add(self, *issues: dict[str, Any]) -> None:
        """Plant issues that existed before the test: already indexed for search."""
        for issue in issues:
            self.issues[issue["key"]] = issue
            self.index[issue["key"]] = copy.deepcopy(issue)

    def settle(self) -> None:
        """The search index catches up with every write (what Jira does in seconds to minutes)."""
        self.index = copy.deepcopy(self.issues)

    def comment(self, key: str, text: str, *, author: tuple[str, str] = (ME, "Ops Me")) -> dict[str, Any]:
        """Plant a plain-text comment on `key` by `author` (accountId, displayName)."""
        body = {
            "type": "doc",
            "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
        }
        return self._store_comment(key, body, author)

    # -- the server -------------------------------------------------------------------------------
    def serve(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        expected = "Basic " + base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return _error(401, "Client must be authenticated to access this resource.")
        if path == "/rest/api/3/myself":
            return httpx.Response(200, json={"accountId": ME, "emailAddress": self.email, "displayName": "Ops Me"})
        if path == "/rest/api/3/search":
            return _error(410, "The requested API has been removed. Please migrate to /rest/api/3/search/jql.")
        if path == "/rest/api/3/search/jql":
            return self._search(request)
        m = re.fullmatch(r"/rest/api/3/issue/([^/]+)(?:/(assignee|transitions|comment))?", path)
        if m:
            key, what = m.groups()
            if key not in self.issues:
                return _error(404, "Issue does not exist or you do not have permission to see it.")
            return getattr(self, "_" + (what or "issue"))(request, key)
        return _error(404, f"No route {request.method} {path}")

    def _search(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            body = json.loads(request.content)
            fields = body.get("fields") or []
            size = int(body.get("maxResults", 50))
            token = body.get("nextPageToken")
            reconcile = body.get("reconcileIssues", [])
        else:
            q = request.url.params
            fields = [f for f in q.get("fields", "").split(",") if f]
            size = int(q.get("maxResults", 50))
            token = q.get("nextPageToken")
            reconcile = [int(i) for i in q.get("reconcileIssues", "").split(",") if i.strip().isdigit()]
        # The Jira REST API v3 reference, POST /rest/api/3/search/jql, request body:
        # "reconcileIssues: Strong consistency issue ids to be reconciled with search results.
        # Accepts max 50 ids" (an array of integers).
        if (
            not isinstance(reconcile, list)
            or len(reconcile) > 50
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in reconcile)
        ):
            return _error(400, "reconcileIssues must be a list of at most 50 issue ids (integers).")
        # Same reference, maxResults: "To manage page size, API may return fewer items per page
        # where a large number of fields or properties are requested" (here: at most page_cap).
        size = min(size, self.page_cap)
        keys = sorted(self.index, key=lambda k: int(k.rsplit("-", 1)[-1]))
        if token and not re.fullmatch(r"page-[0-9]+", str(token)):
            return _error(400, "The provided next page token is invalid or expired.")
        start = int(token[len("page-") :]) if token else 0
        issues = [self._hit(key, fields, set(reconcile)) for key in keys[start : start + size]]
        # Same reference, response: "nextPageToken: Continuation token to fetch the next page. If
        # this result represents the last or the only page this token will be null." `isLast` is
        # optional there ("Indicates whether this is the last page"): this fake never sends it.
        page: dict[str, Any] = {"issues": issues}
        if start + size < len(keys):
            page["nextPageToken"] = f"page-{start + size}"
        elif self.null_last_token:
            page["nextPageToken"] = None
        return httpx.Response(200, json=page)

    def _hit(self, key: str, fields: list[str], reconcile: set[int]) -> dict[str, Any]:
        # The same reference, POST /rest/api/3/search/jql: "Recent updates might not be immediately
        # visible in the returned search results. If you need read-after-write consistency, you can
        # utilize the reconcileIssues parameter"; Atlassian's "Search and reconcile" guide: search
        # "may return stale or outdated data instead of the most recent updates for some time".
        issue = self.index[key]
        if int(issue["id"]) in reconcile:
            issue = self.issues[key]
        shown = {"id": issue["id"]}
        if fields:
            shown.update(key=issue["key"], self=issue["self"])
            shown["fields"] = {f: issue["fields"].get(f) for f in fields if f in issue["fields"]}
        return copy.deepcopy(shown)

    def _issue(self, request: httpx.Request, key: str) -> httpx.Response:
        # GET /rest/api/3/issue/{key} reads the issue itself, not the search index: no lag.
        issue = self.issues[key]
        wanted = [f for f in request.url.params.get("fields", "").split(",") if f]
        fields = {f: v for f, v in issue["fields"].items() if not wanted or f in wanted}
        return httpx.Response(
            200, json=copy.deepcopy({"id": issue["id"], "key": key, "self": issue["self"], "fields": fields})
        )

    def _assignee(self, request: httpx.Request, key: str) -> httpx.Response:
        account = json.loads(request.content).get("accountId")
        name = "Ops Me" if account == ME else str(account)
        self.issues[key]["fields"]["assignee"] = {"accountId": account, "displayName": name}
        return httpx.Response(204)

    def _transitions(self, request: httpx.Request, key: str) -> httpx.Response:
        available = self.transitions.get(key, DEFAULT_TRANSITIONS)
        if request.method == "GET":
            return httpx.Response(200, json={"expand": "transitions", "transitions": available})
        wanted = json.loads(request.content)["transition"]["id"]
        for t in available:
            if t["id"] == wanted:
                self.issues[key]["fields"]["status"] = {
                    "name": t["to"]["name"],
                    "statusCategory": t["to"]["statusCategory"],
                }
                return httpx.Response(204)
        return _error(400, f"Transition id '{wanted}' is not valid for this issue.")

    def _comment(self, request: httpx.Request, key: str) -> httpx.Response:
        if request.method == "GET":
            return self._list_comments(request, key)
        payload = json.loads(request.content)
        body = payload.get("body") if isinstance(payload, dict) else None
        errors = adf_errors(body)
        if errors:
            # The Jira REST API v3 reference, POST /rest/api/3/issue/{key}/comment: the body is an
            # Atlassian Document Format document; "400 Returned if the request is invalid."
            self.rejected_bodies.append((body, errors))
            return httpx.Response(400, json={"errorMessages": [], "errors": {"comment": "Comment body is not valid!"}})
        return httpx.Response(201, json=self._store_comment(key, body, (ME, "Ops Me")))

    def _list_comments(self, request: httpx.Request, key: str) -> httpx.Response:
        # The same reference, GET /rest/api/3/issue/{key}/comment: "orderBy ... Accepts created to
        # sort comments by their created date" (created, -created, +created); a page of comments.
        q = request.url.params
        comments = list(self.comments.get(key, []))
        if q.get("orderBy", "created").startswith("-"):
            comments.reverse()
        start, size = int(q.get("startAt", 0)), int(q.get("maxResults", 5000))
        return httpx.Response(
            200,
            json=copy.deepcopy(
                {
                    "startAt": start,
                    "maxResults": size,
                    "total": len(comments),
                    "comments": comments[start : start + size],
                }
            ),
        )

    def _store_comment(self, key: str, body: dict[str, Any], author: tuple[str, str]) -> dict[str, Any]:
        stored = self.comments.setdefault(key, [])
        number = sum(len(c) for c in self.comments.values()) + 10000
        created = f"2023-07-01T12:{len(stored) // 60:02d}:{len(stored) % 60:02d}.000+0000"
        comment = {
            "id": str(number),
            "self": f"https://acme.atlassian.net/rest/api/3/issue/{key}/comment/{number}",
            "author": {"accountId": author[0], "displayName": author[1], "active": True},
            "body": copy.deepcopy(body),
            "created": created,
            "updated": created,
            "jsdPublic": True,
        }
        stored.append(comment)
        return comment


def _error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"errorMessages": [message], "errors": {}})


def adf_text(doc: dict[str, Any]) -> str:
    """The plain text of an ADF document (paragraphs joined by blank lines)."""
    paragraphs = []
    for block in doc.get("content", []):
        paragraphs.append("".join(node.get("text", "") for node in block.get("content", [])))
    return "\n\n".join(paragraphs)
