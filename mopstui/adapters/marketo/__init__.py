"""Marketo Engage (`kind = "marketo"`): smart-campaign problems, API health, activate/deactivate.

Frugal by design, because the daily quota is shared by every integration on the instance: a check
with a new token lists everything (campaigns and emails, 200 per call); a check within the same
token's life asks only for what changed since the last one (`earliestUpdatedAt`) and merges.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from mopstui import paths
from mopstui.adapters.http import HttpClient, HttpPolicy, HttpSource
from mopstui.adapters.marketo import doctor, smartlists
from mopstui.adapters.marketo.auth import TokenKeeper
from mopstui.adapters.marketo.bulk_budget import BulkBudget
from mopstui.adapters.marketo.campaigns import is_active, is_trigger, scan_campaigns, version_key
from mopstui.adapters.marketo.dates import format_marketo_date, next_quota_reset
from mopstui.adapters.marketo.envelope import (
    QUOTA_MESSAGE,
    MarketoRefused,
    TokenRejected,
    make_classifier,
    no_assets,
)
from mopstui.adapters.marketo.export_options import check_export_options
from mopstui.adapters.marketo.quality_export import MAX_FILE_BYTES, QualityExport
from mopstui.core.diagnosis import Audience, Diagnosis
from mopstui.core.errors import AuthError, BadAnswerError, QuotaError, SourceError
from mopstui.core.models import ActionOutcome, QualityMetric, WorkflowDefinition, WorkflowScan
from mopstui.core.private import open_private
from mopstui.core.receipt import accepted, unconfirmed
from mopstui.core.source import SourceContext

PAGE = 200  # maxReturn's documented maximum
#: Pages asked for in one listing before we call the answer garbage (1,000,000 assets).
MAX_PAGES = 5000
#: Ask for changes since a little before the last check: clocks differ, merging is idempotent.
OVERLAP = timedelta(minutes=5)
CAMPAIGNS = "/rest/asset/v1/smartCampaigns.json"
EMAILS = "/rest/asset/v1/emails.json"
USAGE = "/rest/v1/stats/usage.json"


@dataclass(frozen=True)
class MarketoOptions:
    """The Marketo source's options (`[sources.NAME]` with `kind = "marketo"`)."""

    base_url: str
    client_id: str
    #: Trigger campaigns (shell-style name patterns, case-insensitive) that must be active.
    expect_active: list[str] = field(default_factory=list, metadata={"suggest": "*Lead Routing*, Scoring - *"})
    #: This integration's share of the instance's 100 calls per 20 s.
    max_calls_per_20s: int = 50
    #: Concurrent calls (the instance allows 10 in all).
    max_concurrency: int = 5
    #: The instance's daily quota, for the 80% warning (50,000 unless Adobe raised it).
    daily_quota: int = 50000
    #: Look for draft-only emails (the `unapproved-asset` problem); off saves the email listing.
    check_emails: bool = True
    #: Smart lists read per refresh at most, for the `changed` problem (one call each: the campaigns
    #: whose updatedAt moved first, then the baselines still missing); 0 turns drift off.
    definition_reads: int = 25
    #: People in the database (Marketo's Database tab), for the audience guard; 0: unknown.
    database_size: int = 0
    #: Or a smart list of everyone, counted once a session by an id-only bulk export; 0: none.
    database_smart_list_id: int = 0
    #: Data quality from a bulk lead export of the whole database (see quality_export.py).
    quality_export: bool = False
    export_since: str = "2010-01-01"
    required_fields: list[str] = field(default_factory=lambda: ["email"])

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("base_url: expected the REST endpoint, like https://123-ABC-456.mktorest.com")
        if parts.path.rstrip("/").endswith("/rest"):
            raise ValueError("base_url: expected the endpoint without /rest, like https://123-ABC-456.mktorest.com")
        if not self.client_id.strip():
            raise ValueError("client_id: expected the custom service's Client ID")
        if not 1 <= self.max_calls_per_20s <= 100:
            raise ValueError("max_calls_per_20s: expected 1 to 100 (the instance's limit is 100 per 20 s)")
        if not 1 <= self.max_concurrency <= 10:
            raise ValueError("max_concurrency: expected 1 to 10 (the instance's limit is 10)")
        if self.daily_quota < 1:
            raise ValueError("daily_quota: expected a positive number of calls")
        if not 0 <= self.definition_reads <= 200:
            raise ValueError("definition_reads: expected 0 to 200 smart lists read per refresh (0: no drift)")
        if self.database_size < 0 or self.database_smart_list_id < 0:
            raise ValueError("database_size, database_smart_list_id: expected 0 (unknown) or a positive number")
        check_export_options(self)


class MarketoSource(HttpSource):
    """Smart campaigns from one Marketo instance. See the README's Marketo section."""

    kind = "marketo"
    Options = MarketoOptions
    secret_fields = ("client_secret",)
    capabilities = frozenset({"workflows", "actions", "why"})
    action_labels = {
        "activate": "Activate trigger campaign",
        "deactivate": "Deactivate trigger campaign",
        "approve_email": "Approve draft email",
        "approve_program": "Approve email program",
        "schedule": "Schedule batch campaign",
    }

    def __init__(self, name: str, options: MarketoOptions, context: SourceContext | None = None, **seams: Any) -> None:
        """`seams` are HttpSource's test seams (`now` is the wall clock of quota resets and earliestUpdatedAt)."""
        super().__init__(name, options, context, **seams)
        self.auth_hint = f"check client_id and run `mopstui auth set {name} client_secret`"
        self._classify = make_classifier(name)
        self.tokens = TokenKeeper(
            self.http, options.client_id, lambda: self.secret("client_secret"), self.clock, self.auth_hint
        )
        #: After a 607, no call at all until this time (UTC).
        self.quota_stop_until: datetime | None = None
        self._campaigns: dict[str, dict[str, Any]] = {}
        #: Every email version seen, by (id, approved): an incremental listing after an edit returns only
        #: the new draft, yet the approved version it leaves out is still live; a full listing starts afresh.
        self._emails: dict[tuple[str, bool], dict[str, Any]] = {}
        self._cache_generation = -1
        self._last_fetch: datetime | None = None
        #: People in `database_smart_list_id`, counted once a session (see doctor.database_size).
        self.database_people: int | None = None
        #: Adobe's bulk export limits, shared by the audience counts and the quality export.
        self.bulk_budget = BulkBudget(self.cache_dir() / "bulk-budget.json", now=self.now)
        self.quality: QualityExport | None = None
        if options.quality_export:
            self.capabilities = self.capabilities | {"quality"}  # type: ignore[misc]  # this source's own
            self.quality = quality_export(self)

    def build_client(self) -> HttpClient:
        options = self.options
        return self.make_client(
            options.base_url,
            policy=HttpPolicy(
                max_calls=options.max_calls_per_20s,
                per_seconds=20.0,
                max_concurrency=options.max_concurrency,
                retries=4,
                backoff_base=1.0,
                backoff_cap=20.0,
            ),
            response_hook=self._on_answer,
            auth_hint=self.auth_hint,
        )

    # -- calls ----------------------------------------------------------------------------------
    def _on_answer(self, response: httpx.Response, data: Any) -> None:
        """Marketo's envelope; after a 607, no call at all until the quota resets at midnight Central."""
        try:
            self._classify(response, data)
        except QuotaError as exc:
            self.quota_stop_until = reset = next_quota_reset(self.now())
            self.health = self._quota_health()
            raise self.http.stop_calls(exc, lambda: self.now() >= reset) from None

    async def api(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        """One REST call with the Bearer token; a 601/602 re-authenticates once and retries."""
        for attempt in (1, 2):
            token = await self.tokens.token()
            try:
                data: dict[str, Any] = await self.http.request(
                    method, path, headers={"Authorization": f"Bearer {token}"}, **kw
                )
                return data
            except TokenRejected as exc:
                self.tokens.invalidate()
                if attempt == 2:
                    raise AuthError(f"{exc}; a fresh token was refused too: {self.auth_hint}") from None
        raise AssertionError("unreachable")

    async def browse(self, path: str, since: datetime | None = None) -> list[dict[str, Any]]:
        """Every asset of a browse endpoint, 200 a page, until a short page or the "No assets" warning."""
        out: list[dict[str, Any]] = []
        for page in range(MAX_PAGES):
            params: dict[str, Any] = {"maxReturn": PAGE, "offset": page * PAGE}
            if since is not None:
                params["earliestUpdatedAt"] = format_marketo_date(since)
            data = await self.api("GET", path, params=params)
            result = data.get("result")
            if result is None or (result == [] and no_assets(data)):
                return out
            if not isinstance(result, list) or not all(isinstance(r, dict) and "id" in r for r in result):
                raise BadAnswerError(f"{self.name}: Marketo's {path} answer is not a list of assets with ids")
            out.extend(result)
            if len(result) < PAGE:  # a short page is the last: no need to spend a call on the warning
                return out
        raise BadAnswerError(f"{self.name}: {path} kept paging past {MAX_PAGES * PAGE:,} assets; giving up")

    # -- fetch ----------------------------------------------------------------------------------
    async def fetch_workflows(self) -> WorkflowScan:
        await self.tokens.token()
        started = self.now()
        # Within one token's life, only what changed; a new token (about hourly) re-lists all,
        # which also drops deleted campaigns and catches changes that did not touch updatedAt.
        last = self._last_fetch
        full = self.tokens.generation != self._cache_generation or last is None
        since = None if full or last is None else last - OVERLAP
        try:
            async with asyncio.TaskGroup() as group:  # a 607 in one cancels the others at once
                campaigns_job = group.create_task(self.browse(CAMPAIGNS, since))
                emails_job = group.create_task(self.browse(EMAILS, since)) if self.options.check_emails else None
                group.create_task(self._refresh_usage())
        except BaseExceptionGroup as group_exc:
            raise _first(group_exc) from None
        campaigns = campaigns_job.result()
        emails = emails_job.result() if emails_job is not None else []
        if full:
            self._campaigns, self._emails = {}, {}
            self._cache_generation = self.tokens.generation
        self._campaigns.update((str(c["id"]), c) for c in campaigns)
        self._emails.update((version_key(e), e) for e in emails)
        self._last_fetch = started
        scan = scan_campaigns(self.name, self._campaigns.values(), self._emails.values(), self.options.expect_active)
        known = self.context.known_revisions()
        if known is None or not self.options.definition_reads:
            return scan
        programs = {s.id: s.program for s in scan.states}
        return dataclasses.replace(scan, definitions=await self._read_definitions(known, programs))

    async def _read_definitions(
        self, known: Mapping[str, str], programs: Mapping[str, str]
    ) -> list[WorkflowDefinition]:
        """The smart lists of the campaigns whose updatedAt moved since the kept definition (then the
        missing baselines), `definition_reads` at most: one call each, the unchanged cost none."""
        wanted = smartlists.to_read(self._campaigns, known, self.options.definition_reads)

        async def one(cid: str) -> WorkflowDefinition | None:
            where = f"{self.name}: campaign {cid}"
            try:
                data = await self.api("GET", smartlists.SMART_LIST.format(id=cid), params={"includeRules": "true"})
                if data.get("result") is None and no_assets(data):
                    return None  # deleted since the listing
                rules = smartlists.smart_list_rules(data, where)
            except MarketoRefused:
                return None  # gone since the listing, or not readable: tried again next refresh
            except BadAnswerError as exc:
                unreadable.append(str(exc).removeprefix(self.name + ": "))
                return None
            return smartlists.definition(self._campaigns[cid], rules, program=programs.get(cid, ""))

        unreadable: list[str] = []
        try:
            async with asyncio.TaskGroup() as group:  # the client paces them (max_concurrency, calls per 20 s)
                jobs = [group.create_task(one(cid)) for cid in wanted]
        except BaseExceptionGroup as group_exc:
            raise _first(group_exc) from None
        if unreadable:
            note = f"smart list unreadable ({unreadable[0]}{f' and {len(unreadable) - 1} more' if len(unreadable) > 1 else ''})"
            self.health = f"{self.health}; {note}" if self.health else note
        return [d for d in (job.result() for job in jobs) if d is not None]

    async def _refresh_usage(self) -> None:
        """Calls used today, into `self.health`; trouble here never fails the fetch (except 607)."""
        try:
            data = await self.api("GET", USAGE)
            result = data.get("result")
            entry = result[0] if isinstance(result, list) and result and isinstance(result[0], dict) else {}
            total = entry.get("total")
            if not isinstance(total, int):
                users = entry.get("users")
                counts = [u.get("count") for u in users if isinstance(u, dict)] if isinstance(users, list) else []
                total = sum(c for c in counts if isinstance(c, int)) if counts else None
        except (QuotaError, AuthError):
            raise
        except SourceError as exc:
            self.health = f"API usage unknown ({str(exc).removeprefix(self.name + ': ')})"
            return
        if total is None:
            self.health = "API usage unknown (no total in stats/usage)"
            return
        quota = self.options.daily_quota
        percent = 100.0 * total / quota
        text = f"API {total:,}/{quota:,} calls today ({percent:.0f}%)"
        self.health = f"warning: {text}: the quota is shared by every integration" if percent >= 80 else text

    def _quota_health(self) -> str:
        until = self.quota_stop_until
        if until is None:
            return ""
        hours = max(0.0, (until - self.now()).total_seconds() / 3600)
        return f"{QUOTA_MESSAGE} (in {hours:.1f} h); no calls until then"

    # -- why won't it send ----------------------------------------------------------------------
    async def diagnose(self, target: str) -> Diagnosis:
        return await doctor.diagnose(self, target)

    async def count_audience(self, target: str) -> Audience:
        return await doctor.count_audience(self, target)

    def remember_campaign(self, campaign: dict[str, Any]) -> None:
        self._campaigns[str(campaign.get("id"))] = campaign

    def known_campaign(self, target: str) -> dict[str, Any] | None:
        return self._campaigns.get(target)

    # -- data quality (quality_export = true) ----------------------------------------------------
    def cache_dir(self) -> Path:
        """This source's folder of export files in the user cache dir (created when first written)."""
        return paths.cache_dir() / "marketo" / re.sub(r"[^A-Za-z0-9_.-]", "-", self.name)

    async def fetch_quality(self) -> list[QualityMetric]:
        if self.quality is None:
            return []
        return await self.quality.fetch()

    @property
    def health(self) -> str:
        """The API usage (set by the workflow fetch), then the export's progress when there is one."""
        quality: QualityExport | None = getattr(self, "quality", None)
        return "; ".join(p for p in (self._usage, quality.status if quality else "") if p)

    @health.setter
    def health(self, text: str) -> None:
        self._usage = text

    async def download(self, path: str, dest: Path) -> None:
        """A bulk export file into `dest` (0600), streamed; an error envelope instead of a file is raised."""
        token = await self.tokens.token()
        with open_private(dest, "wb") as out:
            await self.http.download(path, out, headers={"Authorization": f"Bearer {token}"}, max_bytes=MAX_FILE_BYTES)
        with dest.open("rb") as fh:
            head = fh.read(1)
        if head == b"{":
            dest.unlink(missing_ok=True)
            raise BadAnswerError(f"{self.name}: Marketo sent an error instead of the export file for {path}")

    # -- actions --------------------------------------------------------------------------------
    async def perform(self, action: str, target: str, params: Mapping[str, str]) -> ActionOutcome:
        if action not in self.action_labels:
            return ActionOutcome(False, f"Marketo does not support {action}")
        if not target.isdigit():
            return ActionOutcome(False, f"'{target}' is not a Marketo id")
        fix = {"approve_email": doctor.approve_email, "approve_program": doctor.approve_program}.get(action)
        if fix is not None or action == "schedule":
            return await (fix or doctor.schedule)(self, target)
        known = self._campaigns.get(target, {})
        label = f"'{known.get('name')}'" if known.get("name") else f"campaign {target}"
        want_active = action == "activate"
        if known and not is_trigger(known):
            return ActionOutcome(
                False, f"{label} is a {known.get('type', 'batch')} campaign: only trigger campaigns can be {action}d"
            )
        try:
            await self.api("POST", f"/rest/asset/v1/smartCampaign/{target}/{action}.json")
        except MarketoRefused as exc:
            return ActionOutcome(False, f"Marketo refused to {action} {label}: {exc.reason} ({exc.code})")
        # From here the campaign is switched: a failing read-back is "could not confirm", not "failed".
        accepted(f"Marketo accepted {action} of {label}")
        # Confirm with Marketo's own view rather than trusting the acknowledgement.
        data = await self.api("GET", f"/rest/asset/v1/smartCampaign/{target}.json")
        result = data.get("result")
        if not isinstance(result, list) or not result or not isinstance(result[0], dict):
            return unconfirmed(f"Marketo accepted {action} of {label}", "re-reading it gave no campaign")
        campaign = result[0]
        self._campaigns[target] = campaign
        label = f"'{campaign.get('name', target)}'"
        if is_active(campaign) == want_active:
            return ActionOutcome(
                True,
                f"{'Activated' if want_active else 'Deactivated'} {label}; Marketo confirms it is {'active' if want_active else 'inactive'}",
                confirmed=True,
            )
        return ActionOutcome(
            False,
            f"Marketo accepted the request but {label} is still {'inactive' if want_active else 'active'}; open it in Marketo",
        )

    async def check_connection(self) -> str:
        """One token and one usage call: proves the credentials without listing anything."""
        await self.tokens.token()
        await self._refresh_usage()
        return f"Marketo at {self.http.host}: token ok; {self.health or 'usage unknown'}"


def quality_export(source: MarketoSource) -> QualityExport:
    """The bulk-export run of a source with `quality_export = true`, caching in the user cache dir."""
    return QualityExport(
        source.name,
        source.api,
        source.download,
        source.options,
        source.cache_dir(),
        source.context,
        now=source.now,
        clock=source.clock,
        budget=source.bulk_budget,
    )


def _first(group: BaseExceptionGroup) -> BaseException:
    """The first real error of a task group (a QuotaError over the cancellations it caused)."""
    errors = [e for e in _leaves(group) if not isinstance(e, asyncio.CancelledError)]
    for error in errors:
        if isinstance(error, QuotaError):
            return error
    return errors[0] if errors else group


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]
