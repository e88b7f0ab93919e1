"""The Swagger checker itself: it passes the calls Adobe describes and flags the ones it does not."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from fakes.clock import FakeClock
from fakes.marketo import BASE_URL, CLIENT_ID, CLIENT_SECRET, FakeMarketo
from fakes.marketo_contract import LEDGER, find_operation, swagger_contract, violations  # noqa: F401  (autouse)


def request(method: str, path: str, params: dict[str, Any] | None = None, **kw: Any) -> httpx.Request:
    return httpx.Request(method, BASE_URL + path, params=params, **kw)


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("GET", "/identity/oauth/token", {"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"}),
        (
            "GET",
            "/rest/asset/v1/smartCampaigns.json",
            {"maxReturn": 200, "offset": 400, "earliestUpdatedAt": "2026-03-02T13:55:00Z"},
        ),
        ("GET", "/rest/asset/v1/smartCampaigns.json", {"isActive": "true"}),
        ("GET", "/rest/asset/v1/emails.json", {"maxReturn": 200, "offset": 0, "status": "approved"}),
        ("GET", "/rest/asset/v1/smartCampaign/1.json", None),
        ("GET", "/rest/asset/v1/smartCampaign/1/smartList.json", {"includeRules": "true"}),
        ("POST", "/rest/asset/v1/smartCampaign/1/activate.json", None),
        ("POST", "/rest/asset/v1/smartCampaign/1/deactivate.json", None),
        ("GET", "/rest/v1/stats/usage.json", None),
    ],
)
def test_the_calls_the_adapter_makes_are_in_the_swagger(method: str, path: str, params: dict[str, Any] | None) -> None:
    assert violations(request(method, path, params)) == []


def test_literal_paths_win_over_templates() -> None:
    found = find_operation("GET", "/rest/asset/v1/smartCampaign/byName.json")
    assert found is not None and found[0].template == "/rest/asset/v1/smartCampaign/byName.json"


@pytest.mark.parametrize(
    ("method", "path", "params", "expected"),
    [
        ("GET", "/rest/asset/v1/smartCampaign.json", None, "no such operation"),
        ("DELETE", "/rest/asset/v1/smartCampaigns.json", None, "no such operation"),
        ("GET", "/rest/asset/v1/smartCampaigns.json", {"access_token": "x"}, "unknown query parameter 'access_token'"),
        ("GET", "/rest/asset/v1/smartCampaigns.json", {"maxReturn": "all"}, "maxReturn='all' is not an int32"),
        ("GET", "/rest/asset/v1/smartCampaigns.json", {"offset": 2**31}, "is not an int32"),
        ("GET", "/rest/asset/v1/smartCampaigns.json", {"isActive": "yes"}, "is not a boolean"),
        (
            "GET",
            "/rest/asset/v1/smartCampaigns.json",
            {"earliestUpdatedAt": "yesterday"},
            "is not an ISO-8601 date-time",
        ),
        ("GET", "/rest/asset/v1/smartCampaigns.json", [("offset", "0"), ("offset", "200")], "given 2 times"),
        ("GET", "/rest/asset/v1/emails.json", {"status": "pending"}, "is not one of ['approved', 'draft']"),
        ("GET", "/rest/asset/v1/smartCampaign/abc.json", None, "id='abc' is not an int32"),
        ("GET", "/rest/asset/v1/smartCampaign/1/smartList.json", {"includeRules": "yes"}, "is not a boolean"),
        (
            "GET",
            "/identity/oauth/token",
            {"client_id": "a", "client_secret": "b"},
            "required query parameter 'grant_type' missing",
        ),
    ],
)
def test_off_contract_requests_are_flagged(method: str, path: str, params: Any, expected: str) -> None:
    found = violations(request(method, path, params))
    assert found and any(expected in v for v in found), found


def test_bodies_are_checked_against_the_body_schema() -> None:
    schedule = "/rest/v1/campaigns/1001/schedule.json"
    assert violations(request("POST", schedule, json={"input": {"runAt": "2026-03-03T09:00:00Z"}})) == []
    [bad] = violations(request("POST", schedule, json={"input": "tomorrow"}))
    assert "body input: 'tomorrow' is not of type 'object'" in bad
    [late] = violations(request("POST", schedule, json={"input": {"runAt": "tomorrow"}}))
    assert "is not a 'date-time'" in late
    [form] = violations(request("POST", schedule, data={"input": "{}"}))
    assert "consumes ['application/json']" in form


def test_form_bodies_are_typed_by_the_schema_and_checked() -> None:
    fields = {
        "name": "Welcome",
        "folder": json.dumps({"id": 12, "type": "Program"}),
        "template": "24",
        "subject": "Hi",
        "fromName": "Acme",
        "fromEmail": "a@acme.com",
        "replyEmail": "a@acme.com",
    }
    assert violations(request("POST", "/rest/asset/v1/emails.json", data=fields)) == []
    found = violations(
        request(
            "POST",
            "/rest/asset/v1/emails.json",
            data={**fields, "template": "twenty-four", "folder": json.dumps({"id": 12, "type": "Shelf"})},
        )
    )
    assert any("body folder/type: 'Shelf' is not one of ['Folder', 'Program']" in v for v in found), found
    assert any("body template: 'twenty-four' is not of type 'integer'" in v for v in found), found
    missing = violations(request("POST", "/rest/asset/v1/emails.json", data={"name": "x"}))
    assert any("'folder' is a required property" in v for v in missing), missing


def test_a_body_where_the_operation_takes_none_is_flagged() -> None:
    [found] = violations(request("POST", "/rest/asset/v1/smartCampaign/1/activate.json", json={"force": True}))
    assert "where the operation takes none" in found


async def test_the_fake_records_what_the_adapter_would_be_failed_for() -> None:
    fake = FakeMarketo(clock=FakeClock())
    async with httpx.AsyncClient(transport=fake.transport(), base_url=BASE_URL) as client:
        token = (
            await client.get(
                "/identity/oauth/token",
                params={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
            )
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        await client.get("/rest/asset/v1/smartCampaigns.json", params={"maxReturn": 200}, headers=headers)
        assert LEDGER.pending == []
        await client.get("/rest/asset/v1/smartCampaigns.json", params={"limit": 200}, headers=headers)
    [flagged] = LEDGER.take()  # taken here, or this test would fail at teardown
    assert "GET /rest/asset/v1/smartCampaigns.json" in flagged and "unknown query parameter 'limit'" in flagged
