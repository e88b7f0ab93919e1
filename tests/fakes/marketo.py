"""A fake Marketo Engage at the transport layer, shaped like Adobe's REST docs and samples.

`FakeMarketo(clock=...)` serves the identity endpoint, smart campaigns (browse with offset,
maxReturn <= 200, earliestUpdatedAt, the "No assets found" end warning), one campaign by id,
activate/deactivate, emails browse and stats/usage, all in the HTTP-200 `success` envelope.
It rejects the access token as a query parameter, expires tokens on its own clock, enforces the
daily quota (607), and can be told to fail the next matching calls (`fail_next`). An approved email
that is edited (`edit_email`) has two versions under one id, listed in either order (`drafts_first`).
A campaign's smart list with its rules (`smart_list`, `edit_smart_list`) answers
`GET /rest/asset/v1/smartCampaign/{id}/smartList.json?includeRules=true`.
Every request is checked against Adobe's Swagger (fakes.marketo_contract) before it is served.
Use `fake.transport()` as a MarketoSource's `transport=`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from fakes.marketo_bulk import BulkExports
from fakes.marketo_contract import LEDGER
from fakes.marketo_more import MoreMarketo

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret-5ecret"
BASE_URL = "https://123-abc-456.mktorest.com"
NO_ASSETS = "No assets found for the given search criteria."
ERROR_MESSAGES = {
    "601": "Access token invalid",
    "602": "Access token expired",
    "603": "Access denied",
    "604": "Request time-out",
    "606": "Max rate limit '100' exceeded with in '20' secs",
    "607": "Daily quota reached",
    "608": "API Temporarily Unavailable",
    "610": "Requested resource not found",
    "611": "System error",
    "615": "Concurrent access limit reached",
    "709": "Business Rule Violation",
    "713": "Transient Error",
}


def marketo_date(when: datetime) -> str:
    """Marketo's own form, a Z and an offset: 2016-09-10T23:16:19Z+0000."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ+0000")


def _parse_query_date(text: str) -> datetime:
    text = text.replace("Z", "+00:00") if text.endswith("Z") else text
    return datetime.fromisoformat(text)


@dataclass
class Failure:
    """A canned answer for the next `times` calls whose path contains `path`."""

    path: str
    times: int
    code: str | None = None  # a success:false error code
    status: int = 200
    body: bytes | None = None  # raw body (garbage) instead of an envelope
    message: str | None = None


class FakeMarketo(MoreMarketo, BulkExports):
    """In-memory Marketo instance. `calls` records (method, path, params) of every request."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = lambda: 0.0,
        now: datetime | None = None,
        token_ttl: int = 3600,
        daily_quota: int = 50000,
        usage_today: int = 1200,
        leads: list[dict[str, Any]] | None = None,
    ) -> None:
        self.clock = clock
        self.now = now or datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
        self.token_ttl = token_ttl
        self.daily_quota = daily_quota
        self.usage_today = usage_today
        self.campaigns: dict[int, dict[str, Any]] = {}
        #: id -> the approved version of an approved email, or the only version of a draft-only one
        self.emails: dict[int, dict[str, Any]] = {}
        #: id -> the pending draft of an approved email that someone edited
        self.email_drafts: dict[int, dict[str, Any]] = {}
        #: The docs give no order for an email's two records: a listing gives either first.
        self.drafts_first = False
        #: campaign id -> (code, message) Marketo answers to activate/deactivate
        self.refusals: dict[int, tuple[str, str]] = {}
        #: activation acknowledged but the campaign stays as it was (for the confirm path)
        self.ignore_activation: set[int] = set()
        #: campaign id -> its smart list's `rules` (filterMatchType, triggers, filters)
        self.smart_lists: dict[int, dict[str, Any]] = {}
        self.tokens: dict[str, float] = {}  # token -> expiry on self.clock
        self.calls: list[tuple[str, str, dict[str, str]]] = []
        self.failures: list[Failure] = []
        self._token_seq = itertools.count(1)
        self._request_seq = itertools.count(1)
        self.init_more()  # programs, approvals, schedules (fakes.marketo_more)
        self.init_bulk(leads)  # bulk lead exports (fakes.marketo_bulk)

    # -- building the instance ------------------------------------------------------------------
    def add_campaign(
        self,
        name: str,
        *,
        id: int | None = None,
        type: str = "trigger",
        active: bool = True,
        status: str | None = None,
        program: int | None = None,
        updated: datetime | None = None,
    ) -> dict[str, Any]:
        cid = id if id is not None else 1000 + len(self.campaigns)
        when = updated or self.now - timedelta(days=30)
        campaign: dict[str, Any] = {
            "id": cid,
            "name": name,
            "description": "",
            "createdAt": marketo_date(when - timedelta(days=100)),
            "updatedAt": marketo_date(when),
            "folder": {"id": program or 327, "type": "Program" if program else "Folder"},
            "status": status or ("Active" if active else ("Inactive" if type == "trigger" else "Never Run")),
            "type": type,
            "isSystem": False,
            "isActive": active if type == "trigger" else False,
            "isRequestable": False,
            "isCommunicationLimitEnabled": False,
            "recurrence": {"weekdayOnly": False},
            "qualificationRuleType": "once",
            "workspace": "Default",
            "smartListId": 5000 + cid,
            "flowId": 6000 + cid,
            "computedUrl": f"https://app-sjqe.marketo.com/#SC{cid}A1",
        }
        if program is not None:
            campaign["parentProgramId"] = program
        self.campaigns[cid] = campaign
        return campaign

    def add_email(
        self,
        name: str,
        *,
        program: int,
        program_name: str = "",
        status: str = "approved",
        id: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        eid = id if id is not None else 2000 + len(self.emails)
        email = {
            "id": eid,
            "name": name,
            "description": "",
            "createdAt": marketo_date(self.now - timedelta(days=40)),
            "updatedAt": marketo_date(self.now - timedelta(days=40)),
            "folder": {"type": "Program", "value": program, "folderName": program_name or f"Program {program}"},
            "status": status,
            "workspace": "Default",
            "version": 2,
        }
        # emails.md "Browse" sample: subject, fromName, fromEmail, replyEmail as {type, value}
        values = {"subject": f"{name}", "fromName": "Acme", "fromEmail": "news@acme.com", "replyEmail": "news@acme.com"}
        values.update(headers or {})
        email.update({key: {"type": "Text", "value": value} for key, value in values.items()})
        self.emails[eid] = email
        return email

    def edit_email(self, eid: int, **changes: Any) -> dict[str, Any]:
        """Edit an email as a Marketo user would: an approved one gets a draft beside it, dated now.

        ../shared/reference/marketo/emails.md, "Approval": "Separate endpoints let you approve a
        draft, unapprove an approved version, or discard an existing draft." The approved version
        keeps its own updatedAt, so a listing with earliestUpdatedAt after it returns only the
        draft ("Browse": "`earliestUpdatedAt` and `latestUpdatedAt`: The update time range.").
        """
        email = self.emails[eid]
        draft = self.email_drafts.get(eid) or (dict(email) if email["status"] == "approved" else email)
        draft.update(changes, status="draft", updatedAt=marketo_date(self.now))
        if draft is not email:
            self.email_drafts[eid] = draft
        return draft

    def unapprove_email(self, eid: int) -> None:
        """The approved version goes; a pending draft stays as the only one, else the email turns draft.

        ../shared/reference/marketo/emails.md, "Unapprove": "Use the `unapprove` operation only on an
        approved email."
        """
        if self.emails[eid]["status"] != "approved":
            raise ValueError(f"email {eid} is not approved")
        email = self.email_drafts.pop(eid, None) or self.emails[eid]
        email.update(status="draft", updatedAt=marketo_date(self.now))
        self.emails[eid] = email

    def email_records(self) -> list[dict[str, Any]]:
        """What a browse without a status filter lists: both versions of an email with a pending edit.

        ../shared/reference/marketo/emails.md, "Browse": "`status`: Either `Approved` or `Draft`." (the
        Swagger's getEmailUsingGET: "Status filter for draft or approved versions"); "Preview Email":
        "the approved version for an approved email or the draft version for an unapproved email".
        """
        rows: list[dict[str, Any]] = []
        for eid in sorted(self.emails):
            versions = [self.emails[eid]] + ([self.email_drafts[eid]] if eid in self.email_drafts else [])
            rows.extend(reversed(versions) if self.drafts_first else versions)
        return rows

    def smart_list(
        self,
        cid: int,
        *,
        triggers: list[dict[str, Any]] | None = None,
        filters: list[dict[str, Any]] | None = None,
        match: str = "all",
    ) -> dict[str, Any]:
        """Give campaign `cid` smart list rules, as Adobe's Smart Lists page shows them ("Smartlist
        Rules", `GET /rest/asset/v1/smartList/{id}.json?includeRules=true`: `rules` with
        `filterMatchType` "all", `triggers` [], `filters` [{id, name, ruleTypeId, ruleType,
        operator, conditions: [{activityAttributeId, activityAttributeName, operator, values,
        isPrimary}]}]); the Swagger's SmartListRules lists `triggers` too, here shaped like filters."""
        rules = {"filterMatchType": match, "triggers": triggers or [], "filters": filters or []}
        self.smart_lists[cid] = rules
        return rules

    def edit_smart_list(self, cid: int, **changes: Any) -> None:
        """A user edits the smart list in Marketo's UI: the campaign's updatedAt moves (issue 17:
        "campaigns whose updatedAt moved": the listing is how drift is noticed; unverified in Adobe's docs)."""
        self.smart_lists[cid].update(changes)
        self.touch(cid)

    def touch(self, cid: int, **changes: Any) -> None:
        """Change a campaign as a Marketo user would, bumping its updatedAt to `now`."""
        self.campaigns[cid].update(changes)
        self.campaigns[cid]["updatedAt"] = marketo_date(self.now)

    def fail_next(
        self,
        path: str,
        *,
        times: int = 1,
        code: str | None = None,
        status: int = 200,
        body: bytes | None = None,
        message: str | None = None,
    ) -> None:
        self.failures.append(Failure(path, times, code, status, body, message))

    def expire_tokens(self) -> None:
        """Every token issued so far expires now (a token dying mid-run)."""
        for token in self.tokens:
            self.tokens[token] = self.clock() - 1

    def count(self, path_part: str) -> int:
        return sum(1 for _, path, _ in self.calls if path_part in path)

    # -- HTTP -----------------------------------------------------------------------------------
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        params = dict(request.url.params)
        self.calls.append((request.method, path, params))
        LEDGER.record(request)  # a test fails at teardown if this finds anything (swagger_contract)
        for failure in self.failures:
            if failure.times > 0 and failure.path in path:
                failure.times -= 1
                if failure.body is not None:
                    return httpx.Response(failure.status, content=failure.body)
                if failure.code is not None:
                    return self._error(failure.code, failure.message)
                return httpx.Response(failure.status, json={"message": failure.message or "edge error"})
        if path == "/identity/oauth/token":
            return self._identity(params)
        if "access_token" in params:  # removed: the token goes only in the Authorization header
            return self._error("601", "Access token invalid: the access_token query parameter is no longer supported")
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        if token not in self.tokens:
            return self._error("601")
        if self.tokens[token] <= self.clock():
            return self._error("602")
        if self.usage_today >= self.daily_quota:
            return self._error("607")
        self.usage_today += 1
        more = self.route_bulk(request) or self.route_more(request)
        return more if more is not None else self._route(request.method, path, params)

    def _route(self, method: str, path: str, params: dict[str, str]) -> httpx.Response:
        if method == "GET" and path == "/rest/asset/v1/smartCampaigns.json":
            return self._browse([self.campaigns[k] for k in sorted(self.campaigns)], params)
        if method == "GET" and path == "/rest/asset/v1/emails.json":
            return self._browse(self.email_records(), params)
        if method == "GET" and path == "/rest/v1/stats/usage.json":
            users = [{"userId": "mopstui@acme.com", "count": self.usage_today}]
            return self._ok(
                [{"date": self.now.strftime("%Y-%m-%dT00:00:00Z"), "total": self.usage_today, "users": users}]
            )
        rules = re.fullmatch(r"/rest/asset/v1/smartCampaign/(\d+)/smartList\.json", path)
        if rules and method == "GET":
            return self._smart_list(int(rules.group(1)), params)
        match = re.fullmatch(r"/rest/asset/v1/smartCampaign/(\d+)(?:/(activate|deactivate))?\.json", path)
        if match:
            cid, verb = int(match.group(1)), match.group(2)
            campaign = self.campaigns.get(cid)
            if campaign is None:
                return self._ok(None, warnings=[NO_ASSETS]) if method == "GET" else self._error("610")
            if verb is None and method == "GET":
                return self._ok([campaign])
            if verb is not None and method == "POST":
                return self._activation(campaign, verb)
        return self._error("610")

    def _smart_list(self, cid: int, params: dict[str, str]) -> httpx.Response:
        """Swagger getSmartListBySmartCampaignIdUsingGET: one SmartListResponseWithRules in `result`
        (id, name, description, createdAt, updatedAt, url, folder, workspace; `rules` only with
        includeRules=true: "Set true to populate smart list rules. Default false")."""
        campaign = self.campaigns.get(cid)
        if campaign is None:
            return self._error("610")  # error-codes.md: 610 "Requested resource not found"
        sid = campaign["smartListId"]
        record: dict[str, Any] = {
            "id": sid,
            "name": campaign["name"],
            "description": "",
            "createdAt": campaign["createdAt"],
            "updatedAt": campaign["updatedAt"],
            "url": f"https://app-sjqe.marketo.com/#SL{sid}A1LA1",
            "folder": campaign["folder"],
            "workspace": "Default",
        }
        if params.get("includeRules") == "true":
            record["rules"] = self.smart_lists.get(cid) or {"filterMatchType": "all", "triggers": [], "filters": []}
        return self._ok([record])

    def _activation(self, campaign: dict[str, Any], verb: str) -> httpx.Response:
        cid = campaign["id"]
        if cid in self.refusals:
            return self._error(*self.refusals[cid])
        if campaign["type"] != "trigger" or campaign["status"] == "Invalid":
            return self._error("709", "Cannot activate: the campaign must have a trigger and an error-free flow")
        want = verb == "activate"
        if campaign["isActive"] == want:
            return self._error("709", f"Campaign is already {'active' if want else 'inactive'}")
        if cid not in self.ignore_activation:
            self.touch(cid, isActive=want, status="Active" if want else "Inactive")
        return self._ok([{"id": cid}])

    def _browse(self, rows: list[dict[str, Any]], params: dict[str, str]) -> httpx.Response:
        max_return = int(params.get("maxReturn", 20))
        offset = int(params.get("offset", 0))
        if max_return > 200:
            return self._error("1003", "maxReturn must be 200 or less")
        if "status" in params:  # emails only: one version of each
            rows = [r for r in rows if r.get("status") == params["status"].lower()]
        if "earliestUpdatedAt" in params:
            earliest = _parse_query_date(params["earliestUpdatedAt"])
            rows = [r for r in rows if _parse_query_date(r["updatedAt"].replace("Z+0000", "Z")) >= earliest]
        if params.get("isActive") == "true":
            rows = [r for r in rows if r.get("isActive")]
        page = rows[offset : offset + max_return]
        if not page:
            return self._ok(None, warnings=[NO_ASSETS])
        return self._ok(page)

    def _identity(self, params: dict[str, str]) -> httpx.Response:
        if params.get("grant_type") != "client_credentials":
            return httpx.Response(400, json={"error": "invalid_request", "error_description": "grant_type missing"})
        if params.get("client_id") != CLIENT_ID or params.get("client_secret") != CLIENT_SECRET:
            return httpx.Response(401, json={"error": "unauthorized", "error_description": "Bad client credentials"})
        now = self.clock()
        for token, expiry in self.tokens.items():
            if expiry > now:  # asked again before expiry: the same token, its remaining life
                return httpx.Response(200, json=self._token_body(token, int(expiry - now)))
        token = f"cdf01657-110d-4155-99a7-{next(self._token_seq):012d}:int"
        self.tokens[token] = now + self.token_ttl
        return httpx.Response(200, json=self._token_body(token, self.token_ttl - 1))

    @staticmethod
    def _token_body(token: str, expires_in: int) -> dict[str, Any]:
        return {"access_token": token, "token_type": "bearer", "expires_in": expires_in, "scope": "apis@acme.com"}

    def _request_id(self) -> str:
        return f"{next(self._request_seq):x}#16983a92965"

    def _ok(self, result: list[Any] | None, warnings: list[str] | None = None) -> httpx.Response:
        body: dict[str, Any] = {
            "success": True,
            "errors": [],
            "requestId": self._request_id(),
            "warnings": warnings or [],
        }
        if result is not None:
            body["result"] = result
        return httpx.Response(200, json=body)

    def _error(self, code: str, message: str | None = None) -> httpx.Response:
        error = {"code": code, "message": message or ERROR_MESSAGES.get(code, "Error")}
        return httpx.Response(200, json={"requestId": self._request_id(), "success": False, "errors": [error]})


def condition(
    attribute: str, operator: str, *values: str, primary: bool = True, attribute_id: int = 1
) -> dict[str, Any]:
    """One smart list condition (Swagger SmartListConditions; Smart Lists page sample)."""
    return {
        "activityAttributeId": attribute_id,
        "activityAttributeName": attribute,
        "operator": operator,
        "values": list(values),
        "isPrimary": primary,
    }


def rule(
    name: str, *conditions: dict[str, Any], id: int = 459, rule_type: str = "Activity", operator: str = "is"
) -> dict[str, Any]:
    """One smart list trigger or filter (Swagger SmartListFilters; Smart Lists page sample)."""
    return {
        "id": id,
        "name": name,
        "ruleTypeId": 1,
        "ruleType": rule_type,
        "operator": operator,
        "conditions": list(conditions),
    }


def marketo_source(
    fake: FakeMarketo,
    clock: Any,
    secret: Callable[[str], str],
    *,
    name: str = "marketo-prod",
    transport: httpx.AsyncBaseTransport | None = None,
    **options: Any,
) -> Any:
    """A MarketoSource talking to `fake`: its waits on the test's `clock`, its jitter fixed."""
    from mopstui.adapters.marketo import MarketoOptions, MarketoSource
    from mopstui.core.source import SourceContext

    revisions = options.pop("revisions", None)
    opts = MarketoOptions(base_url=BASE_URL, client_id=options.pop("client_id", CLIENT_ID), **options)
    return MarketoSource(
        name,
        opts,
        SourceContext(secret=secret, revisions=revisions),
        transport=transport or fake.transport(),
        clock=clock,
        sleep=clock.sleep,
        rng=lambda: 0.5,
        now=lambda: fake.now,
    )
