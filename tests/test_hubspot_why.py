"""`w` on a HubSpot workflow: the flow on, each marketing email it sends published, list sizes."""

from __future__ import annotations

import pytest

from mopstui.adapters.hubspot import HubSpotOptions, HubSpotSource
from mopstui.core import why
from mopstui.core.service import Cockpit, SourceHandle
from mopstui.core.source import SourceContext

from fakes.clock import FakeClock
from fakes.hubspot import TOKEN, FakeHubSpot, in_list, make_email, make_flow


def source(fake: FakeHubSpot) -> HubSpotSource:
    time = FakeClock()
    fake.clock, fake.sleep = time, time.sleep
    ctx = SourceContext(secret=lambda field: TOKEN if field == "token" else "")
    options = HubSpotOptions(base_url="https://hubspot.test")
    return HubSpotSource(
        "hubspot", options, ctx, transport=fake.transport(), clock=time, sleep=time.sleep, rng=lambda: 0.0
    )


@pytest.fixture
def fake() -> FakeHubSpot:
    hub = FakeHubSpot()
    hub.add_flows(in_list(make_flow("201", "Trial nurture", enabled=False), "55", "56"), make_flow("202", "Plain"))
    hub.flow_emails = {"201": ["113782603056", "113782603057"]}
    hub.emails = {
        "113782603056": make_email("113782603056", "Trial day 1"),
        "113782603057": make_email("113782603057", "Trial day 3", published=False),
    }
    hub.lists = {
        "55": {"listId": "55", "name": "Trials", "size": 300},
        "56": {"listId": "56", "name": "More", "size": 100},
    }
    hub.contacts = [{"email": f"p{i}@acme.com"} for i in range(1000)]
    return hub


def cockpit(fake: FakeHubSpot) -> Cockpit:
    return Cockpit({"hubspot": SourceHandle(source(fake))})


async def test_the_flow_off_and_a_draft_email_block_it(fake: FakeHubSpot) -> None:
    diagnosis = await why.diagnose(cockpit(fake), "hubspot", "201")
    assert diagnosis.blocked
    states = {c.key: c.state for c in diagnosis.checks}
    assert states == {"flow": "fail", "email:113782603056": "ok", "email:113782603057": "fail"}
    draft = {c.key: c for c in diagnosis.checks}["email:113782603057"]
    assert "'Trial day 3' is not published (AUTOMATED_DRAFT)" in draft.sentence
    assert [(f.action, f.target) for f in diagnosis.fixes] == [("activate", "201")]
    assert diagnosis.calls == 4  # the flow, its email campaigns, two emails


async def test_the_audience_is_the_enrolled_lists_against_the_contacts(fake: FakeHubSpot) -> None:
    diagnosis = await why.full_diagnosis(cockpit(fake), "hubspot", "201", 25.0)
    assert diagnosis.audience is not None
    assert diagnosis.audience.sentence() == "reaches 400 people: 40% of the 1,000 in the database"
    assert "counts twice" in diagnosis.audience.how
    assert {c.key: c.state for c in diagnosis.checks}["audience"] == "fail"  # above 25%


async def test_a_flow_that_enrols_by_filters_has_no_count_and_nothing_blocks_it(fake: FakeHubSpot) -> None:
    diagnosis = await why.full_diagnosis(cockpit(fake), "hubspot", "202", 25.0)
    assert not diagnosis.blocked
    assert {c.key: c.state for c in diagnosis.checks}["audience"] == "unknown"


async def test_an_unknown_flow_is_one_line(fake: FakeHubSpot) -> None:
    with pytest.raises(
        why.WhyError, match=r"^hubspot: no HubSpot workflow 999 \(deleted, or the token cannot see it\)$"
    ):
        await why.diagnose(cockpit(fake), "hubspot", "999")
