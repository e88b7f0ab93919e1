"""A fake HubSpot at the transport layer: automation v4 flows and CRM contact search.

Use `FakeHubSpot().transport()` as the `httpx.MockTransport` of a HubSpotSource. Flows are kept
as full bodies; a PUT must carry the current `revisionId` and replaces the whole flow, exactly as the
real API does, so a partial body visibly drops fields (tests check the adapter never sends one).
Search evaluates filter groups over in-memory contacts (OR of groups, AND within a group), keeps
HubSpot's own search limit (4 a second per token, answered with a SECONDLY 429) and refuses a filter
value that is not a string. `latency` and `connect_latency` model the network, so arrival times at
the fake differ from send times at the client as they do at HubSpot.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from fakes.server import RecordingServer

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
SEARCH_PATH = re.compile(r"/crm/v3/objects/[^/]+/search")
#: ../shared/reference/apis.md (HubSpot, CRM search): "Search has its own limit of about 4-5
#: requests / s per token"; issue 13 section 4 holds us to HubSpot's "4 requests per second".
SEARCHES_PER_SECOND = 4


def make_flow(flow_id: str, name: str, *, enabled: bool = True, revision: int = 7) -> dict[str, Any]:
    """A full flow as `GET /automation/v4/flows/{id}` returns it, enrollment criteria and all."""
    return {
        "id": flow_id,
        "name": name,
        "isEnabled": enabled,
        "flowType": "WORKFLOW",
        "type": "CONTACT_FLOW",
        "objectTypeId": "0-1",
        "revisionId": str(revision),
        "canEnrollFromSalesforce": False,
        "createdAt": "2024-02-01T10:00:00.000Z",
        "updatedAt": "2025-05-20T08:30:00.000Z",
        "startActionId": "1",
        "nextAvailableActionId": "3",
        "enrollmentCriteria": {
            "shouldReEnroll": False,
            "type": "LIST_BASED",
            "listFilterBranch": {"filterBranchType": "OR", "filterBranches": [], "filters": []},
            "unEnrollObjectsNotMeetingCriteria": False,
        },
        "actions": [
            {
                "actionId": "1",
                "actionTypeId": "0-5",
                "type": "SINGLE_CONNECTION",
                "fields": {"property_name": "hubspot_owner_id", "value": {"type": "STATIC_VALUE", "staticValue": "42"}},
                "connection": {"edgeType": "STANDARD", "nextActionId": "2"},
            },
            {
                "actionId": "2",
                "actionTypeId": "0-4",
                "type": "SINGLE_CONNECTION",
                "fields": {"content_id": "113782603056"},
            },
        ],
        "timeWindows": [],
        "blockedDates": [],
        "customProperties": {},
        "suppressionListIds": [],
    }


SUMMARY_FIELDS = ("id", "name", "isEnabled", "flowType", "objectTypeId", "revisionId", "createdAt", "updatedAt")


@dataclass
class FakeHubSpot(RecordingServer):
    flows: dict[str, dict[str, Any]] = field(default_factory=dict)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    token: str = TOKEN
    portal_id: int = 4242
    page_cap: int = 100
    #: Bodies of every PUT, as received.
    puts: list[dict[str, Any]] = field(default_factory=list)
    #: The fake's monotonic clock, read as each search arrives: time.monotonic, or the test's
    #: FakeClock so the fake and the limiter under test share one (fake) time.
    clock: Callable[[], float] = time.monotonic
    #: How the network delays below are spent: asyncio.sleep, or the FakeClock's sleep.
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    #: One-way network delay of every request and of its answer, in seconds.
    latency: float = 0.0
    #: Extra delay of the requests sent before the first answer is back: each opens a connection
    #: (DNS, TCP and TLS), so the first arrivals come late compared with the later ones.
    connect_latency: float = 0.0
    #: When each search arrived, by `clock` (scripted failures included: they arrived too).
    search_arrivals: list[float] = field(default_factory=list)
    #: Arrival times of the searches answered with a SECONDLY 429.
    throttled: list[float] = field(default_factory=list)
    #: flow id -> the marketing email ids its send steps use (GET /automation/v4/flows/email-campaigns)
    flow_emails: dict[str, list[str]] = field(default_factory=dict)
    #: marketing email id -> the email (GET /marketing/v3/emails/{emailId})
    emails: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: list id -> list record (GET /crm/v3/lists/{listId})
    lists: dict[str, dict[str, Any]] = field(default_factory=dict)
    _connected: bool = field(default=False, init=False, repr=False)

    def busiest_second(self) -> int:
        """The most searches that arrived within any one second of the run."""
        arrivals = sorted(self.search_arrivals)
        return max((sum(1 for b in arrivals if a <= b < a + 1.0) for a in arrivals), default=0)

    def add_flows(self, *flows: dict[str, Any]) -> None:
        for flow in flows:
            self.flows[flow["id"]] = flow

    def edit_flow(self, flow_id: str, **changes: Any) -> dict[str, Any]:
        """A user saves the flow in HubSpot's editor: its body changes and its revisionId moves on
        (apis.md, HubSpot "Workflows": the listing's `revisionId`, which a PUT must carry; each save
        makes a new revision, as the fake's PUT does)."""
        flow = self.flows[flow_id]
        flow.update(copy.deepcopy(changes))
        flow["revisionId"] = str(int(flow["revisionId"]) + 1)
        return flow

    # -- the network ------------------------------------------------------------------------------
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._travel)

    async def _travel(self, request: httpx.Request) -> httpx.Response:
        await self._wait(self.latency + (0.0 if self._connected else self.connect_latency))
        response = self.handle(request)
        await self._wait(self.latency)
        self._connected = True
        return response

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            await self.sleep(seconds)

    def handle(self, request: httpx.Request) -> httpx.Response:
        if SEARCH_PATH.fullmatch(request.url.path):
            self.search_arrivals.append(self.clock())
        return super().handle(request)

    # -- the server -------------------------------------------------------------------------------
    def serve(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return error(401, "Authentication credentials not found.", "INVALID_AUTHENTICATION")
        if path == "/account-info/v3/details":
            return httpx.Response(
                200,
                json={
                    "portalId": self.portal_id,
                    "accountType": "STANDARD",
                    "timeZone": "Europe/Paris",
                    "uiDomain": "app-eu1.hubspot.com",
                    "dataHostingLocation": "eu1",
                },
            )
        if path == "/automation/v4/flows" and request.method == "GET":
            return self._list(request)
        more = self._why(request)
        if more is not None:
            return more
        m = re.fullmatch(r"/automation/v4/flows/([^/]+)", path)
        if m:
            flow = self.flows.get(m.group(1))
            if flow is None:
                return error(404, f"Flow {m.group(1)} not found", "OBJECT_NOT_FOUND")
            if request.method == "GET":
                return httpx.Response(200, json=copy.deepcopy(flow))
            if request.method == "PUT":
                return self._put(request, flow)
        if SEARCH_PATH.fullmatch(path) and request.method == "POST" and self._over_search_limit():
            self.throttled.append(self.search_arrivals[-1])
            return rate_limited("SECONDLY")
        if path == "/crm/v3/objects/contacts/search" and request.method == "POST":
            return self._search(json.loads(request.content))
        return error(404, f"No route {request.method} {path}", "OBJECT_NOT_FOUND")

    def _why(self, request: httpx.Request) -> httpx.Response | None:
        """What a diagnosis reads: a flow's emails, each email, each list."""
        path = request.url.path
        if path == "/automation/v4/flows/email-campaigns" and request.method == "GET":
            # developers.hubspot.com, automation v4 "Retrieve workflow email campaigns": results of
            # {emailCampaignId, emailContentId, flowId}, filtered by flowId, paged by paging.next.after
            flow_id = request.url.params.get("flowId", "")
            rows = [
                {"emailCampaignId": f"9{email_id}", "emailContentId": email_id, "flowId": flow_id}
                for email_id in self.flow_emails.get(flow_id, [])
            ]
            return httpx.Response(200, json={"results": rows})
        m = re.fullmatch(r"/marketing/v3/emails/([^/]+)", path)
        if m and request.method == "GET":
            # marketing emails v3 "Get the details of a specified marketing email": name, state, isPublished
            email = self.emails.get(m.group(1))
            if email is None:
                return error(404, f"Email {m.group(1)} not found", "OBJECT_NOT_FOUND")
            return httpx.Response(200, json=email)
        m = re.fullmatch(r"/crm/v3/lists/([^/]+)", path)
        if m and request.method == "GET":
            # lists v3 "Fetch List by ID": {"list": {listId, name, size, processingType, ...}}
            found = self.lists.get(m.group(1))
            if found is None:
                return error(404, f"List {m.group(1)} not found", "OBJECT_NOT_FOUND")
            return httpx.Response(200, json={"list": found})
        return None

    def _list(self, request: httpx.Request) -> httpx.Response:
        limit = min(int(request.url.params.get("limit", 20)), self.page_cap)
        after = request.url.params.get("after")
        ids = sorted(self.flows, key=int)
        start = ids.index(after) + 1 if after else 0
        page = ids[start : start + limit]
        body: dict[str, Any] = {"results": [{k: self.flows[i][k] for k in SUMMARY_FIELDS} for i in page]}
        if start + limit < len(ids):
            # HubSpot's cursor is opaque; here it is the last id of the page
            body["paging"] = {"next": {"after": page[-1], "link": f"?after={page[-1]}"}}
        return httpx.Response(200, json=body)

    def _put(self, request: httpx.Request, flow: dict[str, Any]) -> httpx.Response:
        body = json.loads(request.content)
        self.puts.append(body)
        if body.get("revisionId") != flow["revisionId"]:
            return error(409, "revisionId is stale: the flow was changed since it was read", "CONFLICT")
        new = copy.deepcopy(body)  # full replace: whatever is missing is gone
        new["revisionId"] = str(int(flow["revisionId"]) + 1)
        new["id"] = flow["id"]
        self.flows[flow["id"]] = new
        return httpx.Response(200, json=copy.deepcopy(new))

    def _over_search_limit(self) -> bool:
        """More than 4 searches arrived within the last second, this one included: HubSpot's search
        limit (apis.md, HubSpot "CRM search": about 4 requests / s per token; issue 13 section 4)."""
        now = self.search_arrivals[-1]
        return sum(1 for a in self.search_arrivals if now - a < 1.0) > SEARCHES_PER_SECOND

    def _search(self, body: dict[str, Any]) -> httpx.Response:
        groups = body.get("filterGroups") or []
        wrong = _non_string_value(groups)
        if wrong:
            # HubSpot's CRM search schema types a filter's value, highValue and values[] as strings
            # (issue 13 section 4: send "50", not 50); a 400 with its error body (apis.md, "Error body").
            return error(
                400,
                f"Invalid input JSON: {wrong} must be a string",
                "VALIDATION_ERROR",
                errors=[{"message": f"{wrong} must be a string", "in": wrong}],
            )
        matched = [c for c in self.contacts if not groups or any(_group(c, g) for g in groups)]
        limit = int(body.get("limit", 10))
        results = [{"id": str(i), "properties": c} for i, c in enumerate(matched[:limit])]
        return httpx.Response(200, json={"total": len(matched), "results": results})


def _non_string_value(groups: list[dict[str, Any]]) -> str:
    """Where the first non-string filter value sits (`filterGroups[0].filters[1].value`), or ""."""
    for i, group in enumerate(groups):
        for j, f in enumerate(group.get("filters", [])):
            where = f"filterGroups[{i}].filters[{j}]"
            for key in ("value", "highValue"):
                if key in f and not isinstance(f[key], str):
                    return f"{where}.{key}"
            for k, item in enumerate(f.get("values", [])):
                if not isinstance(item, str):
                    return f"{where}.values[{k}]"
    return ""


def _group(contact: dict[str, Any], group: dict[str, Any]) -> bool:
    return all(_filter(contact, f) for f in group.get("filters", []))


def _filter(contact: dict[str, Any], f: dict[str, Any]) -> bool:
    value = contact.get(f["propertyName"])
    has = value not in (None, "")
    op = f["operator"]
    if op == "HAS_PROPERTY":
        return has
    if op == "NOT_HAS_PROPERTY":
        return not has
    if op == "EQ":
        return has and str(value).lower() == str(f["value"]).lower()
    if op == "NEQ":
        return not has or str(value).lower() != str(f["value"]).lower()
    if op == "IN":
        return has and str(value).lower() in [str(v).lower() for v in f["values"]]
    if op == "CONTAINS_TOKEN":
        return has and str(f["value"]).strip("*").lower() in str(value).lower()
    raise ValueError(f"fake does not know operator {op}")


def error(status: int, message: str, category: str, **extra: Any) -> httpx.Response:
    """HubSpot's error body: status, message, category, correlationId (plus e.g. policyName)."""
    body = {
        "status": "error",
        "message": message,
        "category": category,
        "correlationId": "aeb5f871-7f07-4993-9211-075dc63e7cbf",
        **extra,
    }
    return httpx.Response(status, json=body)


def rate_limited(policy: str) -> httpx.Response:
    """A 429 as HubSpot sends it for `policy` (TEN_SECONDLY_ROLLING, SECONDLY or DAILY).

    The body of HubSpot's rate-limit answer (apis.md, HubSpot "Limits": 429, body `policyName`):
    `errorType: RATE_LIMIT`, "You have reached your secondly limit." and the policy's name.
    """
    return error(
        429,
        "You have reached your " + policy.lower() + " limit.",
        "RATE_LIMITS",
        errorType="RATE_LIMIT",
        policyName=policy,
    )


def make_email(email_id: str, name: str, *, published: bool = True) -> dict[str, Any]:
    """A marketing email as `GET /marketing/v3/emails/{id}` gives it (the fields a diagnosis reads)."""
    state = "AUTOMATED" if published else "AUTOMATED_DRAFT"
    return {"id": email_id, "name": name, "state": state, "isPublished": published, "type": "AUTOMATED_EMAIL"}


def in_list(flow: dict[str, Any], *list_ids: str) -> dict[str, Any]:
    """`flow` enrolling the members of `list_ids` (v4 enrollment criteria: IN_LIST filters)."""
    flow["enrollmentCriteria"]["listFilterBranch"]["filterBranches"] = [
        {
            "filterBranchType": "AND",
            "filterBranches": [],
            "filters": [{"filterType": "IN_LIST", "listId": lid, "operator": "IN_LIST"}],
        }
        for lid in list_ids
    ]
    return flow
