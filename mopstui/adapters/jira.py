"""Jira Cloud as the request queue (`kind = "jira"`).

Fetch: `/rest/api/3/search/jql` with the JQL from the config, naming the fields we show (the endpoint
returns ids only by default), paged with `nextPageToken` until `isLast`. Actions: `take` (assign to
the `myself` account), `done` and `decline` (transitions looked up by name, since transition ids
differ per workflow); `decline` first posts the chosen canned reply as an ADF comment.
Auth is HTTP Basic `email:api_token`; the token comes from the secret store, never the config.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from datetime import datetime, time, timezone
from typing import Any

import httpx

from mopstui.adapters.http import HttpClient, HttpPolicy, HttpSource
from mopstui.core.errors import AuthError, BadAnswerError, NotFoundError, SourceError
from mopstui.core.models import ActionOutcome, Request, overdue_by
from mopstui.core.replies import replies_for
from mopstui.core.source import SourceContext
from mopstui.core.values import valueclass

DEFAULT_SLA_HOURS: dict[str, float] = {"Highest": 4.0, "High": 24.0, "Medium": 72.0, "Low": 168.0}
#: The fields the queue shows; /search/jql returns only ids unless they are named.
SEARCH_FIELDS = ("summary", "status", "priority", "reporter", "assignee", "created", "duedate", "labels")
#: The largest page Jira hands out for these fields; fewer round trips on a long queue.
PAGE_SIZE = 100
#: A guard against a server that never says isLast (each page costs a call).
MAX_PAGES = 1000


@valueclass(frozen=True)
class JiraOptions:
    """`[sources.NAME]` keys for kind "jira" (the api_token is a secret, not an option)."""

    base_url: str
    email: str
    jql: str = field(metadata={"suggest": "project = MOPS AND statusCategory != Done ORDER BY priority DESC, created ASC"})
    done_transition: str = "Done"
    decline_transition: str = "Won't Do"
    sla_hours: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SLA_HOURS))

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("https://", "http://")):
            raise ValueError(f"base_url: expected the site address like https://acme.atlassian.net, got {self.base_url!r}")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        if "@" not in self.email:
            raise ValueError(f"email: expected the Atlassian account's email address, got {self.email!r}")
        if not self.jql.strip():
            raise ValueError("jql: expected a JQL query, e.g. project = MOPS AND statusCategory != Done")
        for name in ("done_transition", "decline_transition"):
            if not getattr(self, name).strip():
                raise ValueError(f"{name}: expected the name of a workflow transition")
        for priority, hours in self.sla_hours.items():
            if hours <= 0:
                raise ValueError(f"sla_hours.{priority}: expected a number of hours above 0")


# -- pure mapping ---------------------------------------------------------------------------------


def parse_jira_datetime(value: Any) -> datetime:
    """Jira's `2023-06-24T19:24:50.000+0000` (any ISO 8601 form) as an aware datetime."""
    if not isinstance(value, str):
        raise ValueError(f"expected a date-time string, got {value!r}")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_due_date(value: Any) -> datetime | None:
    """A `duedate` (`2023-06-30`, a day without a time) as the end of that day, UTC.

    Jira stores a bare date; a request due "on the 30th" is not late until the 30th is over.
    """
    if not value:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected a date string, got {value!r}")
    if "T" in value:
        return parse_jira_datetime(value)
    day = datetime.fromisoformat(value).date()
    return datetime.combine(day, time.max, tzinfo=timezone.utc).replace(microsecond=0)


def _name(obj: Any, key: str = "name") -> str:
    return str(obj.get(key) or "") if isinstance(obj, dict) else ""


def issue_to_request(
    source: str,
    issue: Mapping[str, Any],
    *,
    base_url: str,
    sla_hours: Mapping[str, float],
    now: datetime,
    me: str | None = None,
) -> Request:
    """One search hit as a Request. Raises ValueError for a hit we cannot read."""
    key = issue.get("key")
    fields = issue.get("fields")
    if not isinstance(key, str) or not isinstance(fields, dict):
        raise ValueError("an issue without key or fields")
    status = fields.get("status") or {}
    done = isinstance(status, dict) and _name(status.get("statusCategory"), "key") == "done"
    priority = _name(fields.get("priority"))
    created = parse_jira_datetime(fields.get("created"))
    due = parse_due_date(fields.get("duedate"))
    assignee = fields.get("assignee")
    assigned_to_me = me is not None and isinstance(assignee, dict) and assignee.get("accountId") == me
    return Request(
        source=source,
        id=key,
        title=str(fields.get("summary") or ""),
        requester=_name(fields.get("reporter"), "displayName") or "(no reporter)",
        priority=priority,
        status=_name(status),
        created=created,
        due=due,
        assignee=_name(assignee, "displayName") or None,
        url=f"{base_url}/browse/{key}",
        overdue=overdue_by(created, due, priority, dict(sla_hours), now, done=done),
        actions=("done", "decline") if assigned_to_me else ("take", "done", "decline"),
    )


def adf_document(text: str) -> dict[str, Any]:
    """Plain text as an Atlassian Document Format body: one paragraph per blank-line-separated block."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": " ".join(p.split())}]} for p in paragraphs
        ],
    }


def find_transition(transitions: Any, name: str) -> dict[str, Any] | None:
    """The transition called `name` (case-insensitive), or None if this workflow has none."""
    wanted = name.strip().casefold()
    for t in transitions if isinstance(transitions, list) else []:
        if isinstance(t, dict) and str(t.get("name", "")).strip().casefold() == wanted and t.get("id"):
            return t
    return None


# -- the source -----------------------------------------------------------------------------------


class JiraSource(HttpSource):
    """A Jira Cloud project as the request queue."""

    kind = "jira"
    Options = JiraOptions
    secret_fields = ("api_token",)
    capabilities = frozenset({"requests", "actions"})
    action_labels = {"take": "Take (assign to me)", "done": "Mark done", "decline": "Decline with a reply"}

    def __init__(self, name: str, options: JiraOptions, context: SourceContext | None = None, **seams: Any) -> None:
        super().__init__(name, options, context, **seams)
        self._http: HttpClient | None = None
        self._me: str | None = None

    @property
    def http(self) -> HttpClient:
        # Built on first use: a missing api_token then fails this source's fetch, not the start-up.
        if self._http is None:
            token = self.secret("api_token")
            self._http = self.make_client(
                self.options.base_url,
                policy=HttpPolicy(max_calls=10, per_seconds=1.0, max_concurrency=4),
                headers={"Accept": "application/json"},
                auth=httpx.BasicAuth(self.options.email, token),
                response_hook=self._classify,
            )
        return self._http

    def _classify(self, response: httpx.Response, data: Any) -> None:
        """Name the credential to fix on 401/403; the shared layer maps everything else."""
        status = response.status_code
        fix = f"run `mopstui auth set {self.name} api_token`"
        if status == 401:
            raise AuthError(f"{self.name}: Jira refused the api_token for {self.options.email} (HTTP 401): {fix}")
        if status == 403:
            if response.headers.get("X-Seraph-LoginReason", "").startswith("AUTHENTICATION_DENIED"):
                raise AuthError(
                    f"{self.name}: Jira wants a CAPTCHA after failed log-ins for {self.options.email} (HTTP 403): "
                    f"log in once in the browser, then {fix}"
                )
            raise AuthError(
                f"{self.name}: Jira refused access for {self.options.email} (HTTP 403): check the account's "
                f"project permissions, or {fix}"
            )

    async def myself(self) -> str:
        """The accountId of the token's owner (asked once per session)."""
        if self._me is None:
            data = await self.http.get("/rest/api/3/myself")
            account = data.get("accountId")
            if not isinstance(account, str) or not account:
                raise BadAnswerError(f"{self.name}: Jira's /myself answer has no accountId")
            self._me = account
        return self._me

    # -- fetch ------------------------------------------------------------------------------------
    async def fetch_requests(self) -> list[Request]:
        me = await self.myself()
        now = self.now()
        out: list[Request] = []
        token: str | None = None
        for _ in range(MAX_PAGES):
            body: dict[str, Any] = {"jql": self.options.jql, "fields": list(SEARCH_FIELDS), "maxResults": PAGE_SIZE}
            if token:
                body["nextPageToken"] = token
            page = await self.http.post("/rest/api/3/search/jql", json=body, idempotent=True)
            issues = page.get("issues")
            if not isinstance(issues, list):
                raise BadAnswerError(f"{self.name}: Jira's search answer has no issues list")
            for issue in issues:
                try:
                    out.append(issue_to_request(self.name, issue, base_url=self.options.base_url,
                                                sla_hours=self.options.sla_hours, now=now, me=me))
                except (ValueError, TypeError, AttributeError) as exc:
                    ref = issue.get("key", "?") if isinstance(issue, dict) else "?"
                    raise BadAnswerError(f"{self.name}: cannot read Jira issue {ref} ({exc})") from None
            token = page.get("nextPageToken")
            if page.get("isLast", True) or not token:
                return out
        raise BadAnswerError(f"{self.name}: Jira kept paging past {MAX_PAGES} pages; narrow the jql")

    async def check_connection(self) -> str:
        await self.myself()
        return f"connected to {self.options.base_url} as {self.options.email}"

    # -- actions ----------------------------------------------------------------------------------
    async def perform(self, action: str, target: str, params: Mapping[str, str]) -> ActionOutcome:
        try:
            if action == "take":
                return await self._take(target)
            if action == "done":
                return await self._transition(target, self.options.done_transition, f"{target} marked done")
            if action == "decline":
                return await self._decline(target, params)
        except NotFoundError:
            return ActionOutcome(False, f"{target} not found in Jira, or {self.options.email} cannot see it")
        return ActionOutcome(False, f"Jira source {self.name} does not support {action!r}")

    async def _take(self, key: str) -> ActionOutcome:
        me = await self.myself()
        await self.http.put(f"/rest/api/3/issue/{key}/assignee", json={"accountId": me}, expect=None)
        return ActionOutcome(True, f"{key} assigned to you")

    async def _lookup(self, key: str, name: str) -> tuple[dict[str, Any] | None, list[str]]:
        data = await self.http.get(f"/rest/api/3/issue/{key}/transitions")
        transitions = data.get("transitions")
        names = [str(t.get("name")) for t in transitions if isinstance(t, dict)] if isinstance(transitions, list) else []
        return find_transition(transitions, name), names

    def _missing(self, key: str, name: str, names: list[str]) -> ActionOutcome:
        offered = ", ".join(repr(n) for n in names) or "none"
        return ActionOutcome(
            False,
            f"{key} has no {name!r} transition in its workflow (offered now: {offered}); nothing was changed. "
            f"Set the right name in the source's transition option.",
        )

    async def _transition(self, key: str, name: str, done_message: str) -> ActionOutcome:
        transition, names = await self._lookup(key, name)
        if transition is None:
            return self._missing(key, name, names)
        await self.http.post(f"/rest/api/3/issue/{key}/transitions",
                             json={"transition": {"id": str(transition["id"])}}, expect=None)
        return ActionOutcome(True, done_message)

    async def _decline(self, key: str, params: Mapping[str, str]) -> ActionOutcome:
        reply = (params.get("reply") or "").strip()
        reply_id = params.get("reply_id") or ""
        if not reply and reply_id:
            reply = replies_for(self.context.replies).get(reply_id, "")
        if not reply:
            return ActionOutcome(False, f"pick a reply to decline {key} with; nothing was changed")
        name = self.options.decline_transition
        # Check the transition before commenting: a reply saying "closed" on an issue left open is worse than nothing.
        transition, names = await self._lookup(key, name)
        if transition is None:
            return self._missing(key, name, names)
        # Comments are not idempotent: a retried POST that timed out could post the reply twice.
        await self.http.post(f"/rest/api/3/issue/{key}/comment", json={"body": adf_document(reply)}, idempotent=False)
        try:
            await self.http.post(f"/rest/api/3/issue/{key}/transitions",
                                 json={"transition": {"id": str(transition["id"])}}, expect=None)
        except SourceError as exc:
            return ActionOutcome(False, f"the reply was posted on {key} but the {name!r} transition failed: {exc}")
        what = f" ({reply_id})" if reply_id else ""
        return ActionOutcome(True, f"{key} declined{what} with a reply to the requester")
