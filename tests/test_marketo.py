"""The Marketo adapter against a fake Marketo at the transport: paging, tokens, limits, errors, actions."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mopstui.adapters.marketo import MarketoOptions, MarketoSource
from mopstui.core.errors import AuthError, BadAnswerError, CredentialError, QuotaError, RateLimitError, UnreachableError

from fakes.clock import FakeClock
from fakes.marketo import BASE_URL, CLIENT_ID, CLIENT_SECRET, FakeMarketo, marketo_source
from fakes.marketo_contract import LEDGER, swagger_contract  # noqa: F401  (autouse: each request against Adobe's Swagger)

NAME = "marketo-prod"


def secret(field: str) -> str:
    if field == "client_secret":
        return CLIENT_SECRET
    raise CredentialError(f"no {field}")


def build(fake: FakeMarketo, clock: FakeClock, **options: Any) -> MarketoSource:
    return marketo_source(fake, clock, secret, name=NAME, **options)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake(clock: FakeClock) -> FakeMarketo:
    fake = FakeMarketo(clock=clock)
    fake.add_campaign("US - Lead Routing - Inbound", id=1, active=False, program=500)
    fake.add_campaign("Scoring - Behaviour", id=2, active=True, program=501)
    fake.add_campaign("Webinar Follow-up", id=3, active=True, program=502)
    fake.add_campaign("Broken Nurture", id=4, active=True, status="Invalid", program=503)
    fake.add_campaign("Quarterly Newsletter", id=5, type="batch", program=504)
    fake.add_email("Webinar Thank You", program=502, program_name="2026-03 Webinar", status="draft")
    fake.add_email("Scoring Alert", program=501, status="approved")
    return fake


def sent_queries(fake: FakeMarketo) -> list[dict[str, str]]:
    return [params for _, path, params in fake.calls if path.startswith("/rest/")]


async def test_fetch_reports_problems_states_and_health(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock, expect_active=["*lead routing*", "Scoring - *"])
    scan = await source.fetch_workflows()
    found = {(p.id, p.problem, p.severity) for p in scan.problems}
    assert found == {("1", "inactive", "critical"), ("4", "invalid", "critical"), ("3", "unapproved-asset", "warning")}
    inactive = next(p for p in scan.problems if p.problem == "inactive")
    assert inactive.actions == ("activate",) and inactive.url == "https://app-sjqe.marketo.com/#SC1A1"
    assert inactive.since == datetime(2026, 1, 31, 14, 0, tzinfo=UTC)
    draft = next(p for p in scan.problems if p.problem == "unapproved-asset")
    assert "'Webinar Thank You'" in draft.detail and draft.program == "2026-03 Webinar"
    assert {s.id: s.active for s in scan.states} == {"1": False, "2": True, "3": True, "4": True}
    assert source.health == "API 1,203/50,000 calls today (2%)"
    # token + campaigns + emails + usage
    assert source.calls == 4


async def test_token_only_in_the_authorization_header(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock)
    await source.fetch_workflows()
    assert all("access_token" not in q for q in sent_queries(fake))
    assert fake.count("/identity/oauth/token") == 1


async def test_fake_refuses_the_token_as_a_query_parameter(fake: FakeMarketo, clock: FakeClock) -> None:
    import httpx

    async with httpx.AsyncClient(transport=fake.transport(), base_url=BASE_URL) as client:
        token = (
            await client.get(
                "/identity/oauth/token",
                params={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
            )
        ).json()["access_token"]
        answer = (await client.get("/rest/v1/stats/usage.json", params={"access_token": token})).json()
    assert answer["success"] is False and answer["errors"][0]["code"] == "601"
    [off_contract] = LEDGER.take()  # Adobe's Swagger no longer has the parameter either
    assert "unknown query parameter 'access_token'" in off_contract


async def test_paging_uses_maxreturn_200_and_stops_at_the_end_warning(clock: FakeClock) -> None:
    fake = FakeMarketo(clock=clock)
    for i in range(400):
        fake.add_campaign(f"Campaign {i}", id=10_000 + i, type="batch")
    source = build(fake, clock, check_emails=False)
    await source.fetch_workflows()
    pages = [q for _, p, q in fake.calls if p.endswith("smartCampaigns.json")]
    assert [(q["maxReturn"], q["offset"]) for q in pages] == [("200", "0"), ("200", "200"), ("200", "400")]
    assert len(source._campaigns) == 400


async def test_short_last_page_ends_paging_without_the_warning_call(clock: FakeClock) -> None:
    fake = FakeMarketo(clock=clock)
    for i in range(250):
        fake.add_campaign(f"Campaign {i}", id=10_000 + i, type="batch")
    source = build(fake, clock, check_emails=False)
    await source.fetch_workflows()
    assert fake.count("smartCampaigns.json") == 2


async def test_token_renewed_shortly_before_expiry(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock)
    await source.fetch_workflows()
    clock.advance(3545)  # under a minute of life left: renewal is due, but Marketo gives the same token back
    await source.fetch_workflows()
    assert fake.count("/identity/oauth/token") == 2
    clock.advance(200)  # now it has really expired: a new token, no 602 on the way
    before = len(fake.calls)
    await source.fetch_workflows()
    assert fake.count("/identity/oauth/token") == 3
    assert all(fake.tokens.get(t, 0) > clock() for t in [source.tokens.current])
    assert len(fake.calls) - before == 4


async def test_token_expiring_mid_run_reauthenticates_once_and_retries(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock)
    await source.fetch_workflows()
    fake.expire_tokens()
    scan = await source.fetch_workflows()
    assert scan.problems  # recovered
    assert fake.count("/identity/oauth/token") == 2


@pytest.mark.parametrize("code", ["601", "602"])
async def test_601_602_reauthenticate_once(fake: FakeMarketo, clock: FakeClock, code: str) -> None:
    source = build(fake, clock, check_emails=False)
    fake.fail_next("stats/usage", code=code)
    await source.fetch_workflows()
    assert fake.count("/identity/oauth/token") == 2
    fake.fail_next("stats/usage", code=code, times=2)
    with pytest.raises(AuthError, match="fresh token was refused too"):
        await source.fetch_workflows()


async def test_bad_client_secret_is_an_auth_error_naming_the_fix(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock, client_id="wrong")
    with pytest.raises(AuthError) as info:
        await source.fetch_workflows()
    message = str(info.value)
    assert message.startswith(f"{NAME}: ") and "mopstui auth set marketo-prod client_secret" in message
    assert CLIENT_SECRET not in message


@pytest.mark.parametrize("code", ["606", "615", "604", "608", "713", "502"])
async def test_transient_bursts_are_retried_with_backoff(fake: FakeMarketo, clock: FakeClock, code: str) -> None:
    source = build(fake, clock)
    fake.fail_next("smartCampaigns.json", code=code, times=3)
    scan = await source.fetch_workflows()
    assert {p.problem for p in scan.problems} == {"invalid", "unapproved-asset"}
    assert fake.count("smartCampaigns.json") == 4
    assert sum(clock.sleeps) > 0


async def test_606_storm_that_never_ends_is_a_rate_limit_error(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock)
    fake.fail_next("smartCampaigns.json", code="606", times=50)
    with pytest.raises(RateLimitError, match="606"):
        await source.fetch_workflows()
    assert fake.count("smartCampaigns.json") == 5  # the first try and 4 retries


async def test_611_is_retried_sparingly(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock)
    fake.fail_next("smartCampaigns.json", code="611", times=5)
    with pytest.raises(UnreachableError, match="611"):
        await source.fetch_workflows()
    assert fake.count("smartCampaigns.json") == 2


async def test_607_stops_the_source_until_midnight_central(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock)
    fake.usage_today = fake.daily_quota
    with pytest.raises(QuotaError) as info:
        await source.fetch_workflows()
    assert str(info.value) == f"{NAME}: daily API quota reached; resets at midnight US Central"
    assert source.quota_stop_until == datetime(2026, 3, 3, 6, 0, tzinfo=UTC)  # CST, UTC-6
    assert "no calls until then" in source.health
    calls = len(fake.calls)
    fake.now += timedelta(hours=8)  # still before the reset
    with pytest.raises(QuotaError):
        await source.fetch_workflows()
    assert len(fake.calls) == calls  # not a single call
    fake.now += timedelta(hours=9)  # past midnight Central
    fake.usage_today = 0
    assert (await source.fetch_workflows()).problems


async def test_success_false_is_an_error(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock)
    fake.fail_next("smartCampaigns.json", code="1003", message="Invalid value for earliestUpdatedAt")
    with pytest.raises(Exception) as info:
        await source.fetch_workflows()
    assert "Marketo refused: Invalid value for earliestUpdatedAt (1003)" in str(info.value)


async def test_603_names_the_permission_to_fix(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock)
    fake.fail_next("smartCampaigns.json", code="603")
    with pytest.raises(AuthError, match=r"role the Read-Only Assets \(or Read-Write Assets\) permission"):
        await source.fetch_workflows()


@pytest.mark.parametrize(
    ("action", "cid", "permission"),
    [("activate", "1", "Activate Campaign"), ("deactivate", "2", "Deactivate Campaign")],
)
async def test_a_refused_action_names_the_permission_to_ask_for(
    fake: FakeMarketo, clock: FakeClock, action: str, cid: str, permission: str
) -> None:
    from mopstui.core.service import Cockpit, SourceHandle

    cockpit = Cockpit({NAME: SourceHandle(build(fake, clock))})
    fake.fail_next(f"/{action}.json", code="603")
    outcome = await cockpit.perform(NAME, action, cid)
    assert not outcome.ok
    assert f"ask your Marketo admin to give the API user's role the {permission} permission" in outcome.message
    await cockpit.aclose()


async def test_5xx_from_the_edge_is_retried_then_reported(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock)
    fake.fail_next("smartCampaigns.json", status=503, times=2)
    assert (await source.fetch_workflows()).problems
    fake.fail_next("smartCampaigns.json", status=502, times=10)
    with pytest.raises(UnreachableError, match="HTTP 502"):
        await source.fetch_workflows()


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>504 Gateway Time-out</body></html>",
        b'{"success": true, "result": "nope"}',
        b'{"result": []}',
        b"[1, 2]",
    ],
)
async def test_garbage_bodies_are_bad_answers(fake: FakeMarketo, clock: FakeClock, body: bytes) -> None:
    source = build(fake, clock)
    fake.fail_next("smartCampaigns.json", body=body)
    with pytest.raises(BadAnswerError) as info:
        await source.fetch_workflows()
    assert str(info.value).startswith(f"{NAME}: ") and "\n" not in str(info.value)


async def test_usage_trouble_only_dims_the_health(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock)
    fake.fail_next("stats/usage", body=b"garbage")
    scan = await source.fetch_workflows()
    assert scan.problems and source.health.startswith("API usage unknown")


async def test_health_warns_at_80_percent(fake: FakeMarketo, clock: FakeClock) -> None:
    fake.usage_today = 40_500
    source = build(fake, clock)
    await source.fetch_workflows()
    assert source.health.startswith("warning: API 40,503/50,000 calls today (81%)")


async def test_refresh_within_the_token_life_asks_only_for_changes(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock, expect_active=["*Lead Routing*"])
    await source.fetch_workflows()
    fake.now += timedelta(minutes=5)
    clock.advance(300)
    fake.touch(2, isActive=False, status="Inactive")  # someone switched scoring off
    source.reset_calls()
    scan = await source.fetch_workflows()
    asked = [q for _, p, q in fake.calls if p.endswith("smartCampaigns.json")][-1]
    assert asked["earliestUpdatedAt"] == "2026-03-02T13:55:00Z"  # last fetch minus 5 minutes overlap
    assert source.calls == 3  # campaigns changed since, emails changed since, usage; no token
    assert {s.id: s.active for s in scan.states}["2"] is False
    assert len(scan.states) == 4  # merged with what it knew


async def test_action_activate_confirms_by_refetching(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock, expect_active=["*Lead Routing*"])
    await source.fetch_workflows()
    outcome = await source.perform("activate", "1", {})
    assert outcome.ok and "Marketo confirms it is active" in outcome.message
    assert [p for m, p, _ in fake.calls[-2:]] == [
        "/rest/asset/v1/smartCampaign/1/activate.json",
        "/rest/asset/v1/smartCampaign/1.json",
    ]
    scan = await source.fetch_workflows()
    assert not [p for p in scan.problems if p.problem == "inactive"]


async def test_action_deactivate(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock)
    outcome = await source.perform("deactivate", "2", {})
    assert outcome.ok and fake.campaigns[2]["isActive"] is False


async def test_action_failure_shows_marketos_reason(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock)
    await source.fetch_workflows()
    fake.refusals[1] = ("709", "Smart campaign has no triggers")
    outcome = await source.perform("activate", "1", {})
    assert not outcome.ok
    assert (
        outcome.message
        == "Marketo refused to activate 'US - Lead Routing - Inbound': Smart campaign has no triggers (709)"
    )


async def test_action_acknowledged_but_not_applied_is_not_a_success(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock)
    fake.ignore_activation.add(1)
    outcome = await source.perform("activate", "1", {})
    assert not outcome.ok and "still inactive" in outcome.message


async def test_action_refuses_batch_campaigns_and_bad_ids(fake: FakeMarketo, clock: FakeClock) -> None:
    source = build(fake, clock)
    await source.fetch_workflows()
    assert not (await source.perform("activate", "5", {})).ok
    assert not (await source.perform("activate", "../x", {})).ok
    assert fake.count("activate.json") == 0


def measure(n_campaigns: int, n_emails: int) -> tuple[int, int]:
    """Calls for a first (full) check and for a refresh within the token's life."""
    import asyncio

    clock = FakeClock()
    fake = FakeMarketo(clock=clock)
    for i in range(n_campaigns):
        fake.add_campaign(f"Campaign {i}", id=100_000 + i, active=i % 3 == 0, program=10 + i // 10)
    for i in range(n_emails):
        fake.add_email(f"Email {i}", program=10 + i, status="approved")
    source = build(fake, clock, expect_active=["Scoring - *"])

    async def run() -> tuple[int, int]:
        await source.fetch_workflows()
        full = source.calls
        source.reset_calls()
        clock.advance(300)
        fake.now += timedelta(minutes=5)
        await source.fetch_workflows()
        return full, source.calls

    return asyncio.run(run())


@pytest.mark.parametrize(("campaigns", "emails"), [(1_000, 250), (10_000, 2_500)])
def test_calls_per_check(campaigns: int, emails: int) -> None:
    full, refresh = measure(campaigns, emails)
    # the token, every page of campaigns (plus the end-warning call when N is a multiple of 200),
    # every page of emails, and stats/usage
    campaign_pages = math.ceil(campaigns / 200) + (campaigns % 200 == 0)
    email_pages = math.ceil(emails / 200) + (emails % 200 == 0)
    assert full == 1 + campaign_pages + email_pages + 1
    assert refresh == 3


def test_options_validation() -> None:
    with pytest.raises(ValueError, match="base_url"):
        MarketoOptions(base_url="123-ABC-456.mktorest.com", client_id="x")
    with pytest.raises(ValueError, match="base_url"):
        MarketoOptions(base_url="https://123-ABC-456.mktorest.com/rest", client_id="x")
    with pytest.raises(ValueError, match="max_calls_per_20s"):
        MarketoOptions(base_url=BASE_URL, client_id="x", max_calls_per_20s=500)
    with pytest.raises(ValueError, match="max_concurrency"):
        MarketoOptions(base_url=BASE_URL, client_id="x", max_concurrency=0)


async def test_secrets_stay_out_of_errors_and_health(fake: FakeMarketo, clock: FakeClock) -> None:
    from mopstui.core.redact import redact

    source = build(fake, clock)
    await source.fetch_workflows()
    token = source.tokens.current
    assert token and token not in redact(f"GET /x Authorization: Bearer {token} ?access_token={token}")
    source.tokens.invalidate()
    fake.fail_next("/identity/oauth/token", status=500, times=10, message=f"boom {CLIENT_SECRET}")
    with pytest.raises(UnreachableError) as info:
        await source.fetch_workflows()
    assert CLIENT_SECRET not in str(info.value) and "client_secret" not in str(info.value)
    assert CLIENT_SECRET not in source.health


async def test_through_the_cockpit_service(fake: FakeMarketo, clock: FakeClock) -> None:
    from mopstui.core.service import Cockpit, SourceHandle

    source = build(fake, clock, expect_active=["*Lead Routing*"])
    cockpit = Cockpit({NAME: SourceHandle(source)})
    [result] = await cockpit.refresh()
    assert result.status.state == "ok" and result.status.calls == 4
    assert result.status.health.startswith("API 1,203/50,000")
    assert {p.problem for p in result.problems} >= {"inactive", "invalid"}
    outcome = await cockpit.perform(NAME, "activate", "1")
    assert outcome.ok
    assert not [p for p in cockpit.results[NAME].problems if p.problem == "inactive"]
    fake.usage_today = fake.daily_quota
    fake.expire_tokens()  # a new token: a full listing, which meets the 607
    [result] = await cockpit.refresh()
    assert result.status.state == "error"
    assert result.status.error == f"{NAME}: daily API quota reached; resets at midnight US Central"
    await cockpit.aclose()
