"""HubSpotSource against a fake HubSpot at the transport: flows, full-replace PUT, search counts, 429s."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import httpx
import pytest

from mopstui.adapters.hubspot import HubSpotOptions, HubSpotSource
from mopstui.config import parse_config
from mopstui.core.errors import AuthError, BadAnswerError, ConfigError, QuotaError, RateLimitError
from mopstui.core.service import Cockpit, SourceHandle
from mopstui.core.source import SourceContext

from fakes.clock import FakeClock
from fakes.hubspot import TOKEN, FakeHubSpot, error, make_flow, rate_limited

NO_OWNER = {"filter_groups": [{"filters": [{"propertyName": "hubspot_owner_id", "operator": "NOT_HAS_PROPERTY"}]}]}


@pytest.fixture
def fake() -> FakeHubSpot:
    hub = FakeHubSpot()
    hub.add_flows(
        make_flow("101", "EMEA Lead Routing", enabled=False),
        make_flow("102", "Welcome nurture", enabled=True),
        make_flow("103", "lead routing - APAC", enabled=True),
        make_flow("104", "Old webinar follow-up", enabled=False),
    )
    hub.contacts = [
        {"email": "a@acme.com", "country": "FR", "lifecyclestage": "lead", "hubspot_owner_id": "1"},
        {"email": "b@acme.com", "country": "", "lifecyclestage": "lead"},
        {"email": "c@acme.com", "lifecyclestage": "customer"},
        {"email": "", "country": "DE"},
    ]
    return hub


def source(
    fake: FakeHubSpot,
    *,
    token: str = TOKEN,
    time: FakeClock | None = None,
    real_time: bool = False,
    name: str = "hubspot",
    **opts: object,
) -> HubSpotSource:
    """A source on `fake`; on fake time (shared with the fake, so arrivals are fake time too) unless `real_time`."""
    seams: dict[str, object] = {"rng": lambda: 0.0}
    if not real_time:
        time = time or FakeClock()
        fake.clock, fake.sleep = time, time.sleep
        seams.update(clock=time, sleep=time.sleep)
    base: dict[str, object] = {
        "base_url": "https://hubspot.test",
        "expect_active": ["*Lead Routing*"],
        "required_properties": ["email", "country", "lifecyclestage"],
        **opts,
    }
    ctx = SourceContext(secret=lambda field: token if field == "token" else "")
    options = HubSpotOptions(**base)  # type: ignore[arg-type]
    return HubSpotSource(name, options, ctx, transport=fake.transport(), **seams)  # type: ignore[arg-type]


# -- config ---------------------------------------------------------------------------------------


def test_config_accepts_the_issue_example_and_custom_counts(tmp_path: Path) -> None:
    table = {
        "kind": "hubspot",
        "expect_active": ["*Lead Routing*"],
        "required_properties": ["email", "country", "lifecyclestage"],
        "quality": {"no_owner": {**NO_OWNER, "label": "No owner", "warning": 2, "critical": 10}},
    }
    opts = parse_config({"sources": {"hubspot": table}}, tmp_path / "c.toml").source("hubspot").options
    assert opts.base_url == "https://api.hubapi.com"
    assert [c.metric for c in opts.counts] == ["missing:email", "missing:country", "missing:lifecyclestage", "no_owner"]
    assert HubSpotSource.secret_fields == ("token",)
    assert set(HubSpotSource.action_labels) == {"activate", "deactivate"}


@pytest.mark.parametrize(
    "quality, needle",
    [
        ({"no_owner": {"filters": []}}, "quality.no_owner.filters: unknown key"),
        ({"no_owner": {}}, "quality.no_owner.filter_groups: expected a list"),
        (
            {"no_owner": {"filter_groups": [{"filters": [{"propertyName": "x", "operator": "LIKE"}]}]}},
            r"quality.no_owner.filter_groups\[0\].filters\[0\].operator: expected one of",
        ),
        (
            {"no_owner": {"filter_groups": [{"filters": [{"propertyName": "x", "operator": "EQ"}]}]}},
            r"filters\[0\].value: required with operator EQ",
        ),
        (
            {"no_owner": {"filter_groups": [{"filters": [{"propertyName": "x", "operator": "IN", "values": []}]}]}},
            r"values: expected a non-empty list",
        ),
        ({"no_owner": {**NO_OWNER, "warning": 50, "critical": 5}}, "warning <= critical"),
        ({"No Owner": NO_OWNER}, "metric name"),
        ({"no_owner": "x"}, "quality.no_owner: expected a table"),
    ],
)
def test_custom_count_errors_name_the_key(tmp_path: Path, quality: dict, needle: str) -> None:
    table = {"kind": "hubspot", "quality": quality}
    with pytest.raises(ConfigError, match=needle):
        parse_config({"sources": {"hubspot": table}}, tmp_path / "c.toml")


# -- workflows ------------------------------------------------------------------------------------


async def test_flows_page_and_report_every_state(fake: FakeHubSpot) -> None:
    fake.page_cap = 3
    src = source(fake)
    scan = await src.fetch_workflows()
    assert [s.id for s in scan.states] == ["101", "102", "103", "104"]
    assert {s.id: s.active for s in scan.states} == {"101": False, "102": True, "103": True, "104": False}
    assert all(s.kind == "flow" for s in scan.states)
    assert scan.states[0].actions == ("activate",) and scan.states[1].actions == ("deactivate",)
    pages = fake.calls("GET", "/automation/v4/flows$")
    assert [p.url.params.get("after") for p in pages] == [None, "103"]
    # only the disabled flow matching expect_active is a problem (case-insensitive pattern)
    assert [(p.id, p.problem, p.severity) for p in scan.problems] == [("101", "inactive", "critical")]
    problem = scan.problems[0]
    assert problem.actions == ("activate",) and "*Lead Routing*" in problem.detail
    assert problem.url == "https://app-eu1.hubspot.com/workflows/4242/platform/flow/101/edit"
    assert src.calls == 3  # two pages and the account details, asked once
    src.reset_calls()
    await src.fetch_workflows()
    assert src.calls == 2


async def test_activate_puts_back_the_whole_flow(fake: FakeHubSpot) -> None:
    before = json.loads(json.dumps(fake.flows["101"]))
    outcome = await source(fake).perform("activate", "101", {})
    assert outcome.ok, outcome.message
    assert len(fake.puts) == 1
    sent = fake.puts[0]
    assert set(sent) == set(before)
    assert {k: v for k, v in sent.items() if k != "isEnabled"} == {k: v for k, v in before.items() if k != "isEnabled"}
    assert sent["isEnabled"] is True and sent["revisionId"] == before["revisionId"]
    assert fake.flows["101"]["enrollmentCriteria"] == before["enrollmentCriteria"]
    assert fake.flows["101"]["isEnabled"] is True


async def test_deactivate_and_already_in_state(fake: FakeHubSpot) -> None:
    src = source(fake)
    assert (await src.perform("deactivate", "102", {})).ok
    assert fake.flows["102"]["isEnabled"] is False
    again = await src.perform("deactivate", "102", {})
    assert again.ok and "already off" in again.message
    assert len(fake.puts) == 1


async def test_stale_revision_is_reported_not_retried(fake: FakeHubSpot) -> None:
    def bump(request: httpx.Request) -> httpx.Response:
        flow = json.loads(json.dumps(fake.flows["101"]))
        fake.flows["101"]["revisionId"] = "99"  # someone edits it between our GET and PUT
        return httpx.Response(200, json=flow)

    fake.fail_next("/flows/101$", bump)
    outcome = await source(fake).perform("activate", "101", {})
    assert not outcome.ok and "refresh and try again" in outcome.message
    assert len(fake.puts) == 1 and fake.flows["101"]["isEnabled"] is False


def answer_the_put_with(fake: FakeHubSpot, flow_id: str, answer: httpx.Response) -> None:
    """HubSpot applies the next PUT of `flow_id` but answers it with `answer`."""

    def put(request: httpx.Request) -> httpx.Response:
        if request.method != "PUT":
            fake.fail_next(f"/flows/{flow_id}$", put)
            return fake.serve(request)
        fake._put(request, fake.flows[flow_id])
        return answer

    fake.fail_next(f"/flows/{flow_id}$", put)


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>Saved</html>"),
        httpx.Response(200, json={"id": "101", "revisionId": "8"}),  # no isEnabled
    ],
    ids=["not-json", "no-isEnabled"],
)
async def test_a_switch_hubspot_applied_but_whose_answer_is_unreadable_is_done_unconfirmed(
    fake: FakeHubSpot, answer: httpx.Response
) -> None:
    cockpit = Cockpit({"hubspot": SourceHandle(source(fake))})
    answer_the_put_with(fake, "101", answer)
    outcome = await cockpit.perform("hubspot", "activate", "101")
    assert fake.flows["101"]["isEnabled"] is True
    assert outcome.ok and outcome.unconfirmed, outcome.message
    assert outcome.message.startswith("done; could not confirm: HubSpot accepted activate of 'EMEA Lead Routing'")
    # the re-fetch shows HubSpot's state: nothing left to activate
    assert not [p for p in cockpit.results["hubspot"].problems if p.id == "101"]


async def test_a_switch_confirmed_by_the_puts_answer_is_confirmed(fake: FakeHubSpot) -> None:
    outcome = await source(fake).perform("activate", "101", {})
    assert outcome.ok and outcome.confirmed is True


async def test_unknown_flow_and_unknown_action(fake: FakeHubSpot) -> None:
    src = source(fake)
    missing = await src.perform("activate", "999", {})
    assert not missing.ok and "999 not found" in missing.message
    assert not (await src.perform("take", "101", {})).ok


# -- data quality ---------------------------------------------------------------------------------


async def test_quality_counts_from_search_totals(fake: FakeHubSpot) -> None:
    src = source(fake, quality={"no_owner": {**NO_OWNER, "label": "No owner"}})
    metrics = {m.metric: m for m in await src.fetch_quality()}
    assert list(metrics) == ["missing:email", "missing:country", "missing:lifecyclestage", "no_owner"]
    assert {k: (m.count, m.total) for k, m in metrics.items()} == {
        "missing:email": (1, 4),
        "missing:country": (2, 4),
        "missing:lifecyclestage": (1, 4),
        "no_owner": (3, 4),
    }
    assert metrics["missing:country"].label == "Missing country" and metrics["no_owner"].label == "No owner"
    bodies = [json.loads(r.content) for r in fake.calls("POST", "/search$")]
    assert all(b["limit"] == 1 for b in bodies)
    assert bodies[0]["filterGroups"] == []
    assert bodies[2]["filterGroups"] == [{"filters": [{"propertyName": "country", "operator": "NOT_HAS_PROPERTY"}]}]


async def test_search_is_paced_to_four_per_second(fake: FakeHubSpot) -> None:
    time = FakeClock()
    props = [f"p{i}" for i in range(8)]
    src = source(fake, time=time, required_properties=props)
    await src.fetch_quality()
    assert len(fake.calls("POST", "/search$")) == 9
    # nine searches at four per second cannot finish in under two seconds of (fake) time
    assert time.now - 1000.0 >= 2.0


async def test_refresh_keeps_four_searches_a_second_at_the_server(fake: FakeHubSpot) -> None:
    # Real time and a real network's shape: the first calls pay for the connection, so they arrive
    # late while later ones arrive early; the limit holds at the server's end, not only at ours.
    fake.latency, fake.connect_latency = 0.05, 0.3
    src = source(fake, real_time=True, required_properties=[f"p{i}" for i in range(5)])
    [result] = await Cockpit({"hubspot": SourceHandle(src)}).refresh(record=False)
    assert result.status.state == "ok", result.status.error
    assert len(result.metrics) == 5 and len(fake.search_arrivals) == 6
    assert fake.throttled == [] and fake.busiest_second() <= 4


async def test_sources_sharing_a_token_share_its_search_limit(fake: FakeHubSpot) -> None:
    # HubSpot counts searches per token: two sources on one token get four a second between them.
    fake.latency = 0.02
    handles = {
        name: SourceHandle(source(fake, real_time=True, name=name, required_properties=["email", "country", "x"]))
        for name in ("hubspot", "hubspot-emea")
    }
    results = await Cockpit(handles).refresh(record=False)
    assert [r.status.state for r in results] == ["ok", "ok"], [r.status.error for r in results]
    assert len(fake.search_arrivals) == 8
    assert fake.throttled == [] and fake.busiest_second() <= 4


async def test_search_pacing_counts_from_arrival_on_fake_time(fake: FakeHubSpot) -> None:
    time = FakeClock()
    fake.latency, fake.connect_latency = 0.05, 0.3
    src = source(fake, time=time, required_properties=[f"p{i}" for i in range(8)])
    await src.fetch_quality()
    assert len(fake.search_arrivals) == 9
    assert fake.throttled == [] and fake.busiest_second() <= 4


async def test_a_retried_search_still_counts_towards_the_limit(fake: FakeHubSpot) -> None:
    # The fourth search fails with a 503 and is tried again: that is a fifth arrival at HubSpot.
    time = FakeClock()
    fake.latency = 0.05
    for _ in range(3):
        fake.fail_next("/search$", fake.serve)
    fake.fail_next("/search$", httpx.Response(503))
    src = source(fake, time=time, required_properties=["email", "country", "lifecyclestage", "p3"])
    await src.fetch_quality()
    assert len(fake.search_arrivals) == 6
    assert fake.throttled == [] and fake.busiest_second() <= 4


# -- filter values --------------------------------------------------------------------------------

TYPED_VALUES = """
[sources.hubspot]
kind = "hubspot"
[sources.hubspot.quality.big_leads]
filter_groups = [
  { filters = [ { propertyName = "employees", operator = "EQ", value = 50 },
                { propertyName = "opted_in", operator = "EQ", value = true } ] },
  { filters = [ { propertyName = "score", operator = "IN", values = [1.5, 2] } ] },
]
"""


def test_config_numbers_and_booleans_become_strings(tmp_path: Path) -> None:
    opts = parse_config(tomllib.loads(TYPED_VALUES), tmp_path / "c.toml").source("hubspot").options
    [count] = opts.counts
    assert count.filter_groups == [
        {
            "filters": [
                {"propertyName": "employees", "operator": "EQ", "value": "50"},
                {"propertyName": "opted_in", "operator": "EQ", "value": "true"},
            ]
        },
        {"filters": [{"propertyName": "score", "operator": "IN", "values": ["1.5", "2"]}]},
    ]


async def test_filter_values_are_sent_as_strings(fake: FakeHubSpot, tmp_path: Path) -> None:
    fake.contacts = [{"employees": "50", "opted_in": "true"}, {"employees": 50, "opted_in": "false"}, {"score": "2"}]
    quality = tomllib.loads(TYPED_VALUES)["sources"]["hubspot"]["quality"]
    metrics = {m.metric: m for m in await source(fake, required_properties=[], quality=quality).fetch_quality()}
    assert (metrics["big_leads"].count, metrics["big_leads"].total) == (2, 3)
    filters = [
        f for r in fake.calls("POST", "/search$") for g in json.loads(r.content)["filterGroups"] for f in g["filters"]
    ]
    assert [f.get("value", f.get("values")) for f in filters] == ["50", "true", ["1.5", "2"]]


def test_a_filter_value_that_is_no_string_number_or_boolean_is_a_config_error(tmp_path: Path) -> None:
    table = tomllib.loads("""
[sources.hubspot]
kind = "hubspot"
quality.recent.filter_groups = [ { filters = [ { propertyName = "createdate", operator = "GT", value = 2024-01-01 } ] } ]
""")
    with pytest.raises(ConfigError, match=r"quality.recent.filter_groups\[0\].filters\[0\].value: expected a string"):
        parse_config(table, tmp_path / "c.toml")


# -- 429, auth and garbage ------------------------------------------------------------------------


async def test_ten_secondly_429_backs_off_then_succeeds(fake: FakeHubSpot) -> None:
    time = FakeClock()
    fake.fail_next("/automation/v4/flows$", rate_limited("TEN_SECONDLY_ROLLING"))
    scan = await source(fake, time=time).fetch_workflows()
    assert len(scan.states) == 4
    assert 10.0 in time.sleeps


async def test_secondly_429_honours_retry_after(fake: FakeHubSpot) -> None:
    time = FakeClock()
    response = rate_limited("SECONDLY")
    response.headers["Retry-After"] = "3"
    fake.fail_next("/search$", response)
    await source(fake, time=time).fetch_quality()
    assert 3.0 in time.sleeps


async def test_endless_ten_secondly_429_gives_up(fake: FakeHubSpot) -> None:
    for _ in range(5):
        fake.fail_next("/automation/v4/flows$", rate_limited("TEN_SECONDLY_ROLLING"))
    with pytest.raises(RateLimitError, match="TEN_SECONDLY_ROLLING"):
        await source(fake).fetch_workflows()


async def test_daily_429_stops_the_source(fake: FakeHubSpot) -> None:
    time = FakeClock()
    src = source(fake, time=time)
    fake.fail_next("/automation/v4/flows$", rate_limited("DAILY"))
    with pytest.raises(QuotaError, match="daily"):
        await src.fetch_workflows()
    assert len(fake.log) == 1  # not retried
    with pytest.raises(QuotaError):
        await src.fetch_quality()
    with pytest.raises(QuotaError):
        await src.perform("activate", "101", {})
    assert len(fake.log) == 1  # no call at all while stopped
    time.now += 3601
    await src.fetch_quality()
    assert len(fake.log) > 1


async def test_401_names_the_token_to_fix(fake: FakeHubSpot) -> None:
    with pytest.raises(AuthError) as info:
        await source(fake, token="pat-wrong-token").fetch_workflows()
    message = str(info.value)
    assert "401" in message and "mopstui auth set hubspot token" in message and "pat-wrong" not in message


async def test_403_missing_scopes_names_the_scopes(fake: FakeHubSpot) -> None:
    fake.fail_next("/search$", error(403, "This app hasn't been granted all required scopes", "MISSING_SCOPES"))
    with pytest.raises(AuthError, match="crm.objects.contacts.read"):
        await source(fake).fetch_quality()


@pytest.mark.parametrize(
    "path, response",
    [
        ("/automation/v4/flows$", httpx.Response(200, text="<html>maintenance</html>")),
        ("/automation/v4/flows$", httpx.Response(200, json={"flows": []})),
        (
            "/automation/v4/flows$",
            httpx.Response(200, json={"results": [{"id": "1", "name": "x", "isEnabled": "yes"}]}),
        ),
        ("/search$", httpx.Response(200, json={"total": "many"})),
        ("/search$", httpx.Response(200, json=[])),
    ],
)
async def test_garbage_is_a_clear_error(fake: FakeHubSpot, path: str, response: httpx.Response) -> None:
    fake.fail_next(path, response)
    with pytest.raises(BadAnswerError) as info:
        if "search" in path:
            await source(fake).fetch_quality()
        else:
            await source(fake).fetch_workflows()
    assert str(info.value).startswith("hubspot: ")


async def test_no_account_details_means_no_links_not_a_failure(fake: FakeHubSpot) -> None:
    fake.fail_next("/account-info/", error(403, "This app hasn't been granted all required scopes", "MISSING_SCOPES"))
    scan = await source(fake).fetch_workflows()
    assert len(scan.states) == 4 and scan.problems[0].url == ""
