"""Marketo's pure parts: dates, the envelope classifier, the problem rules, config loading."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from mopstui.adapters.http import Transient
from mopstui.adapters.marketo import MarketoOptions, MarketoSource
from mopstui.adapters.marketo.campaigns import matching_pattern, scan_campaigns
from mopstui.adapters.marketo.dates import format_marketo_date, next_quota_reset, parse_marketo_date
from mopstui.adapters.marketo.envelope import MarketoRefused, TokenRejected, make_classifier, no_assets
from mopstui.config import load_config
from mopstui.core.errors import BadAnswerError, ConfigError, NotFoundError, QuotaError

UTC = UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-09-10T23:16:19Z+0000", datetime(2016, 9, 10, 23, 16, 19, tzinfo=UTC)),
        ("2015-08-24T20:17:23Z", datetime(2015, 8, 24, 20, 17, 23, tzinfo=UTC)),
        ("2018-03-28T18:05:00+0000", datetime(2018, 3, 28, 18, 5, tzinfo=UTC)),
        ("2016-09-15T15:53:00+05:00", datetime(2016, 9, 15, 10, 53, tzinfo=UTC)),
        ("not a date", None),
        (None, None),
        ("", None),
    ],
)
def test_marketo_dates(text: Any, expected: datetime | None) -> None:
    assert parse_marketo_date(text) == expected


def test_date_round_trip_for_queries() -> None:
    assert format_marketo_date(datetime(2016, 9, 10, 23, 15, tzinfo=UTC)) == "2016-09-10T23:15:00Z"


def test_quota_resets_at_midnight_central_in_winter_and_summer() -> None:
    assert next_quota_reset(datetime(2026, 1, 15, 5, 59, tzinfo=UTC)) == datetime(2026, 1, 15, 6, 0, tzinfo=UTC)
    assert next_quota_reset(datetime(2026, 1, 15, 6, 0, tzinfo=UTC)) == datetime(2026, 1, 16, 6, 0, tzinfo=UTC)
    assert next_quota_reset(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == datetime(2026, 7, 2, 5, 0, tzinfo=UTC)


def answer(body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(
        200, json=body, request=httpx.Request("GET", "https://x.mktorest.com/rest/asset/v1/smartCampaigns.json")
    )


def failure(code: str, message: str = "m") -> dict[str, Any]:
    return {"requestId": "1#2", "success": False, "errors": [{"code": code, "message": message}]}


def test_classifier_passes_success_and_refuses_the_rest() -> None:
    classify = make_classifier("mk")
    ok = {"success": True, "result": []}
    classify(answer(ok), ok)
    with pytest.raises(TokenRejected):
        classify(answer(failure("602")), failure("602"))
    with pytest.raises(QuotaError, match="resets at midnight US Central"):
        classify(answer(failure("607")), failure("607"))
    with pytest.raises(NotFoundError):
        classify(answer(failure("610")), failure("610"))
    with pytest.raises(MarketoRefused) as info:
        classify(answer(failure("709", "Campaign has no flow steps")), failure("709", "Campaign has no flow steps"))
    assert info.value.code == "709" and info.value.reason == "Campaign has no flow steps"
    with pytest.raises(BadAnswerError):
        classify(answer({"result": []}), {"result": []})
    with pytest.raises(BadAnswerError):
        classify(answer({"success": False, "errors": []}), {"success": False, "errors": []})


@pytest.mark.parametrize("code", ["502", "604", "606", "608", "611", "615", "713"])
def test_classifier_marks_adobes_transient_codes(code: str) -> None:
    with pytest.raises(Transient) as info:
        make_classifier("mk")(answer(failure(code)), failure(code))
    assert info.value.slow_down is (code in ("606", "615"))
    assert info.value.max_retries == (1 if code == "611" else None)


def test_no_assets_warning() -> None:
    assert no_assets({"success": True, "warnings": ["No assets found for the given search criteria."]})
    assert not no_assets({"success": True, "warnings": []})


def campaign(
    cid: int,
    name: str,
    *,
    type: str = "trigger",
    active: bool = True,
    status: str = "Active",
    program: int | None = None,
) -> dict[str, Any]:
    c: dict[str, Any] = {
        "id": cid,
        "name": name,
        "type": type,
        "isActive": active,
        "status": status,
        "updatedAt": "2026-02-01T10:00:00Z+0000",
        "computedUrl": f"https://app.marketo.com/#SC{cid}A1",
    }
    if program is not None:
        c["parentProgramId"] = program
    return c


def email(eid: int, name: str, program: int, status: str = "draft", folder_key: str = "value") -> dict[str, Any]:
    return {
        "id": eid,
        "name": name,
        "status": status,
        "folder": {"type": "Program", folder_key: program, "folderName": f"P{program}"},
    }


def test_expect_active_patterns_are_shell_style_and_case_insensitive() -> None:
    assert matching_pattern("US - Lead Routing - Inbound", ["*lead routing*"]) == "*lead routing*"
    assert matching_pattern("Scoring - Demographic", ["*Lead Routing*", "Scoring - *"]) == "Scoring - *"
    assert matching_pattern("Lead Scoring", ["Scoring - *"]) is None


def test_inactive_only_for_inactive_triggers_matching_expect_active() -> None:
    scan = scan_campaigns(
        "mk",
        [
            campaign(1, "Lead Routing", active=False, status="Inactive"),
            campaign(2, "Lead Routing EMEA", active=True),
            campaign(3, "Random trigger", active=False, status="Inactive"),
            campaign(4, "Lead Routing batch", type="batch", active=False, status="Never Run"),
        ],
        [],
        ["Lead Routing*"],
    )
    assert [(p.id, p.problem, p.severity, p.actions) for p in scan.problems] == [
        ("1", "inactive", "critical", ("activate",))
    ]
    assert "expect_active 'Lead Routing*'" in scan.problems[0].detail
    # every trigger campaign is reported for the core memory rule, batch campaigns are not
    assert sorted(s.id for s in scan.states) == ["1", "2", "3"]
    assert next(s for s in scan.states if s.id == "3").actions == ("activate",)


def test_invalid_is_critical_whatever_the_type_and_wins_over_inactive() -> None:
    scan = scan_campaigns(
        "mk",
        [
            campaign(1, "Broken batch", type="batch", active=False, status="Invalid"),
            campaign(2, "Lead Routing", active=False, status="Invalid"),
        ],
        [],
        ["Lead Routing"],
    )
    assert [(p.id, p.problem, p.kind) for p in scan.problems] == [
        ("1", "invalid", "batch"),
        ("2", "invalid", "trigger"),
    ]


def test_unapproved_asset_needs_a_draft_only_email_and_an_active_trigger_in_the_program() -> None:
    scan = scan_campaigns(
        "mk",
        [
            campaign(1, "Webinar - Send confirmation", program=10),
            campaign(2, "Webinar - Reminder", program=10),
            campaign(3, "Nurture - inactive", active=False, status="Inactive", program=20),
            campaign(4, "Batch blast", type="batch", active=False, status="Never Run", program=30),
            campaign(5, "Approved program", program=40),
        ],
        [
            email(100, "Confirmation", 10),
            email(101, "Reminder", 10, folder_key="id"),
            email(102, "Nurture 1", 20),
            email(103, "Blast", 30),
            email(104, "Approved", 40, status="approved"),
        ],
        [],
    )
    problems = [(p.id, p.problem, p.severity, p.program) for p in scan.problems]
    assert problems == [("2", "unapproved-asset", "warning", "P10")]  # one per program, first by name
    assert "'Confirmation', 'Reminder'" in scan.problems[0].detail


def test_marketo_config_through_the_strict_loader(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[sources.marketo-prod]\nkind = "marketo"\nbase_url = "https://123-ABC-456.mktorest.com"\n'
        'client_id = "abc"\nexpect_active = ["*Lead Routing*", "Scoring - *"]\nmax_calls_per_20s = 50\nmax_concurrency = 5\n',
        encoding="utf-8",
    )
    config = load_config(path)
    source_config = config.source("marketo-prod")
    assert source_config.cls is MarketoSource
    assert source_config.options == MarketoOptions(
        "https://123-ABC-456.mktorest.com", "abc", ["*Lead Routing*", "Scoring - *"]
    )
    assert MarketoSource.secret_fields == ("client_secret",)
    path.write_text(
        '[sources.m]\nkind = "marketo"\nbase_url = "https://x.mktorest.com"\nclient_id = "a"\nclient_secret = "no"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="client_secret"):
        load_config(path)
    path.write_text(
        '[sources.m]\nkind = "marketo"\nbase_url = "https://x.mktorest.com"\nclient_id = "a"\nmax_concurrency = 20\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="max_concurrency"):
        load_config(path)
