"""A fake Jira Cloud at the transport layer, shaped like the documented REST v3 payloads.

Use `FakeJira().transport()` as the `httpx.MockTransport` of a JiraSource. It keeps issues,
per-issue workflow transitions, comments and assignees in memory, checks HTTP Basic auth, and can
be told to answer the next matching calls with a canned failure (`fail_next`).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

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
    """In-memory Jira: issues by key, transitions by key (default workflow), comments by key."""

    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    transitions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    email: str = EMAIL
    token: str = TOKEN
    page_cap: int = 100

    def add(self, *issues: dict[str, Any]) -> None:
        for issue in issues:
            self.issues[issue["key"]] = issue

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
        m = re.fullmatch(r"/rest/api/3/issue/([^/]+)/(assignee|transitions|comment)", path)
        if m:
            key, what = m.groups()
            if key not in self.issues:
                return _error(404, "Issue does not exist or you do not have permission to see it.")
            return getattr(self, "_" + what)(request, key)
        return _error(404, f"No route {request.method} {path}")

    def _search(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            body = json.loads(request.content)
            fields = body.get("fields") or []
            size = int(body.get("maxResults", 50))
            token = body.get("nextPageToken")
        else:
            q = request.url.params
            fields = [f for f in q.get("fields", "").split(",") if f]
            size = int(q.get("maxResults", 50))
            token = q.get("nextPageToken")
        size = min(size, self.page_cap)
        keys = sorted(self.issues, key=lambda k: int(k.rsplit("-", 1)[-1]))
        start = int(token[len("page-"):]) if token else 0
        page = keys[start : start + size]
        issues = []
        for key in page:
            issue = self.issues[key]
            shown = {"id": issue["id"]}
            if fields:
                shown.update(key=issue["key"], self=issue["self"])
                shown["fields"] = {f: issue["fields"].get(f) for f in fields if f in issue["fields"]}
            issues.append(shown)
        body: dict[str, Any] = {"issues": issues, "isLast": start + size >= len(keys)}
        if not body["isLast"]:
            body["nextPageToken"] = f"page-{start + size}"
        return httpx.Response(200, json=body)

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
                    "name": t["to"]["name"], "statusCategory": t["to"]["statusCategory"]}
                return httpx.Response(204)
        return _error(400, f"Transition id '{wanted}' is not valid for this issue.")

    def _comment(self, request: httpx.Request, key: str) -> httpx.Response:
        body = json.loads(request.content)["body"]
        if body.get("type") != "doc" or body.get("version") != 1:
            return _error(400, "Comment body is not valid!")
        self.comments.setdefault(key, []).append(body)
        return httpx.Response(201, json={"id": str(len(self.comments[key])), "body": body})


def _error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"errorMessages": [message], "errors": {}})


def adf_text(doc: dict[str, Any]) -> str:
    """The plain text of an ADF document (paragraphs joined by blank lines)."""
    paragraphs = []
    for block in doc.get("content", []):
        paragraphs.append("".join(node.get("text", "") for node in block.get("content", [])))
    return "\n\n".join(paragraphs)
