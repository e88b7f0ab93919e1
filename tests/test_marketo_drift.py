"""Drift on Marketo: smart lists read again only when a campaign's updatedAt moved, a changed
definition is a `changed` problem naming what changed, a first definition is a baseline."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from mopstui.adapters.marketo import MarketoSource
from mopstui.core.audit import AuditLog
from mopstui.core.errors import CredentialError
from mopstui.core.memory import Memory
from mopstui.core.service import Cockpit, SourceHandle, SourceResult
from mopstui.core.store import StateStore

from fakes.clock import FakeClock, WallClock
from fakes.marketo import CLIENT_SECRET, FakeMarketo, condition, marketo_source, rule
from fakes.marketo_contract import swagger_contract  # noqa: F401  (autouse: each request against Adobe's Swagger)

NAME = "marketo-prod"
MORNING = datetime(2026, 3, 2, 7, 0).astimezone()


def secret(field: str) -> str:
    if field == "client_secret":
        return CLIENT_SECRET
    raise CredentialError(f"no {field}")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path / "state.db")


@pytest.fixture
def fake(clock: FakeClock) -> FakeMarketo:
    fake = FakeMarketo(clock=clock)
    fake.add_campaign("US - Lead Routing - Inbound", id=1, active=True, program=500)
    fake.smart_list(
        1,
        triggers=[rule("Fills Out Form", condition("Web Form", "is", "Contact Us"), id=11)],
        filters=[rule("Country", condition("Country", "is", "US"), id=12, rule_type="Lead")],
    )
    fake.add_campaign("Nurture - Welcome Series", id=2, active=True, program=501)
    fake.smart_list(2, triggers=[rule("Added to List", condition("List", "is", "Welcome"), id=21)])
    fake.add_campaign("Quarterly Newsletter", id=3, type="batch", program=502)
    fake.smart_list(3, filters=[rule("Member of List", condition("List", "in", "Subscribers"), id=31)])
    return fake


class Session:
    """One cockpit session (one Memory, one source) or, with `fresh()`, a cron check each time."""

    def __init__(self, fake: FakeMarketo, clock: FakeClock, store: StateStore, audit: AuditLog | None = None) -> None:
        self.fake, self.clock, self.store, self.audit = fake, clock, store, audit
        self.when = WallClock(MORNING)
        self.memory = Memory(store, clock=self.when, audit=audit)
        self.source = self._source()
        self.cockpit = Cockpit({NAME: SourceHandle(self.source)}, memory=self.memory, clock=self.when, audit=audit)

    def _source(self, **options: Any) -> MarketoSource:
        source: MarketoSource = marketo_source(
            self.fake, self.clock, secret, name=NAME, revisions=partial(self.memory.known_revisions, NAME), **options
        )
        return source

    def fresh(self, **options: Any) -> Session:
        """A new check: a new Memory and source on the same store (as `mopstui check` from cron)."""
        self.memory = Memory(self.store, clock=self.when, audit=self.audit)
        self.source = self._source(**options)
        self.cockpit = Cockpit({NAME: SourceHandle(self.source)}, memory=self.memory, clock=self.when, audit=self.audit)
        return self

    async def refresh(self) -> SourceResult:
        [result] = await self.cockpit.refresh()
        assert result.status.state == "ok", result.status.error
        return result


def changed(result: SourceResult) -> dict[str, tuple[str, str]]:
    return {p.id: (p.severity, p.detail) for p in result.problems if p.problem == "changed"}


def smart_list_reads(fake: FakeMarketo) -> list[str]:
    return [path for _, path, _ in fake.calls if path.endswith("/smartList.json")]


async def test_the_first_snapshot_of_a_definition_is_its_baseline_not_a_change(
    fake: FakeMarketo, clock: FakeClock, store: StateStore
) -> None:
    session = Session(fake, clock, store)
    first = await session.refresh()
    assert changed(first) == {}
    assert sorted(smart_list_reads(fake)) == [f"/rest/asset/v1/smartCampaign/{i}/smartList.json" for i in (1, 2, 3)]
    assert all(params == {"includeRules": "true"} for _, path, params in fake.calls if path.endswith("smartList.json"))
    again = await session.fresh().refresh()  # nothing moved: nothing read, nothing changed
    assert changed(again) == {} and len(smart_list_reads(fake)) == 3


async def test_an_overnight_edit_is_a_changed_warning_that_says_what_changed(
    fake: FakeMarketo, clock: FakeClock, store: StateStore
) -> None:
    session = Session(fake, clock, store)
    await session.refresh()
    fake.now += timedelta(hours=9)
    # someone widened the trigger to any form and let people qualify every time
    fake.edit_smart_list(1, triggers=[rule("Fills Out Form", id=11)])
    fake.touch(1, qualificationRuleType="any")
    fake.edit_smart_list(2, filters=[])
    session.when.now = MORNING + timedelta(hours=9)
    result = await session.fresh().refresh()
    assert changed(result) == {
        "1": ("warning", "trigger 'Fills Out Form' now matches any form; qualification: once → every time."),
    }
    assert smart_list_reads(fake).count("/rest/asset/v1/smartCampaign/3/smartList.json") == 1  # unchanged: not re-read
    problem = next(p for p in result.problems if p.problem == "changed")
    assert problem.name == "US - Lead Routing - Inbound" and problem.url == "https://app-sjqe.marketo.com/#SC1A1"
    assert problem.key in result.new_keys
    # and the change stays a problem through the day, for the next checks too
    session.when.now += timedelta(hours=6)
    later = await session.fresh().refresh()
    assert "1" in changed(later) and problem.key not in later.new_keys
    session.when.now += timedelta(hours=19)
    assert changed(await session.fresh().refresh()) == {}


async def test_a_lost_filter_is_named_with_what_it_was(fake: FakeMarketo, clock: FakeClock, store: StateStore) -> None:
    session = Session(fake, clock, store)
    await session.refresh()
    fake.now += timedelta(hours=1)
    fake.edit_smart_list(1, filters=[])
    result = await session.fresh().refresh()
    assert changed(result)["1"] == ("warning", "filter 'Country' removed (was: matches Country is US).")
    diff = session.memory.definition_change(NAME, "1")
    assert diff is not None
    assert ("filter 'Country'", "matches Country is US") in diff.before
    assert all(label != "filter 'Country'" for label, _ in diff.after)


async def test_an_activation_from_mopstui_is_info_and_the_same_edit_in_marketo_a_warning(
    fake: FakeMarketo, clock: FakeClock, store: StateStore, tmp_path: Path
) -> None:
    fake.campaigns[1].update(isActive=False, status="Inactive")
    fake.add_campaign("Scoring - Behaviour", id=4, active=False)
    audit = AuditLog(tmp_path / "audit.jsonl")
    session = Session(fake, clock, store, audit)
    await session.refresh()
    fake.now += timedelta(minutes=20)
    outcome = await session.cockpit.perform(NAME, "activate", "1")
    assert outcome.ok, outcome.message
    assert changed(session.cockpit.results[NAME]) == {"1": ("info", "status: Inactive → Active.")}
    fake.touch(4, isActive=True, status="Active")  # the same change, made by someone in Marketo
    session.when.now += timedelta(minutes=30)
    result = await session.fresh().refresh()
    assert changed(result) == {
        "1": ("info", "status: Inactive → Active."),  # kept as it was seen
        "4": ("warning", "status: Inactive → Active."),
    }


async def test_a_garbled_smart_list_is_told_in_the_health_line_and_the_rest_are_kept(
    fake: FakeMarketo, clock: FakeClock, store: StateStore
) -> None:
    session = Session(fake, clock, store)
    fake.fail_next("/smartCampaign/2/smartList.json", body=b'{"success": true, "result": [{"id": 5002}]}')
    result = await session.refresh()
    assert "smart list unreadable (campaign 2: Marketo's smart list answer has no rules)" in result.status.health
    assert set(session.memory.known_revisions(NAME) or {}) == {"1", "3"}  # 2 is read again next time


async def test_calls_per_refresh_with_1000_campaigns_of_which_10_changed(clock: FakeClock, store: StateStore) -> None:
    fake = FakeMarketo(clock=clock)
    for i in range(1, 1001):
        fake.add_campaign(f"Campaign {i:04d}", id=i, type="trigger" if i % 3 else "batch", program=500 + i % 12)
        fake.smart_list(i, filters=[rule("Country", condition("Country", "is", "US"))])
    session = Session(fake, clock, store)
    session.source = session._source(definition_reads=200)
    session.cockpit = Cockpit({NAME: SourceHandle(session.source)}, memory=session.memory, clock=session.when)
    baseline_calls = []
    while len(session.memory.known_revisions(NAME) or {}) < 1000:  # the baselines, 200 a refresh
        before = len(fake.calls)
        fake.now += timedelta(minutes=10)
        assert changed(await session.refresh()) == {}
        baseline_calls.append(len(fake.calls) - before)
    assert len(baseline_calls) == 5
    before = len(fake.calls)
    fake.now += timedelta(minutes=10)
    await session.refresh()
    quiet = fake.calls[before:]
    assert [p for _, p, _ in quiet if p.endswith("smartList.json")] == []  # unchanged cost nothing
    assert len(quiet) == 3  # campaigns since the last check, emails since, usage
    fake.now += timedelta(minutes=10)
    for i in range(1, 1001, 100):
        fake.edit_smart_list(i, filters=[])
    before = len(fake.calls)
    fake.now += timedelta(minutes=10)
    result = await session.refresh()
    calls = fake.calls[before:]
    assert len(changed(result)) == 10
    assert sum(p.endswith("smartList.json") for _, p, _ in calls) == 10
    assert len(calls) == 13  # 3 listing and usage calls + 10 smart lists
    assert result.status.calls == 13
    print(f"\nMarketo drift: baselines {baseline_calls} calls; quiet refresh {len(quiet)}; 10 changed {len(calls)}")
