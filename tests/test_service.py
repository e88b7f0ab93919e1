"""The cockpit service: concurrency, isolation of failing sources, actions, audit."""

from __future__ import annotations

import asyncio
import json
import time

from mopstui.adapters.demo import DemoOptions, DemoSource
from mopstui.core.audit import AuditLog
from mopstui.core.service import Cockpit, SourceHandle


def demo(name: str, timeout: float = 5.0, read_only: bool = False, **options) -> tuple[str, SourceHandle]:
    options.setdefault("contacts", 200)
    return name, SourceHandle(DemoSource(name, DemoOptions(**options)), read_only=read_only, timeout=timeout)


async def test_five_slow_sources_answer_together_not_one_after_another():
    cockpit = Cockpit(dict(demo(f"s{i}", latency=1.0) for i in range(5)))
    started = time.perf_counter()
    results = await cockpit.refresh()
    elapsed = time.perf_counter() - started
    assert [r.status.state for r in results] == ["ok"] * 5
    # Sequential would take 5 s or more (each source makes 3 calls of 1 s); concurrent takes about 1 s.
    assert elapsed < 3.0, elapsed
    assert cockpit.summary() == "5/5 sources ok"


async def test_failing_and_hanging_sources_leave_the_others_intact():
    cockpit = Cockpit(
        dict(
            [
                demo("good"),
                demo("broken", fail="error"),
                demo("hung", fail="timeout", timeout=0.5),
                demo("garbled", fail="garbage"),
            ]
        )
    )
    seen: list[str] = []
    results = {r.name: r for r in await cockpit.refresh(on_result=lambda r: seen.append(r.name))}
    assert results["good"].status.state == "ok"
    assert results["good"].problems and results["good"].requests and results["good"].metrics
    assert results["broken"].status.state == "error"
    assert "connection refused" in results["broken"].status.error
    assert results["hung"].status.state == "error"
    assert "timed out after 0.5 s" in results["hung"].status.error
    assert "not JSON" in results["garbled"].status.error
    assert seen[0] == "good"  # the healthy source was delivered first, not held back by the hung one
    assert set(seen) == {"good", "broken", "hung", "garbled"}
    assert cockpit.summary() == "1/4 sources ok (failed: broken, hung, garbled)"


async def test_refreshes_never_overlap():
    cockpit = Cockpit(dict([demo("a", latency=0.2)]))
    source = cockpit.handles["a"].source
    active = 0
    peak = 0
    original = source.fetch_requests

    async def counting():
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        try:
            return await original()
        finally:
            active -= 1

    source.fetch_requests = counting  # type: ignore[method-assign]
    await asyncio.gather(cockpit.refresh(), cockpit.refresh(), cockpit.refresh())
    assert peak == 1


async def test_action_succeeds_then_the_source_is_fetched_again(state_dir):
    audit = AuditLog(state_dir / "audit.jsonl")
    cockpit = Cockpit(dict([demo("demo")]), audit=audit)
    await cockpit.refresh()
    assert any(p.id == "1001" for p in cockpit.results["demo"].problems)
    outcome = await cockpit.perform("demo", "activate", "1001")
    assert outcome.ok, outcome.message
    assert "Lead Routing" in outcome.message
    # The re-fetch shows the platform's new state: the problem is gone.
    assert not any(p.id == "1001" for p in cockpit.results["demo"].problems)
    entries = [json.loads(line) for line in (state_dir / "audit.jsonl").read_text().splitlines()]
    assert [(e["action"], e["target"], e["outcome"]) for e in entries] == [
        ("activate", "1001", "attempt"),
        ("activate", "1001", "ok"),
    ]
    assert entries[0]["source"] == "demo" and entries[0]["user"]


async def test_action_failure_keeps_the_platforms_reason_and_changes_nothing(state_dir):
    cockpit = Cockpit(dict([demo("demo")]), audit=AuditLog(state_dir / "audit.jsonl"))
    await cockpit.refresh()
    outcome = await cockpit.perform("demo", "activate", "1002")  # the invalid campaign
    assert not outcome.ok
    assert "smart list" in outcome.message and "709" in outcome.message
    assert any(p.id == "1002" and p.problem == "invalid" for p in cockpit.results["demo"].problems)
    assert '"outcome": "failed"' in (state_dir / "audit.jsonl").read_text()


async def test_read_only_refuses_actions_and_audits_the_refusal(state_dir):
    for cockpit in (
        Cockpit(dict([demo("demo")]), read_only=True, audit=AuditLog(state_dir / "a1.jsonl")),
        Cockpit(dict([demo("demo", read_only=True)]), audit=AuditLog(state_dir / "a1.jsonl")),
    ):
        await cockpit.refresh()
        outcome = await cockpit.perform("demo", "activate", "1001")
        assert not outcome.ok and outcome.message.startswith("read-only")
        assert any(p.id == "1001" for p in cockpit.results["demo"].problems)
    lines = (state_dir / "a1.jsonl").read_text().splitlines()
    assert len(lines) == 2 and all('"refused"' in line for line in lines)
