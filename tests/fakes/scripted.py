"""A scripted source for memory and check tests: its problems, requests, metrics and states are set
by the test between refreshes, so "what changed since last time" is exactly what the test says.

`use_scripted_kind(monkeypatch)` makes `kind = "scripted"` loadable from a config file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from mopstui.core.errors import UnreachableError
from mopstui.core.models import QualityMetric, Request, Thresholds, WorkflowProblem, WorkflowScan, WorkflowState
from mopstui.core.source import Source

CREATED = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class Script:
    """What every scripted source answers next (shared by name)."""

    problems: list[WorkflowProblem] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    metrics: list[QualityMetric] = field(default_factory=list)
    states: list[WorkflowState] = field(default_factory=list)
    error: str = ""


SCRIPTS: dict[str, Script] = {}


class ScriptedSource(Source):
    kind = "scripted"
    capabilities = frozenset({"workflows", "requests", "quality"})

    @property
    def script(self) -> Script:
        return SCRIPTS.setdefault(self.name, Script())

    def _call(self) -> None:
        self.calls += 1
        if self.script.error:
            raise UnreachableError(self.script.error)

    async def fetch_workflows(self) -> WorkflowScan:
        self._call()
        return WorkflowScan(list(self.script.problems), list(self.script.states))

    async def fetch_requests(self) -> list[Request]:
        self._call()
        return list(self.script.requests)

    async def fetch_quality(self) -> list[QualityMetric]:
        self._call()
        return list(self.script.metrics)


def use_scripted_kind(monkeypatch: pytest.MonkeyPatch) -> dict[str, Script]:
    """Let config files use `kind = "scripted"`; returns the (emptied) scripts by source name."""
    import mopstui.config as config_mod

    real = config_mod.load_kind
    monkeypatch.setattr(config_mod, "load_kind", lambda kind: ScriptedSource if kind == "scripted" else real(kind))
    SCRIPTS.clear()
    return SCRIPTS


def problem(
    id: str, severity: str = "critical", problem: str = "invalid", source: str = "mkto", name: str | None = None
) -> WorkflowProblem:
    return WorkflowProblem(
        source=source,
        id=id,
        name=name or f"Campaign {id}",
        kind="trigger",
        problem=problem,  # type: ignore[arg-type]
        severity=severity,
        detail=f"Campaign {id} is {problem}.",  # type: ignore[arg-type]
        url=f"https://mkto.example.test/campaigns/{id}",
    )


def request(id: str, overdue: bool = False, source: str = "mkto", title: str | None = None) -> Request:
    return Request(
        source=source,
        id=id,
        title=title or f"Request {id}",
        requester="Dana (VP Marketing)",
        priority="High",
        status="Open",
        created=CREATED,
        url=f"https://jira.example.test/browse/{id}",
        overdue=overdue,
    )


def metric(metric: str, count: int, total: int = 1000, severity: str = "ok", source: str = "mkto") -> QualityMetric:
    return QualityMetric(
        source=source,
        metric=metric,
        label=metric.replace("_", " ").capitalize(),
        count=count,
        total=total,
        thresholds=Thresholds(1.0, 5.0),
        severity=severity,
    )  # type: ignore[arg-type]


def state(id: str, active: bool, source: str = "mkto", kind: str = "trigger") -> WorkflowState:
    return WorkflowState(
        source=source,
        id=id,
        name=f"Lead routing {id}",
        kind=kind,
        active=active,  # type: ignore[arg-type]
        url=f"https://mkto.example.test/campaigns/{id}",
        actions=("deactivate",) if active else ("activate",),
    )


def use_sample_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let config files use `kind = "sample"`: the demo workspace's data under another kind, so a
    test can stand in for a real platform (reports of `kind = "demo"` say they are the demo)."""
    import mopstui.config as config_mod
    from mopstui.adapters.demo import DemoSource

    class SampleSource(DemoSource):
        kind = "sample"

    real = config_mod.load_kind
    monkeypatch.setattr(config_mod, "load_kind", lambda kind: SampleSource if kind == "sample" else real(kind))
