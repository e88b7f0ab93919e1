"""Jira Cloud as the request queue (`kind = "jira"`).

Fetch: `/rest/api/3/search/jql` with the JQL from the config, naming the fields we show (the endpoint
returns ids only by default), paged with `nextPageToken` until a page carries none (`isLast` is
optional). Search lags behind writes, so the ids of issues we just changed go along as
`reconcileIssues`. Actions: `take` (assign to the `myself` account), `done` and `decline`
(transitions looked up by name, since transition ids differ per workflow); `decline` posts the
chosen canned reply as an ADF comment, then transitions, and does neither twice.
Auth is HTTP Basic `email:api_token`; the token comes from the secret store, never the config.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

import httpx

from mopstui.adapters.http import HttpClient, HttpPolicy, HttpSource
from mopstui.core.errors import AuthError, BadAnswerError, NotFoundError, SourceError
from mopstui.core.models import ActionOutcome, OverdueRule, Request
from mopstui.core.receipt import progressed
from mopstui.core.replies import replies_for
from mopstui.core.source import SourceContext

DEFAULT_SLA_HOURS: dict[str, float] = {"Highest": 4.0, "High": 24.0, "Medium": 72.0, "Low": 168.0}
#: The fields the queue shows; /search/jql returns only ids unless they are named.
SEARCH_FIELDS = ("summary", "status", "priority", "reporter", "assignee", "created", "duedate", "labels")
#: The largest page Jira hands out for these fields; fewer round trips on a long queue.
PAGE_SIZE = 100
#: A guard against a server that hands out new tokens forever (each page costs a call).
MAX_PAGES = 1000
#: Atlassian accepts at most 50 ids in `reconcileIssues`; we keep the most recently changed.
RECONCILE_CAP = 50
_ISSUE_ID = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class JiraOptions:
    """`[sources.NAME]` keys for kind "jira" (the api_token is a secret, not an option)."""

    base_url: str
    email: str
    jql: str = field(
        metadata={"suggest": "project = MOPS AND statusCategory != Done ORDER BY priority DESC, created ASC"}
    )
    done_transition: str = "Done"
    decline_transition: str = "Won't Do"
    sla_hours: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SLA_HOURS))

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("https://", "http://")):
            raise ValueError(
                f"base_url: expected the site address like https://acme.atlassian.net, got {self.base_url!r}"
            )
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
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


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
    return datetime.combine(day, time.max, tzinfo=UTC).replace(microsecond=0)


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
        overdue=not done and OverdueRule(sla_hours, now)(created, due, priority),
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


def adf_plain_text(doc: Any) -> str:
    """The words of an ADF document, whitespace collapsed (for comparing a comment with a reply)."""
    words: list[str] = []
    stack = [doc]
    while stack:  # iterative: a comment from the platform may nest deeper than Python recurses
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "text" and isinstance(node.get("text"), str):
                words.append(node["text"])
            content = node.get("content")
            if isinstance(content, list):
                stack.extend(reversed(content))
    return " ".join(" ".join(words).split())


def issue_number(issue: Any) -> int | None:
    """The numeric id of an issue (`"10042"`), which `reconcileIssues` takes; None if unreadable."""
    raw = issue.get("id") if isinstance(issue, dict) else None
    return int(raw) if isinstance(raw, str) and _ISSUE_ID.fullmatch(raw) else None


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
        self._me: str | None = None
        #: key -> numeric issue id, learned from listings and issue reads.
        self._ids: dict[str, int] = {}
        #: Ids of the issues this session changed, oldest first, sent as `reconcileIssues`.
        self._changed: list[int] = []

    def build_client(self) -> HttpClient:
        token = self.secret("api_token")
        fix = f"run `mopstui auth set {self.name} api_token`"
        return self.make_client(
            self.options.base_url,
            policy=HttpPolicy(max_calls=10, per_seconds=1.0, max_concurrency=4),
            headers={"Accept": "application/json"},
            auth=httpx.BasicAuth(self.options.email, token),
            response_hook=self._classify,
            auth_hint=f"check the api_token for {self.options.email}: {fix}",
            access_hint=f"check the project permissions of {self.options.email}, or {fix}",
        )

    def _classify(self, response: httpx.Response, data: Any) -> None:
        """Jira's CAPTCHA after failed log-ins (a 403 of its own); the shared layer maps everything else."""
        if response.status_code == 403 and response.headers.get("X-Seraph-LoginReason", "").startswith(
            "AUTHENTICATION_DENIED"
        ):
            raise AuthError(
                f"{self.name}: Jira wants a CAPTCHA after failed log-ins for {self.options.email} (HTTP 403): "
                f"log in once in the browser, then run `mopstui auth set {self.name} api_token`"
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
        seen: set[str] = set()
        token: str | None = None
        for _ in range(MAX_PAGES):
            page = await self._search_page(token)
            out.extend(self._read_issue(issue, now, me) for issue in page["issues"])
            token = self._next_token(page, seen)
            if token is None:
                return out
        raise BadAnswerError(f"{self.name}: Jira kept paging past {MAX_PAGES} pages; narrow the jql")

    async def _search_page(self, token: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"jql": self.options.jql, "fields": list(SEARCH_FIELDS), "maxResults": PAGE_SIZE}
        if token:
            body["nextPageToken"] = token
        if self._changed:
            # Search lags behind writes; naming the issues we changed makes it show their new state.
            body["reconcileIssues"] = list(self._changed)
        page = await self.http.post("/rest/api/3/search/jql", json=body, idempotent=True)
        if not isinstance(page.get("issues"), list):
            raise BadAnswerError(f"{self.name}: Jira's search answer has no issues list")
        return dict(page)

    def _read_issue(self, issue: Any, now: datetime, me: str) -> Request:
        try:
            request = issue_to_request(
                self.name, issue, base_url=self.options.base_url, sla_hours=self.options.sla_hours, now=now, me=me
            )
        except (ValueError, TypeError, AttributeError) as exc:
            ref = issue.get("key", "?") if isinstance(issue, dict) else "?"
            raise BadAnswerError(f"{self.name}: cannot read Jira issue {ref} ({exc})") from None
        self._learn_id(request.id, issue)
        return request

    def _next_token(self, page: dict[str, Any], seen: set[str]) -> str | None:
        """The token of the next page, None after the last; the end is a page without a token."""
        token = page.get("nextPageToken")
        if token is None or token == "":
            if page.get("isLast") is False:
                raise BadAnswerError(
                    f"{self.name}: Jira's search says more pages follow (isLast false) "
                    f"but sent no nextPageToken; the queue would be incomplete"
                )
            return None
        if not isinstance(token, str):
            raise BadAnswerError(f"{self.name}: Jira's search sent a nextPageToken that is not a string")
        if page.get("isLast") is True:  # an explicit last page wins over a stray token
            return None
        if token in seen:
            raise BadAnswerError(
                f"{self.name}: Jira's search sent a nextPageToken it had already sent; "
                f"stopped paging rather than loop over the same pages"
            )
        seen.add(token)
        return token

    def _learn_id(self, key: str, issue: Any) -> None:
        number = issue_number(issue)
        if number is not None:
            self._ids[key] = number

    def _reconcile(self, key: str) -> None:
        """Name `key` in the next searches, so the re-fetch after an action shows what it did."""
        number = self._ids.get(key)
        if number is None:
            return
        if number in self._changed:
            self._changed.remove(number)
        self._changed.append(number)
        del self._changed[:-RECONCILE_CAP]

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
        self._reconcile(key)
        return ActionOutcome(True, f"{key} assigned to you")

    async def _lookup(self, key: str, name: str) -> tuple[dict[str, Any] | None, list[str]]:
        data = await self.http.get(f"/rest/api/3/issue/{key}/transitions")
        transitions = data.get("transitions")
        names = (
            [str(t.get("name")) for t in transitions if isinstance(t, dict)] if isinstance(transitions, list) else []
        )
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
        await self.http.post(
            f"/rest/api/3/issue/{key}/transitions", json={"transition": {"id": str(transition["id"])}}, expect=None
        )
        self._reconcile(key)
        return ActionOutcome(True, done_message)

    async def _status(self, key: str) -> dict[str, Any]:
        """The issue's status as Jira holds it now (the issue endpoint, unlike search, does not lag)."""
        data = await self.http.get(f"/rest/api/3/issue/{key}", params={"fields": "status"})
        fields = data.get("fields")
        status = fields.get("status") if isinstance(fields, dict) else None
        if not isinstance(status, dict):
            raise BadAnswerError(f"{self.name}: Jira's answer for issue {key} has no status")
        self._learn_id(key, data)
        return status

    async def _reply_posted(self, key: str, reply: str) -> bool:
        """Whether the issue's latest comment is this reply, posted by us (a decline that got halfway)."""
        me = await self.myself()
        data = await self.http.get(f"/rest/api/3/issue/{key}/comment", params={"orderBy": "-created", "maxResults": 1})
        comments = data.get("comments")
        latest = comments[0] if isinstance(comments, list) and comments else None
        if not isinstance(latest, dict):
            return False
        author = latest.get("author")
        ours = isinstance(author, dict) and author.get("accountId") == me
        return ours and adf_plain_text(latest.get("body")) == adf_plain_text(adf_document(reply))

    def _already_closed(self, key: str, status: dict[str, Any], transition: dict[str, Any] | None) -> str | None:
        """Why `key` needs no decline (already declined or closed), or None if it does."""
        name = _name(status)
        target = transition.get("to") if transition else None
        if isinstance(target, dict) and _same_status(status, target):
            return f"{key} is already declined (status {name!r}); no reply was posted again"
        if _name(status.get("statusCategory"), "key") == "done":
            if name.casefold() == self.options.decline_transition.strip().casefold():
                return f"{key} is already declined (status {name!r}); no reply was posted again"
            return f"{key} is already closed (status {name!r}); it was not declined and no reply was posted"
        return None

    async def _decline(self, key: str, params: Mapping[str, str]) -> ActionOutcome:
        reply = (params.get("reply") or "").strip()
        reply_id = params.get("reply_id") or ""
        if not reply and reply_id:
            reply = replies_for(self.context.replies).get(reply_id, "")
        if not reply:
            return ActionOutcome(False, f"pick a reply to decline {key} with; nothing was changed")
        name = self.options.decline_transition
        # A request already closed gets no second "no": read its state where it does not lag.
        status = await self._status(key)
        if (already := self._already_closed(key, status, None)) is not None:
            self._reconcile(key)
            return ActionOutcome(True, already)
        # Check the transition before commenting: a reply saying "closed" on an issue left open is worse than nothing.
        transition, names = await self._lookup(key, name)
        if transition is None:
            return self._missing(key, name, names)
        if (already := self._already_closed(key, status, transition)) is not None:
            self._reconcile(key)
            return ActionOutcome(True, already)
        repeated = await self._reply_posted(key, reply)
        if not repeated:
            # Comments are not idempotent: a retried POST that timed out could post the reply twice.
            await self.http.post(
                f"/rest/api/3/issue/{key}/comment", json={"body": adf_document(reply)}, idempotent=False
            )
            self._reconcile(key)
        progressed(f"{key}: reply posted")
        try:
            await self.http.post(
                f"/rest/api/3/issue/{key}/transitions", json={"transition": {"id": str(transition["id"])}}, expect=None
            )
        except SourceError as exc:
            # A retry finds the reply as our latest comment and goes straight to the transition.
            return ActionOutcome(
                False,
                f"{key}: reply posted; could not move to {_target_name(transition)}: {exc}; "
                f"decline again to retry the move (the reply is not posted twice)",
            )
        self._reconcile(key)
        what = f" ({reply_id})" if reply_id else ""
        if repeated:
            return ActionOutcome(True, f"reply already posted, not repeated; {key} declined{what}")
        return ActionOutcome(True, f"{key} declined{what} with a reply to the requester")


def _target_name(transition: dict[str, Any]) -> str:
    """The status a transition leads to ("Declined"), else the transition's own name."""
    return _name(transition.get("to")) or _name(transition)


def _same_status(status: dict[str, Any], target: dict[str, Any]) -> bool:
    """Whether the issue is in the transition's target status: by id when both have one, else by name."""
    if status.get("id") and target.get("id"):
        return str(status["id"]) == str(target["id"])
    return bool(_name(status)) and _name(status).casefold() == _name(target).casefold()
