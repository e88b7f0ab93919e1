"""The built-in demo workspace (`kind = "demo"`): a believable Marketo-and-Jira morning, offline.

Options: `seed`, `latency` (simulated seconds per call, at most 60), `fail` (none | error | timeout |
garbage), and sizes `campaigns` (at most 100,000), `requests` (200,000) and `contacts` (200,000).
Actions change the workspace; with a state dir (the cockpit and `check` have one) they are kept
between runs, and each new day plants a night (see `days`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from mopstui.adapters.demo import bulk, days, definitions, sends
from mopstui.adapters.demo import workspace as ws_mod
from mopstui.core.diagnosis import Audience, Diagnosis
from mopstui.core.errors import BadAnswerError, NotFoundError, UnreachableError
from mopstui.core.models import (
    ActionOutcome,
    QualityMetric,
    Request,
    WorkflowDefinition,
    WorkflowProblem,
    WorkflowScan,
    WorkflowState,
)
from mopstui.core.quality import make_metric
from mopstui.core.source import Source

#: The largest sizes and latency taken: room for the benchmarks, and still a cockpit that starts in
#: seconds and stays in a few hundred MB.
MAX_SIZES = {"campaigns": 100_000, "requests": 200_000, "contacts": 200_000}
MAX_LATENCY = 60.0


@dataclass(frozen=True)
class DemoOptions:
    """The demo source's options (see the module docstring)."""

    seed: int = 7
    latency: float = 0.0
    fail: Literal["none", "error", "timeout", "garbage"] = "none"
    campaigns: int = 40
    requests: int = 24
    contacts: int = 2000

    def __post_init__(self) -> None:
        for name, most in MAX_SIZES.items():
            if not 0 <= getattr(self, name) <= most:
                raise ValueError(f"{name}: expected 0 or more and at most {most:,}, got {getattr(self, name)}")
        if not 0 <= self.latency <= MAX_LATENCY:  # also false for nan
            raise ValueError(f"latency: expected 0 or more seconds and at most {MAX_LATENCY:g}, got {self.latency}")


class DemoSource(Source):
    kind = "demo"
    Options = DemoOptions
    capabilities = frozenset({"workflows", "requests", "quality", "actions", "why"})
    action_labels = {
        "activate": "Activate",
        "deactivate": "Deactivate",
        "take": "Take (assign to me)",
        "decline": "Decline",
        "done": "Mark done",
        "approve_email": "Approve draft email",
        "approve_program": "Approve email program",
        "schedule": "Schedule batch campaign",
    }

    def __init__(self, name: str, options: DemoOptions, context=None, *, clock=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(name, options, context)
        self.clock = clock or (lambda: datetime.now(UTC))
        self._ws: ws_mod.Workspace | None = None
        self._diary: days.Diary | None = None
        #: The diary as the file holds it (None: no file, or not readable): unchanged, it is not rewritten.
        self._kept: dict[str, Any] | None = None
        self._quality: tuple[int, dict[str, int]] | None = None
        #: Programs, emails and audiences of each workspace built (see sends), by id of the workspace.
        self._sends: dict[int, sends.Sends] = {}

    @property
    def workspace(self) -> ws_mod.Workspace:
        if self._ws is None:
            self._ws = self._open_workspace()
        return self._ws

    def _open_workspace(self) -> ws_mod.Workspace:
        """Yesterday's workspace as it was left (rebuilt, then its diary replayed), with the nights
        since planted; without a state dir, the first morning every time."""
        o, now = self.options, self.clock()
        sizes = (o.campaigns, o.requests, o.contacts)
        self._diary = self._read_diary(sizes, now)
        diary = self._diary
        ws = bulk.build(o.seed, diary.born if diary else now, *sizes, self.name)
        if diary is None:
            return ws
        nights = 0
        clean: list[int] | None = None  # the contacts a night may copy, handed from night to night
        for e in diary.events:
            if e["do"] == days.NIGHT:
                nights += 1
                clean = days.plant_night(ws, o.seed, nights, datetime.fromisoformat(e["at"]), clean)
            else:
                self._act(ws, e["do"], e.get("target", ""), datetime.fromisoformat(e["at"]))
        due = diary.nights_due or (1 if days.local_day(now) > diary.day else 0)
        for _ in range(due):
            nights += 1
            clean = days.plant_night(ws, o.seed, nights, now, clean)
            diary.events.append(days.event(days.NIGHT, now))
        diary.nights_due, diary.day = 0, max(diary.day, days.local_day(now))
        self._keep()
        return ws

    def _read_diary(self, sizes: tuple[int, int, int], now: datetime) -> days.Diary | None:
        """The kept diary; a new one for a first run, a changed seed or size, or an unreadable file
        (said in one line in the source's health); None without a state dir."""
        if self.context.state_dir is None:
            return None
        path = days.diary_path(self.context.state_dir, self.name)
        due = 0
        try:
            data = self._kept = days.read_diary(path)
            diary = days.parse_diary(data) if data else None
            due = int(data.get("nights_due", 0)) if data and diary is None else 0
        except days.DiaryError as exc:
            self.health = f"demo state {path} unusable ({exc}); started a fresh workspace"
            diary = None
        if diary is not None and (diary.seed, diary.sizes) == (self.options.seed, sizes):
            return diary
        return days.new_diary(self.options.seed, sizes, now, due)

    def _keep(self) -> None:
        """Save the diary; best effort (a read-only state dir only means the next run starts over)."""
        if self._diary is None or self.context.state_dir is None:
            return
        data = self._diary.to_json()
        if data == self._kept:
            return  # a start on a day already lived, nothing done yet: the file says it all
        path = days.diary_path(self.context.state_dir, self.name)
        try:
            days.write_diary(path, data)
            self._kept = data
        except OSError as exc:
            self.health = f"demo state not kept: cannot write {path} ({exc.strerror or exc})"

    async def _call(self, *, fetch: bool = True) -> None:
        """One simulated API call: latency, then the configured failure, if any."""
        self.calls += 1
        if self.options.latency:
            await asyncio.sleep(self.options.latency)
        if not fetch:
            return
        fail = self.options.fail
        if fail == "error":
            raise UnreachableError(f"{self.name}: cannot reach demo.mopstui.invalid (connection refused)")
        if fail == "timeout":
            await asyncio.sleep(3600)
        if fail == "garbage":
            raise BadAnswerError(f"{self.name}: the answer was not JSON (starts with '<html><body>502 Bad Gat')")

    # -- fetches --------------------------------------------------------------------------------
    async def fetch_workflows(self) -> WorkflowScan:
        await self._call()
        problems: list[WorkflowProblem] = []
        states: list[WorkflowState] = []
        for c in self.workspace.campaigns.values():
            url = f"{ws_mod.BASE_URL}/campaigns/{c.id}"
            if c.kind == "trigger" and c.status != "Invalid":
                states.append(
                    WorkflowState(
                        self.name,
                        c.id,
                        c.name,
                        "trigger",
                        c.active,
                        url,
                        ("deactivate",) if c.active else ("activate",),
                        c.program,
                    )
                )
            problem = self._problem(c, url)
            if problem is not None:
                problems.append(problem)
        return WorkflowScan(problems, states, self._definitions())

    def _definitions(self) -> list[WorkflowDefinition]:
        """The smart lists whose revision moved since the kept definitions, when memory keeps them
        (read with the campaigns: the demo counts one simulated call per fetch)."""
        known = self.context.known_revisions()
        if known is None:
            return []
        out = []
        for cid, smart_list in self.workspace.smart_lists.items():
            c = self.workspace.campaigns[cid]
            if known.get(cid) != smart_list.revision(c.status):
                out.append(definitions.definition(c, smart_list, f"{ws_mod.BASE_URL}/campaigns/{c.id}"))
        return out

    def _problem(self, c: ws_mod.Campaign, url: str) -> WorkflowProblem | None:
        if c.status != "Invalid" and not c.expect_active and not c.problem:
            return None  # the healthy many (returned before building anything: 20,000 add up)
        kind = "trigger" if c.kind == "trigger" else "batch"
        base = dict(source=self.name, id=c.id, name=c.name, kind=kind, since=c.updated, url=url, program=c.program)
        if c.status == "Invalid":
            return WorkflowProblem(problem="invalid", severity="critical", detail=f"Campaign is {c.note}.", **base)  # type: ignore[arg-type]
        if c.kind == "trigger" and not c.active and c.expect_active:
            return WorkflowProblem(
                problem="inactive",
                severity="critical",
                detail=f"Trigger campaign {c.note}.",
                actions=("activate",),
                **base,  # type: ignore[arg-type]
            )
        if c.problem == "unapproved-asset" and c.active:
            return WorkflowProblem(problem="unapproved-asset", severity="warning", detail=f"Campaign {c.note}.", **base)  # type: ignore[arg-type]
        if c.problem == "failed-run":
            return WorkflowProblem(
                problem="failed-run",
                severity="warning",
                detail=f"Batch campaign: {c.note}.",
                **base,  # type: ignore[arg-type]
            )
        if c.problem == "stalled" and c.active:
            return WorkflowProblem(
                problem="stalled",
                severity="info",
                detail=f"Trigger campaign: {c.note}.",
                actions=("deactivate",),
                **base,  # type: ignore[arg-type]
            )
        return None

    async def fetch_requests(self) -> list[Request]:
        await self._call()
        now = self.clock()
        overdue = ws_mod.overdue_rule(now)
        tickets = self.workspace.tickets
        for tid, r in tickets.items():
            late = overdue(r.created, r.due, r.priority)
            if late is not r.overdue:  # time passed a due date or an SLA since the last fetch
                tickets[tid] = replace(r, overdue=late)
        return list(tickets.values())

    async def fetch_quality(self) -> list[QualityMetric]:
        await self._call()
        if self._quality is None:
            self._quality = ws_mod.quality_counts(self.workspace.contacts, self.clock())
        total, counts = self._quality
        return [make_metric(self.name, key, count, total) for key, count in counts.items()]

    # -- actions --------------------------------------------------------------------------------
    async def perform(self, action: str, target: str, params: Mapping[str, str]) -> ActionOutcome:
        await self._call(fetch=False)
        ws, at = self.workspace, self.clock()
        outcome = self._act(ws, action, target, at)
        if outcome.ok and self._diary is not None:
            self._diary.events.append(days.event(action, at, target))
            self._keep()
        return outcome

    # -- why won't it send ------------------------------------------------------------------------
    def _sends_of(self, ws: ws_mod.Workspace) -> sends.Sends:
        if id(ws) not in self._sends:
            self._sends = {id(ws): sends.make(ws, self.clock())}
        return self._sends[id(ws)]

    async def diagnose(self, target: str) -> Diagnosis:
        await self._call()
        ws = self.workspace
        diagnosis = sends.diagnose(ws, self._sends_of(ws), self.name, target, self.clock())
        if diagnosis is None:
            raise NotFoundError(f"{self.name}: no campaign {target} in the demo workspace")
        return diagnosis

    async def count_audience(self, target: str) -> Audience:
        for _ in range(3):  # create, enqueue, one poll: as Marketo's id-only export would
            await self._call()
        ws = self.workspace
        if target not in ws.campaigns:
            raise NotFoundError(f"{self.name}: no campaign {target} in the demo workspace")
        return sends.audience(ws, self._sends_of(ws), target)

    def _act(self, ws: ws_mod.Workspace, action: str, target: str, at: datetime) -> ActionOutcome:
        """Do `action` on the workspace, as of `at` (also when a diary is replayed)."""
        if action in sends.ACTIONS:
            return sends.act(ws, self._sends_of(ws), action, target, at)
        if action in ("activate", "deactivate"):
            c = ws.campaigns.get(target)
            if c is None:
                return ActionOutcome(False, f"campaign {target} not found (610)")
            if c.kind != "trigger":
                return ActionOutcome(
                    False, f"'{c.name}' is a batch campaign: only trigger campaigns can be {action}d (709)"
                )
            if c.status == "Invalid":
                return ActionOutcome(False, f"Marketo refused: '{c.name}' has errors in its smart list or flow (709)")
            c.active = action == "activate"
            c.status = "Active" if c.active else "Inactive"
            c.updated = at
            if c.active:
                c.note = ""
            else:
                c.note = "was deactivated from mopstui"
            return ActionOutcome(True, f"{'Activated' if c.active else 'Deactivated'} '{c.name}'")
        t = ws.tickets.get(target)
        if t is None:
            return ActionOutcome(False, f"request {target} not found or already closed")
        if action == "take":
            ws.tickets[target] = replace(t, assignee=ws_mod.ME, status="In Progress", actions=ws_mod.MINE)
            return ActionOutcome(True, f"{t.id} assigned to you")
        if action in ("decline", "done"):
            del ws.tickets[target]
            ws.closed[target] = "Won't Do" if action == "decline" else "Done"
            if action == "decline":
                return ActionOutcome(True, f"{t.id} declined with a reply to {t.requester.split(' (')[0]}")
            return ActionOutcome(True, f"{t.id} marked done")
        return ActionOutcome(False, f"demo does not support {action}")
