"""Actions are never half-done in the user's eyes: done, done but unconfirmed, or not done.

Against the transport-level fakes: an activation Marketo accepted whose read-back failed, a Jira
assignment whose re-fetch failed, an unwritable audit log, an action cut short by a stop.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from mopstui.adapters.jira import JiraOptions, JiraSource
from mopstui.adapters.marketo import MarketoSource
from mopstui.core.audit import AuditLog
from mopstui.core.service import Cockpit, SourceHandle
from mopstui.core.source import SourceContext

from fakes.clock import FakeClock
from fakes.jira import TOKEN, FakeJira, make_issue
from fakes.marketo import CLIENT_SECRET, FakeMarketo, marketo_source
from fakes.marketo_contract import swagger_contract  # noqa: F401  (autouse: each request against Adobe's Swagger)

NAME = "marketo-prod"
READ_BACK = "smartCampaign/1.json"


def marketo(fake: FakeMarketo, clock: FakeClock, transport: httpx.AsyncBaseTransport | None = None) -> MarketoSource:
    return marketo_source(
        fake, clock, lambda f: CLIENT_SECRET, name=NAME, transport=transport, expect_active=["*Lead Routing*"]
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake(clock: FakeClock) -> FakeMarketo:
    fake = FakeMarketo(clock=clock)
    fake.add_campaign("US - Lead Routing - Inbound", id=1, active=False, program=500)
    return fake


@pytest.fixture
def audit(state_dir: Path) -> AuditLog:
    return AuditLog(state_dir / "audit.jsonl")


def outcomes(audit: AuditLog) -> list[str]:
    return [e["outcome"] for e in audit.read()]


# -- done, but the read-back failed -----------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 503, "times": 10},  # Marketo's edge down right after the activation (retried, then given up)
        {"body": b'{"success": true, "result": []}'},  # an answer without the campaign
        {"body": b"<html>Bad gateway</html>"},  # not JSON
    ],
    ids=["503", "no-campaign", "not-json"],
)
async def test_an_activation_accepted_whose_read_back_failed_is_done_unconfirmed(
    fake: FakeMarketo, clock: FakeClock, audit: AuditLog, failure: dict[str, Any]
) -> None:
    cockpit = Cockpit({NAME: SourceHandle(marketo(fake, clock))}, audit=audit)
    await cockpit.refresh()
    fake.fail_next(READ_BACK, **failure)
    outcome = await cockpit.perform(NAME, "activate", "1")
    assert fake.campaigns[1]["isActive"] is True  # Marketo did it
    assert outcome.ok and outcome.unconfirmed, outcome.message
    assert outcome.message.startswith(
        "done; could not confirm: Marketo accepted activate of 'US - Lead Routing - Inbound'"
    )
    assert "failed" not in outcome.message.split(",")[0]
    assert outcomes(audit) == ["attempt", "ok-unconfirmed"]
    # the cockpit still re-fetched, so the pane shows Marketo's state: nothing left to activate
    assert not [p for p in cockpit.results[NAME].problems if p.problem == "inactive"]
    await cockpit.aclose()


async def test_an_activation_whose_read_back_hangs_past_the_timeout_is_done_unconfirmed(
    fake: FakeMarketo, clock: FakeClock, audit: AuditLog
) -> None:
    async def never(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    def answer(request: httpx.Request) -> Any:
        if request.method == "GET" and request.url.path.endswith(READ_BACK):
            return never(request)  # MockTransport awaits an awaitable answer
        return fake.handle(request)

    cockpit = Cockpit({NAME: SourceHandle(marketo(fake, clock, httpx.MockTransport(answer)), timeout=0.5)}, audit=audit)
    outcome = await cockpit.perform(NAME, "activate", "1")
    assert outcome.ok and outcome.unconfirmed, outcome.message
    assert outcome.message.startswith("done; could not confirm: Marketo accepted activate")
    assert "no answer within 0.5 s" in outcome.message
    assert outcomes(audit) == ["attempt", "ok-unconfirmed"]
    await cockpit.aclose()


async def test_an_activation_marketo_refused_is_still_failed(
    fake: FakeMarketo, clock: FakeClock, audit: AuditLog
) -> None:
    fake.refusals[1] = ("709", "Smart campaign has no triggers")
    cockpit = Cockpit({NAME: SourceHandle(marketo(fake, clock))}, audit=audit)
    outcome = await cockpit.perform(NAME, "activate", "1")
    assert not outcome.ok and "refused" in outcome.message and not outcome.unconfirmed
    assert outcomes(audit) == ["attempt", "failed"]
    await cockpit.aclose()


async def test_a_confirmed_activation_is_ok(fake: FakeMarketo, clock: FakeClock, audit: AuditLog) -> None:
    cockpit = Cockpit({NAME: SourceHandle(marketo(fake, clock))}, audit=audit)
    outcome = await cockpit.perform(NAME, "activate", "1")
    assert outcome.ok and outcome.confirmed is True and "Marketo confirms" in outcome.message
    assert outcomes(audit) == ["attempt", "ok"]
    await cockpit.aclose()


def jira(fake: FakeJira) -> JiraSource:
    opts = JiraOptions(base_url="https://acme.atlassian.net", email="ops@acme.com", jql="project = MOPS")
    clock = FakeClock()
    return JiraSource(
        "requests",
        opts,
        SourceContext(secret=lambda f: TOKEN),
        transport=fake.transport(),
        sleep=clock.sleep,
        clock=clock,
        rng=lambda: 0.0,
    )


async def test_a_take_whose_refetch_failed_is_done_unconfirmed(audit: AuditLog) -> None:
    fake = FakeJira()
    fake.add(make_issue("MOPS-1", "Webinar list upload"))
    cockpit = Cockpit({"requests": SourceHandle(jira(fake))}, audit=audit)
    await cockpit.refresh()
    fake.fail_next("/search/jql", httpx.Response(400, json={"errorMessages": ["The JQL is broken today."]}))
    outcome = await cockpit.perform("requests", "take", "MOPS-1")
    assert fake.issues["MOPS-1"]["fields"]["assignee"] is not None  # Jira did it
    assert outcome.ok and outcome.unconfirmed, outcome.message
    assert outcome.message.startswith(
        "done; could not confirm: MOPS-1 assigned to you, but re-fetching requests failed"
    )
    assert "The JQL is broken today" in outcome.message
    assert outcomes(audit) == ["attempt", "ok-unconfirmed"]
    # and when the re-fetch answers, the same action is confirmed
    again = await cockpit.perform("requests", "take", "MOPS-1")
    assert again.ok and again.confirmed is True
    await cockpit.aclose()


# -- the audit log comes first ----------------------------------------------------------------------


@pytest.mark.parametrize("breakage", ["directory", "read-only-file", "parent-is-a-file", "disk-full"])
async def test_an_unwritable_audit_log_stops_the_action_before_it_starts(
    fake: FakeMarketo, clock: FakeClock, state_dir: Path, breakage: str
) -> None:
    path = state_dir / "audit.jsonl"
    if breakage == "directory":
        path.mkdir()
    elif breakage == "read-only-file":
        path.write_text("")
        path.chmod(0o400)
    elif breakage == "parent-is-a-file":
        (state_dir / "blocker").write_text("")
        path = state_dir / "blocker" / "audit.jsonl"
    else:
        path = Path("/dev/full")  # every write fails with ENOSPC
        if not path.exists():
            pytest.skip("no /dev/full here")
    if breakage == "read-only-file" and _writable_anyway(path):
        pytest.skip("running as root: a read-only file is still writable")
    cockpit = Cockpit({NAME: SourceHandle(marketo(fake, clock))}, audit=AuditLog(path))
    outcome = await cockpit.perform(NAME, "activate", "1")
    assert not outcome.ok
    assert outcome.message.startswith(f"not done: the audit log {path} cannot be written (")
    assert "\n" not in outcome.message and "Traceback" not in outcome.message
    assert fake.count("activate.json") == 0 and fake.campaigns[1]["isActive"] is False
    await cockpit.aclose()


def _writable_anyway(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK)


async def test_without_an_audit_log_configured_actions_still_run(fake: FakeMarketo, clock: FakeClock) -> None:
    cockpit = Cockpit({NAME: SourceHandle(marketo(fake, clock))})
    assert (await cockpit.perform(NAME, "activate", "1")).ok
    await cockpit.aclose()


# -- stopped half-way -------------------------------------------------------------------------------


async def test_interrupt_pending_finishes_the_audit_entry_of_a_running_action(
    fake: FakeMarketo, clock: FakeClock, audit: AuditLog
) -> None:
    arrived = asyncio.Event()

    async def never(request: httpx.Request) -> httpx.Response:
        arrived.set()
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    def answer(request: httpx.Request) -> Any:
        if request.url.path.endswith("activate.json"):
            return never(request)
        return fake.handle(request)

    cockpit = Cockpit({NAME: SourceHandle(marketo(fake, clock, httpx.MockTransport(answer)), timeout=60)}, audit=audit)
    task = asyncio.create_task(cockpit.perform(NAME, "activate", "1"))
    await asyncio.wait_for(arrived.wait(), 10)
    assert cockpit.interrupt_pending() == 1
    assert cockpit.interrupt_pending() == 0  # once only
    entries = audit.read()
    assert [e["outcome"] for e in entries] == ["attempt", "interrupted"]
    assert "state is unknown" in entries[-1]["message"]
    task.cancel()  # the app then cancels its workers: no second entry
    with pytest.raises(asyncio.CancelledError):
        await task
    assert outcomes(audit) == ["attempt", "interrupted"]
    await cockpit.aclose()


async def test_an_action_cancelled_after_marketo_accepted_it_is_audited_unconfirmed(
    fake: FakeMarketo, clock: FakeClock, audit: AuditLog
) -> None:
    reading = asyncio.Event()

    async def never(request: httpx.Request) -> httpx.Response:
        reading.set()
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    def answer(request: httpx.Request) -> Any:
        if request.method == "GET" and request.url.path.endswith(READ_BACK):
            return never(request)
        return fake.handle(request)

    cockpit = Cockpit({NAME: SourceHandle(marketo(fake, clock, httpx.MockTransport(answer)), timeout=60)}, audit=audit)
    task = asyncio.create_task(cockpit.perform(NAME, "activate", "1"))
    await asyncio.wait_for(reading.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    entries = audit.read()
    assert [e["outcome"] for e in entries] == ["attempt", "ok-unconfirmed"]
    assert entries[-1]["message"].startswith("done; could not confirm: Marketo accepted activate")
    await cockpit.aclose()


async def test_an_outcome_the_audit_log_cannot_record_is_still_reported_and_says_so(
    fake: FakeMarketo, clock: FakeClock, state_dir: Path
) -> None:
    class FullAfterOne(AuditLog):
        def append(self, *args: Any, **kw: Any) -> dict[str, Any]:
            if self.path.exists():  # the attempt got in; the disk filled up during the action
                raise OSError(28, "No space left on device")
            return super().append(*args, **kw)

    log = FullAfterOne(state_dir / "audit.jsonl")
    cockpit = Cockpit({NAME: SourceHandle(marketo(fake, clock))}, audit=log)
    outcome = await cockpit.perform(NAME, "activate", "1")
    assert outcome.ok and "Marketo confirms it is active" in outcome.message
    assert outcome.message.endswith(f"(the audit log {log.path} could not record this: No space left on device)")
    assert outcomes(log) == ["attempt"]
    await cockpit.aclose()
