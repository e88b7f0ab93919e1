"""Drift on HubSpot: a flow is read in full only when its revisionId moved; a changed body is a
`changed` problem naming what changed; a flow switched from mopstui is `info`."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from mopstui.adapters.hubspot import HubSpotOptions, HubSpotSource
from mopstui.core.audit import AuditLog
from mopstui.core.memory import Memory
from mopstui.core.service import Cockpit, SourceHandle, SourceResult
from mopstui.core.source import SourceContext
from mopstui.core.store import StateStore

from fakes.clock import FakeClock, WallClock
from fakes.hubspot import TOKEN, FakeHubSpot, make_flow

NAME = "hubspot"
MORNING = datetime(2026, 3, 2, 7, 0).astimezone()


def lifecycle_is(*stages: str) -> dict[str, Any]:
    """Enrollment criteria as the v4 flow body holds them: a list-based filter branch of property filters."""
    return {
        "shouldReEnroll": False,
        "type": "LIST_BASED",
        "listFilterBranch": {
            "filterBranchType": "OR",
            "filters": [],
            "filterBranches": [
                {
                    "filterBranchType": "AND",
                    "filterBranches": [],
                    "filters": [
                        {
                            "property": "lifecyclestage",
                            "operation": {
                                "operator": "IS_ANY_OF",
                                "values": list(stages),
                                "operationType": "ENUMERATION",
                            },
                            "filterType": "PROPERTY",
                        }
                    ],
                }
            ],
        },
        "unEnrollObjectsNotMeetingCriteria": False,
    }


class Session:
    def __init__(self, fake: FakeHubSpot, store: StateStore, audit: AuditLog | None = None) -> None:
        self.when = WallClock(MORNING)
        self.memory = Memory(store, clock=self.when, audit=audit)
        time = FakeClock()
        fake.clock, fake.sleep = time, time.sleep
        ctx = SourceContext(
            secret=lambda field: TOKEN if field == "token" else "", revisions=partial(self.memory.known_revisions, NAME)
        )
        options = HubSpotOptions(base_url="https://hubspot.test")
        self.source = HubSpotSource(
            NAME, options, ctx, transport=fake.transport(), clock=time, sleep=time.sleep, rng=lambda: 0.0
        )
        self.cockpit = Cockpit({NAME: SourceHandle(self.source)}, memory=self.memory, clock=self.when, audit=audit)

    async def refresh(self) -> SourceResult:
        [result] = await self.cockpit.refresh()
        assert result.status.state == "ok", result.status.error
        return result


def changed(result: SourceResult) -> dict[str, tuple[str, str]]:
    return {p.id: (p.severity, p.detail) for p in result.problems if p.problem == "changed"}


def full_reads(fake: FakeHubSpot) -> list[str]:
    return [r.url.path for r in fake.calls("GET", r"^/automation/v4/flows/\d+$")]


@pytest.fixture
def fake() -> FakeHubSpot:
    hub = FakeHubSpot()
    routing = make_flow("101", "EMEA Lead Routing", enabled=False)
    routing["enrollmentCriteria"] = lifecycle_is("lead", "marketingqualifiedlead")
    routing["suppressionListIds"] = [88]
    hub.add_flows(routing, make_flow("102", "Welcome nurture"), make_flow("103", "APAC routing"))
    return hub


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path / "state.db")


async def test_first_read_is_the_baseline_and_unmoved_revisions_are_not_read_again(
    fake: FakeHubSpot, store: StateStore
) -> None:
    session = Session(fake, store)
    assert changed(await session.refresh()) == {}
    assert sorted(full_reads(fake)) == [f"/automation/v4/flows/{i}" for i in (101, 102, 103)]
    assert changed(await session.refresh()) == {}
    assert len(full_reads(fake)) == 3


async def test_an_edited_flow_is_a_changed_warning_naming_the_criteria_and_lists(
    fake: FakeHubSpot, store: StateStore
) -> None:
    session = Session(fake, store)
    await session.refresh()
    fake.edit_flow(
        "101", enrollmentCriteria=lifecycle_is("lead", "marketingqualifiedlead", "subscriber"), suppressionListIds=[]
    )
    result = await session.refresh()
    assert changed(result) == {
        "101": (
            "warning",
            "enrollment now LIST_BASED: (lifecyclestage IS_ANY_OF lead, marketingqualifiedlead, subscriber); "
            "suppression lists: 88 → none.",
        )
    }
    assert full_reads(fake).count("/automation/v4/flows/102") == 1  # unchanged: one read, the baseline
    problem = next(p for p in result.problems if p.problem == "changed")
    assert problem.kind == "flow" and problem.url == "https://app-eu1.hubspot.com/workflows/4242/platform/flow/101/edit"


async def test_a_flow_switched_on_from_mopstui_is_info(fake: FakeHubSpot, store: StateStore, tmp_path: Path) -> None:
    session = Session(fake, store, AuditLog(tmp_path / "audit.jsonl"))
    await session.refresh()
    session.when.now += timedelta(minutes=5)
    outcome = await session.cockpit.perform(NAME, "activate", "101")
    assert outcome.ok, outcome.message
    assert changed(session.cockpit.results[NAME]) == {"101": ("info", "status: off → on.")}
    fake.edit_flow("103", isEnabled=False)  # switched off in HubSpot: not from here
    session.when.now += timedelta(minutes=5)
    assert changed(await session.refresh())["103"] == ("warning", "status: on → off.")


async def test_calls_per_refresh_with_1000_flows_of_which_10_changed(store: StateStore) -> None:
    fake = FakeHubSpot()
    fake.add_flows(*(make_flow(str(1000 + i), f"Flow {i:04d}") for i in range(1000)))
    session = Session(fake, store)
    session.source.options = HubSpotOptions(base_url="https://hubspot.test", definition_reads=200)
    while len(session.memory.known_revisions(NAME) or {}) < 1000:
        await session.refresh()
    before = len(fake.log)
    await session.refresh()
    quiet = len(fake.log) - before
    for i in range(0, 1000, 100):
        fake.edit_flow(str(1000 + i), suppressionListIds=[7])
    before = len(fake.log)
    result = await session.refresh()
    busy = len(fake.log) - before
    assert len(changed(result)) == 10
    # 10 listing pages of 100 and the contacts total (data quality); + one full read per changed flow
    assert (quiet, busy) == (11, 21)
    assert [r.url.path for r in fake.log[before:]].count("/automation/v4/flows") == 10
    print(f"\nHubSpot drift: quiet refresh {quiet} calls; 10 of 1,000 changed {busy}")
