"""Plain dataclasses for what the cockpit shows: workflow problems, requests, quality metrics.

Treat every one as a value: never change one in place; `dataclasses.replace` makes a changed copy
(the panes and memory recognise an unchanged item by identity). The three built by the thousand on
each refresh (`WorkflowProblem`, `WorkflowState`, `Request`) are not `frozen`: a frozen dataclass
costs several times as much to build, which shows at 100,000 requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

Severity = Literal["critical", "warning", "info", "ok"]
#: Open sets. Built in: kinds trigger, batch, flow, integration; problems invalid, inactive, unapproved-asset,
#: failed-run, stalled, changed, api-limit,
#: setup-change. An adapter may add its own: the TUI and the report show any name.
WorkflowKind = str
ProblemKind = str

SEVERITY_RANK: dict[str, int] = {"critical": 0, "warning": 1, "info": 2, "ok": 3}
PRIORITY_RANK: dict[str, int] = {"Highest": 0, "High": 1, "Medium": 2, "Low": 3, "Lowest": 4}


@dataclass(slots=True)
class WorkflowProblem:
    """A campaign or flow that is broken or will silently not run."""

    source: str
    id: str
    name: str
    kind: WorkflowKind
    problem: ProblemKind
    severity: Severity
    detail: str
    since: datetime | None = None
    url: str = ""
    actions: tuple[str, ...] = ()
    program: str = ""

    @property
    def key(self) -> str:
        """Identity across refreshes: the same campaign with the same problem."""
        return f"{self.source}:{self.id}:{self.problem}"


@dataclass(slots=True)
class WorkflowState:
    """Whether a trigger campaign or flow is active, reported by adapters for the memory rules."""

    source: str
    id: str
    name: str
    kind: WorkflowKind
    active: bool
    url: str = ""
    actions: tuple[str, ...] = ()
    program: str = ""


@dataclass(frozen=True, slots=True)
class WorkflowDefinition:
    """A workflow's definition in normal form, read again only when its `revision` moved (Marketo's
    `updatedAt`, HubSpot's `revisionId`): `facts` are (label, value) pairs in reading order, each
    label once ("trigger 'Fills Out Form'", "qualification"). Memory compares it with the last one
    (see mopstui.core.drift)."""

    id: str
    name: str
    kind: WorkflowKind
    revision: str
    facts: tuple[tuple[str, str], ...]
    url: str = ""
    program: str = ""


@dataclass(frozen=True, slots=True)
class WorkflowScan:
    """What one workflow fetch returns: the problems found, the active state of each workflow and
    the definitions read again because their revision moved."""

    problems: list[WorkflowProblem] = field(default_factory=list)
    states: list[WorkflowState] = field(default_factory=list)
    definitions: list[WorkflowDefinition] = field(default_factory=list)


@dataclass(slots=True)
class Request:
    """An item in the request queue (a Jira issue, a demo ticket...)."""

    source: str
    id: str
    title: str
    requester: str
    priority: str
    status: str
    created: datetime
    due: datetime | None = None
    assignee: str | None = None
    url: str = ""
    overdue: bool = False
    actions: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.source}:{self.id}"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Severity thresholds for a quality metric, as a percentage of `total` (or a count without one)."""

    warning: float
    critical: float

    def severity(self, count: int, total: int | None) -> Severity:
        value = (100.0 * count / total) if total else float(count)
        if value >= self.critical:
            return "critical"
        if value >= self.warning:
            return "warning"
        return "ok"


@dataclass(frozen=True, slots=True)
class QualityMetric:
    """One data-quality count, e.g. `duplicates` or `missing:country`."""

    source: str
    metric: str
    label: str
    count: int
    total: int | None
    thresholds: Thresholds
    severity: Severity

    @property
    def key(self) -> str:
        return f"{self.source}:{self.metric}"

    @property
    def percent(self) -> float | None:
        return (100.0 * self.count / self.total) if self.total else None


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """The platform's answer to an action: ok, and a one-line message either way.

    `confirmed` (for an ok outcome): True once the platform's state was read back and shows the
    change; False when the platform accepted the write but reading it back failed ("done; could
    not confirm": done all the same, so it must not be repeated); None while an adapter leaves the
    read-back to the cockpit's re-fetch of the source.
    """

    ok: bool
    message: str
    confirmed: bool | None = None

    @property
    def unconfirmed(self) -> bool:
        """Done on the platform, but its state could not be read back."""
        return self.ok and self.confirmed is False


class OverdueRule:
    """When an open request is overdue at `now`: past its due date, else past its priority's SLA
    (hours from creation; a priority without one is never overdue by it). Made once per fetch, so
    each request is one comparison."""

    def __init__(self, sla_hours: Mapping[str, float], now: datetime) -> None:
        self.now = now
        self._cutoffs = {priority: now - timedelta(hours=hours) for priority, hours in sla_hours.items()}

    def __call__(self, created: datetime, due: datetime | None, priority: str) -> bool:
        if due is not None:
            return self.now > due
        cutoff = self._cutoffs.get(priority)
        return cutoff is not None and created < cutoff
