"""HubSpot (`kind = "hubspot"`): automation v4 workflows and contact data quality from CRM search.

Workflows: every flow is listed (paged by `paging.next.after`) and reported as a WorkflowState; a
flow that is off while matching `expect_active` is an `inactive` problem. Turning a flow on or off is
a full-replace PUT: GET the flow, flip `isEnabled`, PUT the whole body back with its `revisionId`
(a partial body silently drops the enrollment criteria). Quality: CRM search totals with `limit: 1`,
one `missing:<property>` metric per required property plus the named counts of
`[sources.NAME.quality.<metric>]`, paced so HubSpot never sees more than 4 searches a second from one
token (every source on that token shares the pace).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import httpx

from mopstui import paths
from mopstui.adapters.http import (
    HttpClient,
    HttpPolicy,
    HttpSource,
    Transient,
    parse_retry_after,
)
from mopstui.adapters.http.limits import ArrivalLimiter, shared_limiter
from mopstui.adapters.hubspot import definitions as flow_definitions
from mopstui.adapters.hubspot import why
from mopstui.adapters.hubspot.filters import QualityCount, parse_quality
from mopstui.adapters.hubspot.quality_export import MAX_FILE_BYTES, ContactsExport
from mopstui.core.diagnosis import Audience, Diagnosis
from mopstui.core.errors import (
    AuthError,
    BadAnswerError,
    NotFoundError,
    QuotaError,
    RateLimitError,
    SourceError,
    UnreachableError,
)
from mopstui.core.models import (
    ActionOutcome,
    QualityMetric,
    WorkflowDefinition,
    WorkflowProblem,
    WorkflowScan,
    WorkflowState,
)
from mopstui.core.patterns import matching_pattern
from mopstui.core.private import open_private
from mopstui.core.quality import make_metric
from mopstui.core.receipt import unconfirmed
from mopstui.core.source import SourceContext

FLOWS = "/automation/v4/flows"
SEARCH = "/crm/v3/objects/contacts/search"
PAGE_SIZE = 100
MAX_PAGES = 1000
#: Any object's CRM search (contacts, companies...): all of them share the token's search limit.
SEARCH_PATH = re.compile(r"/crm/v3/objects/[^/]+/search")
#: The search endpoint's own limit is about 4-5 requests/s per token: stay under it.
SEARCH_PER_SECOND = 4
#: 4 per 1.1 s, each search counted until 1.1 s after its answer: whatever the network delay, HubSpot
#: never sees a 5th within 1 s of the 1st, with 0.1 s to spare for how its own clock cuts seconds.
SEARCH_WINDOW_SECONDS = 1.1
#: The answers HttpClient retries: a retried search is one more arrival at HubSpot.
_RETRIED_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
#: How long to stop calling after HubSpot says the daily limit is spent (it resets at the account's midnight).
DAILY_PAUSE_SECONDS = 3600.0


@dataclass(frozen=True)
class HubSpotOptions:
    """`[sources.NAME]` keys for kind "hubspot" (the private app token is a secret, not an option)."""

    base_url: str = "https://api.hubapi.com"
    expect_active: list[str] = field(default_factory=list, metadata={"suggest": "*Lead Routing*"})
    required_properties: list[str] = field(default_factory=list, metadata={"suggest": "email, country, lifecyclestage"})
    #: `[sources.NAME.quality.<metric>]` tables: filter_groups, optional label, warning, critical.
    quality: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Flows read in full per refresh at most, for the `changed` problem (revisionId moved first,
    #: then the baselines still missing); 0 turns drift off.
    definition_reads: int = 25
    #: Data quality from a CRM contacts export counted by the file rules (see quality_export.py).
    quality_export: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.definition_reads <= 200:
            raise ValueError("definition_reads: expected 0 to 200 flows read per refresh (0: no drift)")
        if not self.base_url.startswith(("https://", "http://")):
            raise ValueError(f"base_url: expected an address like https://api.hubapi.com, got {self.base_url!r}")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        for i, prop in enumerate(self.required_properties):
            if not prop.strip() or " " in prop.strip():
                raise ValueError(
                    f"required_properties[{i}]: expected an internal property name like 'country', got {prop!r}"
                )
        parse_quality(self.quality, self.required_properties)  # raises ValueError naming the key

    @property
    def counts(self) -> list[QualityCount]:
        return parse_quality(self.quality, self.required_properties)


def flow_url(ui_domain: str, portal_id: int | None, flow_id: str) -> str:
    """The workflow's page in the HubSpot UI ("" until the portal id is known)."""
    if portal_id is None:
        return ""
    return f"https://{ui_domain}/workflows/{portal_id}/platform/flow/{flow_id}/edit"


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class HubSpotSource(HttpSource):
    """A HubSpot portal: workflows to watch and switch, contact data quality to count."""

    kind = "hubspot"
    Options = HubSpotOptions
    secret_fields = ("token",)
    capabilities = frozenset({"workflows", "quality", "actions", "why"})
    action_labels = {"activate": "Activate (turn the workflow on)", "deactivate": "Deactivate (turn the workflow off)"}

    def __init__(self, name: str, options: HubSpotOptions, context: SourceContext | None = None, **seams: Any) -> None:
        super().__init__(name, options, context, **seams)
        #: Names the token's shared search limit (a digest: the token itself stays in the client).
        self._search_key = ""
        self._search_limiter: ArrivalLimiter | None = None
        self._portal: tuple[str, int | None] | None = None
        self.export: ContactsExport | None = None
        if options.quality_export:
            cache = paths.cache_dir() / "hubspot" / re.sub(r"[^A-Za-z0-9_.-]", "-", name)
            required = options.required_properties or ["email"]
            self.export = ContactsExport(name, self._call, self.download, required, cache, self.context, now=self.now)

    def build_client(self) -> HttpClient:
        token = self.secret("token")
        self._search_key = hashlib.sha256(token.encode()).hexdigest()
        fix = f"run `mopstui auth set {self.name} token`"
        return self.make_client(
            self.options.base_url,
            # 100 per 10 s is the smallest private-app allowance; stay inside it whatever the tier.
            policy=HttpPolicy(max_calls=90, per_seconds=10.0, max_concurrency=5),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            response_hook=self._classify,
            auth_hint=f"{fix} with a valid private app access token",
            access_hint=f"give the private app the automation and crm.objects.contacts.read scopes (and content, crm.lists.read for `w`), or {fix}",
        )

    # -- answers ----------------------------------------------------------------------------------
    def _classify(self, response: httpx.Response, data: Any) -> None:
        """HubSpot specifics before the shared mapping: 429 by policyName, the daily limit."""
        self._note_daily_headers(response)
        status = response.status_code
        body = data if isinstance(data, dict) else {}
        searching = SEARCH_PATH.fullmatch(response.request.url.path) is not None
        if status == 429:
            policy = str(body.get("policyName") or "")
            if policy == "DAILY":
                resume_at = self.clock() + DAILY_PAUSE_SECONDS
                raise self.http.stop_calls(QuotaError(self._daily_message()), lambda: self.clock() >= resume_at)
            if policy in ("TEN_SECONDLY_ROLLING", "SECONDLY"):
                wait = parse_retry_after(response.headers.get("Retry-After"))
                if wait is None:
                    wait = 10.0 if policy == "TEN_SECONDLY_ROLLING" else 1.0
                if searching:
                    wait = self._slow_searches(wait)
                error = RateLimitError(
                    f"{self.name}: HubSpot is rate limiting this app ({policy}); try again in a minute"
                )
                raise Transient(error, retry_after=wait, max_retries=2, slow_down=True)
        if searching and status in _RETRIED_STATUS:
            self._retry_search(response)

    def _slow_searches(self, wait: float) -> float:
        """A search retried (inside its place under the limit) waits a whole window, and so do the
        other searches on the token: no window then holds two attempts of one search."""
        wait = max(wait, SEARCH_WINDOW_SECONDS)
        if self._search_limiter is not None:
            self._search_limiter.penalise(wait)
        return wait

    def _retry_search(self, response: httpx.Response) -> NoReturn:
        """The retry HttpClient would make, spaced like `_slow_searches` rather than by the short backoff."""
        status = response.status_code
        wait = self._slow_searches(parse_retry_after(response.headers.get("Retry-After")) or 0.0)
        if status == 429:
            error: SourceError = RateLimitError(
                f"{self.name}: HubSpot is rate limiting this app (HTTP 429); try again in a minute"
            )
        else:
            error = self.http.error(UnreachableError, f"{self.http.host} answered HTTP {status}")
        raise Transient(error, retry_after=wait, slow_down=status == 429)

    def _note_daily_headers(self, response: httpx.Response) -> None:
        left = response.headers.get("X-HubSpot-RateLimit-Daily-Remaining")
        cap = response.headers.get("X-HubSpot-RateLimit-Daily")
        if left and cap and left.isdigit() and cap.isdigit() and int(cap):
            used = 100 - 100 * int(left) // int(cap)
            self.health = f"API {used}% of the daily limit used" + (" (warning)" if used >= 80 else "")

    def _daily_message(self) -> str:
        return (
            f"{self.name}: HubSpot's daily API limit is spent (DAILY); it resets at midnight in the account's "
            f"time zone; no calls for an hour"
        )

    # -- workflows --------------------------------------------------------------------------------
    async def _ui(self) -> tuple[str, int | None]:
        """UI domain and portal id for deep links, asked once; links are a nicety, so failures leave them out."""
        if self._portal is None:
            try:
                info = await self.http.get("/account-info/v3/details")
                portal = info.get("portalId")
                self._portal = (
                    str(info.get("uiDomain") or "app.hubspot.com"),
                    portal if isinstance(portal, int) else None,
                )
            except (NotFoundError, BadAnswerError, AuthError):
                # AuthError too: a token without the account-info scope still watches workflows
                # (the flow listing before this call already proved the token itself works).
                self._portal = ("app.hubspot.com", None)
        return self._portal

    async def list_flows(self) -> list[dict[str, Any]]:
        flows: list[dict[str, Any]] = []
        async for results in self.pages(FLOWS, {"limit": PAGE_SIZE}, ("flow list", "flows"), MAX_PAGES):
            flows.extend(r for r in results if isinstance(r, dict))
        return flows

    async def pages(
        self, path: str, params: dict[str, Any], what: tuple[str, str], max_pages: int
    ) -> AsyncIterator[list[Any]]:
        """Each page's `results` of a listing paged by `paging.next.after` (HubSpot's CRM and
        automation listings), until a page has no next; BadAnswerError past `max_pages`.
        `what`: (the answer, the things listed) for the errors, e.g. ("flow list", "flows")."""
        answer, things = what
        after: str | None = None
        for _ in range(max_pages):
            page = await self.http.get(path, params={**params, "after": after} if after else params)
            results = page.get("results")
            if not isinstance(results, list):
                raise BadAnswerError(f"{self.name}: HubSpot's {answer} has no results")
            yield results
            paging = page.get("paging")
            nxt = paging.get("next") if isinstance(paging, dict) else None
            after = nxt.get("after") if isinstance(nxt, dict) else None
            if not after:
                return
        raise BadAnswerError(f"{self.name}: HubSpot kept paging {things} past {max_pages} pages")

    async def fetch_workflows(self) -> WorkflowScan:
        flows = await self.list_flows()
        ui_domain, portal = await self._ui()
        problems: list[WorkflowProblem] = []
        states: list[WorkflowState] = []
        for flow in flows:
            flow_id, name, enabled = str(flow.get("id") or ""), str(flow.get("name") or ""), flow.get("isEnabled")
            if not flow_id or not isinstance(enabled, bool):
                raise BadAnswerError(f"{self.name}: a HubSpot flow without id or isEnabled ({name or '?'})")
            url = flow_url(ui_domain, portal, flow_id)
            states.append(
                WorkflowState(
                    self.name, flow_id, name, "flow", enabled, url, ("deactivate",) if enabled else ("activate",)
                )
            )
            pattern = matching_pattern(name, self.options.expect_active)
            if not enabled and pattern is not None:
                problems.append(
                    WorkflowProblem(
                        source=self.name,
                        id=flow_id,
                        name=name,
                        kind="flow",
                        problem="inactive",
                        severity="critical",
                        detail=f"Workflow is off but matches expect_active {pattern!r}: nothing is being enrolled.",
                        since=_parse_time(flow.get("updatedAt")),
                        url=url,
                        actions=("activate",),
                    )
                )
        known = self.context.known_revisions()
        if known is None or not self.options.definition_reads:
            return WorkflowScan(problems, states)
        urls = {s.id: s.url for s in states}
        wanted = flow_definitions.to_read(flows, known, self.options.definition_reads)
        return WorkflowScan(problems, states, await self._read_definitions(wanted, urls))

    async def _read_definitions(self, wanted: list[str], urls: Mapping[str, str]) -> list[WorkflowDefinition]:
        """The full bodies of the flows whose revisionId moved: one call each, the unchanged cost none."""
        unreadable: list[str] = []

        async def one(flow_id: str) -> WorkflowDefinition | None:
            try:
                flow = await self.http.get(f"{FLOWS}/{flow_id}")
            except NotFoundError:
                return None  # deleted since the listing
            except BadAnswerError as exc:
                unreadable.append(str(exc).removeprefix(self.name + ": "))
                return None
            if str(flow.get("id") or "") != flow_id or "revisionId" not in flow:
                unreadable.append(f"flow {flow_id} came back without its id or revisionId")
                return None
            return flow_definitions.definition(flow, urls.get(flow_id, ""))

        async with asyncio.TaskGroup() as group:  # the client paces them (90 per 10 s, 5 at a time)
            jobs = [group.create_task(one(fid)) for fid in wanted]
        if unreadable:
            more = f" and {len(unreadable) - 1} more" if len(unreadable) > 1 else ""
            note = f"flow definition unreadable ({unreadable[0]}{more})"
            self.health = f"{self.health}; {note}" if self.health else note
        return [d for d in (job.result() for job in jobs) if d is not None]

    async def perform(self, action: str, target: str, params: Mapping[str, str]) -> ActionOutcome:
        if action not in ("activate", "deactivate"):
            return ActionOutcome(False, f"HubSpot source {self.name} does not support {action!r}")
        want = action == "activate"
        try:
            flow = await self.http.get(f"{FLOWS}/{target}")
        except NotFoundError:
            return ActionOutcome(False, f"workflow {target} not found in HubSpot (deleted, or the token cannot see it)")
        name = str(flow.get("name") or target)
        if flow.get("isEnabled") is want:
            return ActionOutcome(True, f"'{name}' is already {'on' if want else 'off'}")
        if "revisionId" not in flow:
            return ActionOutcome(False, f"HubSpot sent '{name}' without a revisionId; nothing was changed")
        # The whole body goes back, only isEnabled flipped: a partial body drops the enrollment criteria.
        body = dict(flow, isEnabled=want)
        switched = f"HubSpot accepted {action} of '{name}'"
        try:
            # Not retried on a timeout: a second PUT with the old revisionId would fail or undo a change.
            updated = await self.http.put(f"{FLOWS}/{target}", json=body, idempotent=False)
        except BadAnswerError as exc:  # raised only for a 2xx answer: the PUT was applied
            return unconfirmed(switched, f"its answer could not be read ({exc})")
        except SourceError as exc:
            if "409" in str(exc) or "revision" in str(exc).lower():
                return ActionOutcome(
                    False, f"'{name}' changed in HubSpot while we switched it; refresh and try again ({exc})"
                )
            raise
        # The PUT's answer is the flow as HubSpot now holds it: the read-back.
        enabled = updated.get("isEnabled")
        if not isinstance(enabled, bool):
            return unconfirmed(switched, "its answer does not say whether the workflow is on")
        if enabled is not want:
            return ActionOutcome(False, f"HubSpot accepted the change but '{name}' is still {'off' if want else 'on'}")
        return ActionOutcome(True, f"{'Activated' if want else 'Deactivated'} '{name}'", confirmed=True)

    # -- why won't it send (see why.py) -----------------------------------------------------------
    async def diagnose(self, target: str) -> Diagnosis:
        return await why.diagnose(self, target)

    async def count_audience(self, target: str) -> Audience:
        return await why.count_audience(self, target)

    # -- data quality -----------------------------------------------------------------------------
    async def count(self, filter_groups: list[dict[str, Any]]) -> int:
        """Contacts matching `filter_groups` (OR of groups, AND within one): one paced search call."""
        http = self.http
        answer = await http.post(
            SEARCH, json={"filterGroups": filter_groups, "limit": 1}, idempotent=True, limiter=self._searches()
        )
        total = answer.get("total")
        if not isinstance(total, int) or isinstance(total, bool) or total < 0:
            raise BadAnswerError(f"{self.name}: HubSpot's search answer has no total")
        return total

    def _searches(self) -> ArrivalLimiter:
        """The token's search limiter, shared with every source on the same token (build `http` first)."""
        limiter = shared_limiter(
            "hubspot-search",
            self._search_key,
            SEARCH_PER_SECOND,
            SEARCH_WINDOW_SECONDS,
            clock=self.clock,
            sleep=self.sleep,
        )
        self._search_limiter = limiter  # holds the shared entry for as long as this source lives
        return limiter

    async def _call(self, method: str, path: str, **kw: Any) -> Any:
        return await self.http.request(method, path, **kw)  # the client is built on first use

    @property
    def health(self) -> str:
        """The daily limit's use (from HubSpot's headers), then the export's progress when there is one."""
        export: ContactsExport | None = getattr(self, "export", None)
        return "; ".join(p for p in (self._limits_seen, export.status if export else "") if p)

    @health.setter
    def health(self, text: str) -> None:
        self._limits_seen = text

    async def download(self, url: str, dest: Path) -> None:
        """HubSpot's signed export file into `dest` (0600), streamed, from its own host without our token."""
        parts = urlsplit(url)
        client = self.make_client(f"{parts.scheme}://{parts.netloc}", policy=HttpPolicy(read_timeout=120.0))
        try:
            with open_private(dest, "wb") as out:
                await client.download(
                    parts.path + (f"?{parts.query}" if parts.query else ""), out, max_bytes=MAX_FILE_BYTES
                )
        finally:
            await client.aclose()

    async def fetch_quality(self) -> list[QualityMetric]:
        if self.export is not None:
            exported = await self.export.fetch()
            if exported is not None:
                return exported
        total = await self.count([])
        metrics = []
        for count in self.options.counts:
            found = await self.count(count.filter_groups)
            metric = make_metric(self.name, count.metric, found, total, count.thresholds)
            if count.label:
                metric = dataclasses.replace(metric, label=count.label)
            metrics.append(metric)
        return metrics
