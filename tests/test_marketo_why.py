""" "Why won't it send?" on Marketo: the checks, the fixes, the audience count, against the fake.

Every request is checked against Adobe's Swagger (swagger_contract, autouse).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from mopstui.adapters.marketo.bulk import POLL_SECONDS, ExportJobs
from mopstui.core import why
from mopstui.core.audit import AuditLog
from mopstui.core.service import Cockpit, SourceHandle

from fakes.clock import FakeClock
from fakes.marketo import CLIENT_SECRET, FakeMarketo, marketo_source
from fakes.marketo_contract import swagger_contract  # noqa: F401  (autouse: each request against Adobe's Swagger)

NAME = "marketo-prod"
VP = 1301
PROGRAM = 7001


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake(clock: FakeClock) -> FakeMarketo:
    fake = FakeMarketo(clock=clock)
    fake.add_program("VP Launch Announcement", id=PROGRAM, start=fake.now + timedelta(days=1))
    fake.add_campaign("VP Launch - Send", id=VP, type="batch", program=PROGRAM)
    fake.add_email("VP Launch Email", program=PROGRAM, status="draft", id=2101)
    fake.add_email("VP Launch Reminder", program=PROGRAM, id=2102)
    fake.list_people[5000 + VP] = 48_211
    return fake


def cockpit(fake: FakeMarketo, clock: FakeClock, audit: AuditLog | None = None, **options: object) -> Cockpit:
    options.setdefault("database_size", 79_000)
    source = marketo_source(fake, clock, lambda f: CLIENT_SECRET, name=NAME, **options)
    return Cockpit({NAME: SourceHandle(source)}, audit=audit)


def failing(diagnosis: why.Diagnosis) -> list[str]:  # type: ignore[name-defined]
    return [c.key for c in diagnosis.ordered if c.state == "fail"]


async def test_the_vps_campaign_is_blocked_by_its_draft_email_and_its_unapproved_program(
    fake: FakeMarketo, clock: FakeClock
) -> None:
    cp = cockpit(fake, clock)
    diagnosis = await why.diagnose(cp, NAME, str(VP))
    assert diagnosis.blocked
    assert failing(diagnosis) == ["campaign", "email:2101", "program"]  # failing first
    lines = {c.key: c for c in diagnosis.checks}
    assert "'VP Launch Email'" in lines["email:2101"].sentence and "draft only" in lines["email:2101"].sentence
    assert "not approved" in lines["program"].sentence
    assert [f.action for f in diagnosis.fixes] == ["schedule", "approve_email", "approve_program"]
    assert lines["communication-limits"].state == "ok"
    # campaign, program, the program's emails: three calls (and the token)
    assert diagnosis.calls == 4
    assert fake.count("/bulk/") == 0  # counting is on demand, apart


async def test_approving_the_draft_email_is_confirmed_by_reading_it_back(
    fake: FakeMarketo, clock: FakeClock, state_dir: Path
) -> None:
    audit = AuditLog(state_dir / "audit.jsonl")
    cp = cockpit(fake, clock, audit)
    outcome = await cp.perform(NAME, "approve_email", "2101")
    assert outcome.ok and outcome.confirmed and "Approved email 'VP Launch Email'" in outcome.message
    assert [e["outcome"] for e in audit.read()] == ["attempt", "ok"]
    again = await why.diagnose(cp, NAME, str(VP))
    assert "email:2101" not in failing(again)


async def test_adobes_refusal_reason_is_shown(fake: FakeMarketo, clock: FakeClock, state_dir: Path) -> None:
    fake.add_email("Broken Email", program=PROGRAM, status="draft", id=2103, headers={"replyEmail": ""})
    audit = AuditLog(state_dir / "audit.jsonl")
    cp = cockpit(fake, clock, audit)
    diagnosis = await why.diagnose(cp, NAME, str(VP))
    assert (
        "refuse to approve it until its reply-to email" in {c.key: c for c in diagnosis.checks}["email:2103"].sentence
    )
    outcome = await cp.perform(NAME, "approve_email", "2103")
    assert not outcome.ok
    assert "Marketo refused to approve email 2103: Cannot approve email: Reply Email is empty (709)" == outcome.message
    assert [e["outcome"] for e in audit.read()] == ["attempt", "failed"]


async def test_approving_the_program_locks_it(fake: FakeMarketo, clock: FakeClock) -> None:
    cp = cockpit(fake, clock)
    refused = await cp.perform(NAME, "approve_program", str(PROGRAM))  # its email is still a draft
    assert not refused.ok and "is not approved (709)" in refused.message
    await cp.perform(NAME, "approve_email", "2101")
    outcome = await cp.perform(NAME, "approve_program", str(PROGRAM))
    assert outcome.ok and outcome.confirmed and "locked" in outcome.message
    assert fake.programs[PROGRAM]["status"] == "locked"


async def test_a_read_only_source_refuses_a_fix_and_sends_nothing(fake: FakeMarketo, clock: FakeClock) -> None:
    source = marketo_source(fake, clock, lambda f: CLIENT_SECRET, name=NAME)
    cp = Cockpit({NAME: SourceHandle(source, read_only=True)})
    outcome = await cp.perform(NAME, "approve_email", "2101")
    assert not outcome.ok and outcome.message.startswith("read-only")
    assert fake.count("approveDraft") == 0


async def test_a_past_start_date_is_said_and_no_approval_offered(fake: FakeMarketo, clock: FakeClock) -> None:
    fake.programs[PROGRAM]["startDate"] = "2026-03-01T09:00:00Z+0000"
    diagnosis = await why.diagnose(cp := cockpit(fake, clock), NAME, str(VP))
    program = {c.key: c for c in diagnosis.checks}["program"]
    assert program.state == "fail" and "has passed" in program.sentence and program.fix is None
    assert cp is not None


async def test_the_audience_is_an_id_only_export_of_the_smart_list(fake: FakeMarketo, clock: FakeClock) -> None:
    cp = cockpit(fake, clock)
    diagnosis = await why.full_diagnosis(cp, NAME, str(VP), 25.0)
    assert diagnosis.audience is not None and diagnosis.audience.people == 48_211
    audience_line = {c.key: c for c in diagnosis.checks}["audience"]
    assert "reaches 48,211 people: 61% of the 79,000 in the database" in audience_line.sentence
    assert audience_line.state == "fail"  # above the 25% guard
    job = next(iter(fake.exports.values()))
    assert job.fields == ["id"] and job.smart_list == 5000 + VP and job.status == "Completed"
    assert fake.count("/file.json") == 0  # the count is numberOfRecords: no download
    # Queued, then Processing, then Completed: three polls, a minute apart (Adobe: not more often)
    assert fake.count("/status.json") == 3
    assert [s for s in clock.sleeps if s == POLL_SECONDS] == [POLL_SECONDS] * 3
    # one diagnosis in all: token, campaign, program, emails, create, enqueue, 3 polls
    assert diagnosis.calls == 9


async def test_a_person_limit_below_the_audience_fails(fake: FakeMarketo, clock: FakeClock) -> None:
    fake.campaigns[VP]["maxMembers"] = 1000
    diagnosis = await why.full_diagnosis(cockpit(fake, clock), NAME, str(VP), 75.0)
    limit = {c.key: c for c in diagnosis.checks}["person-limit"]
    assert limit.state == "fail" and "48,211 is above its person limit of 1,000" in limit.sentence


async def test_1035_says_the_smart_list_filter_is_not_enabled(fake: FakeMarketo, clock: FakeClock) -> None:
    fake.smart_list_filter_enabled = False
    diagnosis = await why.full_diagnosis(cockpit(fake, clock), NAME, str(VP), 25.0)
    line = {c.key: c for c in diagnosis.checks}["audience"]
    assert line.state == "unknown"
    assert "cannot filter bulk exports by smart list (1035" in line.sentence and "Marketo Support" in line.sentence


async def test_1029_queue_full_is_said_plainly_and_the_created_job_is_cancelled(
    fake: FakeMarketo, clock: FakeClock
) -> None:
    fake.max_queued = 0
    diagnosis = await why.full_diagnosis(cockpit(fake, clock), NAME, str(VP), 25.0)
    line = {c.key: c for c in diagnosis.checks}["audience"]
    assert "bulk export queue is full (1029 Too many jobs in queue): at most 10 jobs wait and 2 run" in line.sentence
    assert [j.status for j in fake.exports.values()] == ["Cancelled"]


async def test_leaving_cancels_the_export_it_started(fake: FakeMarketo, clock: FakeClock) -> None:
    source = marketo_source(fake, clock, lambda f: CLIENT_SECRET, name=NAME)
    fake.export_queued_polls = 1000
    started = asyncio.Event()

    async def slow_sleep(seconds: float) -> None:
        started.set()
        await asyncio.sleep(3600)

    jobs = ExportJobs(NAME, source.api, slow_sleep)
    task = asyncio.create_task(jobs.count({"smartListId": 5000 + VP}))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [j.status for j in fake.exports.values()] == ["Cancelled"]
    assert fake.count("/cancel.json") == 1


async def test_the_database_smart_list_is_counted_once_a_session(fake: FakeMarketo, clock: FakeClock) -> None:
    fake.list_people[9999] = 79_000
    cp = cockpit(fake, clock, database_size=0, database_smart_list_id=9999)
    first = await why.count_audience(cp, NAME, str(VP))
    second = await why.count_audience(cp, NAME, str(VP))
    assert first.database == second.database == 79_000
    assert sorted(j.smart_list for j in fake.exports.values()) == [5000 + VP, 5000 + VP, 9999]


async def test_unknown_source_and_unknown_campaign_are_one_line_errors(fake: FakeMarketo, clock: FakeClock) -> None:
    cp = cockpit(fake, clock)
    with pytest.raises(why.WhyError, match=r"^no source named 'nope' \(configured: marketo-prod\)$"):
        await why.diagnose(cp, "nope", "1")
    with pytest.raises(why.WhyError, match=r"^marketo-prod: no smart campaign 4242 in Marketo"):
        await why.diagnose(cp, NAME, "4242")
    with pytest.raises(why.WhyError, match="not a Marketo smart campaign id"):
        await why.diagnose(cp, NAME, "abc")


async def test_an_active_trigger_campaign_with_approved_emails_is_not_blocked(
    fake: FakeMarketo, clock: FakeClock
) -> None:
    fake.add_program("Scoring", id=7002, type="Default")
    fake.add_campaign("Scoring - Web", id=1400, program=7002)
    fake.add_email("Score Alert", program=7002, id=2201)
    diagnosis = await why.diagnose(cockpit(fake, clock), NAME, "1400")
    assert not diagnosis.blocked
    assert {c.key: c.state for c in diagnosis.checks} == {
        "campaign": "ok",
        "emails": "ok",
        "program": "ok",
        "person-limit": "ok",
        "communication-limits": "ok",
    }


async def test_activating_from_the_diagnosis_goes_through_the_cockpit(fake: FakeMarketo, clock: FakeClock) -> None:
    fake.add_campaign("Routing", id=1500, active=False)
    cp = cockpit(fake, clock)
    diagnosis = await why.diagnose(cp, NAME, "1500")
    (fix,) = diagnosis.fixes
    assert (fix.action, fix.target) == ("activate", "1500")
    outcome = await cp.perform(NAME, fix.action, fix.target)
    assert outcome.ok and outcome.confirmed


async def test_scheduling_a_batch_campaign(fake: FakeMarketo, clock: FakeClock) -> None:
    cp = cockpit(fake, clock)
    outcome = await cp.perform(NAME, "schedule", str(VP))
    assert outcome.ok and "five minutes" in outcome.message and fake.scheduled == [VP]
