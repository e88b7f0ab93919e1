"""The Salesforce source against a fake org at the transport: token, Bulk API 2.0 exports counted by
the file rules, reuse and renewal of an export, limits, setup changes, and every error in one line."""

from __future__ import annotations

import csv
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mopstui.adapters.files import FileOptions, FileSource
from mopstui.adapters.salesforce import SalesforceOptions
from mopstui.core.errors import AuthError, QuotaError, SourceError

from fakes.salesforce import (
    CLIENT_SECRET,
    LEAD_FIELDS,
    NOW,
    TODAY,
    FakeObject,
    FakeSalesforce,
    Wall,
    by_metric,
    make_source,
)

LEADS = [
    {"Id": "00Q1", "FirstName": "Ann", "LastName": "Lee", "Email": "ann@acme.com", "Country": "US",
     "LastActivityDate": "2026-11-01", "HasOptedOutOfEmail": "false"},
    {"Id": "00Q2", "FirstName": "Ann", "LastName": "Lee", "Email": " ANN@acme.com", "Country": "",
     "LastActivityDate": "2019-01-01", "HasOptedOutOfEmail": "true"},
    {"Id": "00Q3", "FirstName": "Mickey", "LastName": "Mouse", "Email": "info@gmail.com", "Country": "DE",
     "LastActivityDate": "", "HasOptedOutOfEmail": "false"},
    {"Id": "00Q4", "FirstName": "Bo", "LastName": "", "Email": "not-an-email", "Country": "FR",
     "LastActivityDate": "2026-10-10", "HasOptedOutOfEmail": "false"},
    {"Id": "00Q5", "FirstName": 'Quote "Q"', "LastName": "Comma, Inc", "Email": "q@example.com", "Country": "US",
     "LastActivityDate": "2026-12-01", "HasOptedOutOfEmail": "false"},
]  # fmt: skip


def make_fake(**kw: object) -> FakeSalesforce:
    return FakeSalesforce(objects={"Lead": FakeObject.of(LEAD_FIELDS, LEADS)}, **kw)  # type: ignore[arg-type]


async def file_counts(tmp_path: Path, rows: list[dict[str, str]], required: list[str]) -> dict[str, int]:
    """The counts a `file` source gives for the same rows written by hand as a CSV."""
    path = tmp_path / "by-hand.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=LEAD_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    source = FileSource("crm", FileOptions(path=str(path), required_fields=required), today=lambda: TODAY)
    return by_metric(await source.fetch_quality())


async def test_a_refresh_counts_the_export_with_the_file_rules(tmp_path: Path) -> None:
    fake = make_fake(duplicate_items_today=3)
    source = make_source(fake, tmp_path, required_fields=["email", "country"])
    metrics = await source.fetch_quality()
    counts = by_metric(metrics)
    expected = await file_counts(tmp_path, LEADS, ["email", "country"])
    assert {k.removeprefix("Lead · "): v for k, v in counts.items() if k.startswith("Lead · ")} == expected
    assert counts["Lead · duplicates"] == 1 and counts["Lead · missing:country"] == 1
    assert "Lead · unsubscribed_marketable" not in counts  # Salesforce has no "marketable" field: rule left out
    assert counts["duplicate_rule_hits"] == 3
    labels = {m.metric: m.label for m in metrics}
    assert labels["Lead · duplicates"] == "Lead · Duplicate emails"
    # The SOQL asks for the fields the rules need, found through describe, nothing else.
    [job] = fake.jobs.values()
    assert job.fields == ["Email", "Country", "FirstName", "LastName", "LastActivityDate", "HasOptedOutOfEmail"]
    export = tmp_path / "cache" / "salesforce" / "sfdc" / "Lead.csv"
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    assert [p.name for p in export.parent.iterdir()] == ["Lead.csv"]  # no .part left behind
    assert len(fake.tokens) == 1  # one token for every call


async def test_pages_are_joined_by_sforce_locator_with_one_header(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mopstui.adapters.salesforce import bulk

    monkeypatch.setattr(bulk, "PAGE_RECORDS", 2)
    fake = make_fake()
    source = make_source(fake, tmp_path)
    metrics = await source.fetch_quality()
    pages = fake.calls("GET", r"/jobs/query/\w+/results")
    assert len(pages) == 3  # 2 + 2 + 1 records; the last answers Sforce-Locator: null
    assert [p.url.params.get("locator") for p in pages] == [None, "2", "4"]
    assert next(m.total for m in metrics if m.metric == "Lead · duplicates") == 5
    lines = (tmp_path / "cache" / "salesforce" / "sfdc" / "Lead.csv").read_text().splitlines()
    assert len(lines) == 6 and lines[0].startswith('"Email"')


async def test_the_export_is_reused_until_it_is_export_every_hours_old(tmp_path: Path) -> None:
    fake = make_fake()
    wall = Wall()
    source = make_source(fake, tmp_path, wall, export_every_hours=6.0)
    first = by_metric(await source.fetch_quality())
    export = tmp_path / "cache" / "salesforce" / "sfdc" / "Lead.csv"
    import os

    os.utime(export, (NOW.timestamp(), NOW.timestamp()))
    wall.now = NOW + timedelta(hours=5)
    assert by_metric(await source.fetch_quality()) == first
    assert len(fake.jobs) == 1
    assert "Lead 5 rows, exported 5 h ago" in source.health
    # Past the age: a new job. While it runs the status says so and the last counts stay.
    wall.now = NOW + timedelta(hours=7)
    fake.polls_queued, fake.polls_running = 1, 100
    LEADS_MORE = [*LEADS, {"Id": "00Q6", "Email": "ann@acme.com", "Country": "US"}]
    fake.objects["Lead"] = FakeObject.of(LEAD_FIELDS, LEADS_MORE)
    during = by_metric(await source.fetch_quality())
    assert len(fake.jobs) == 2 and during == first
    assert "Lead export in progress (3 rows so far)" in source.health
    assert "showing the last export's 5 rows" in source.health
    fake.polls_running = 0
    after = by_metric(await source.fetch_quality())
    assert after["Lead · duplicates"] == 2  # the new export replaced the old one
    assert sorted(p.name for p in export.parent.iterdir()) == ["Lead.csv"]


async def test_a_queued_job_is_shown_as_queued(tmp_path: Path) -> None:
    fake = make_fake(polls_queued=100)
    source = make_source(fake, tmp_path)
    metrics = await source.fetch_quality()
    assert by_metric(metrics) == {"duplicate_rule_hits": 0}  # nothing exported yet
    assert "Lead export queued" in source.health
    assert len(fake.calls("GET", r"/jobs/query/\w+$")) == 5  # polls per refresh, 2 s apart


async def test_an_expired_token_is_renewed_once(tmp_path: Path) -> None:
    fake = make_fake()
    source = make_source(fake, tmp_path)
    await source.fetch_workflows()
    fake.expire_tokens()
    await source.fetch_workflows()
    assert len(fake.calls("POST", "/services/oauth2/token")) == 2
    # A token refused again right after renewal is reported, not retried for ever.
    fake.sessions_valid = False
    with pytest.raises(AuthError, match=r"^sfdc: Salesforce says the session is invalid \(INVALID_SESSION_ID\)"):
        await source.fetch_workflows()
    assert len(fake.calls("POST", "/services/oauth2/token")) == 3  # one renewal for that call, no more


async def test_a_wrong_secret_is_one_line_naming_the_fix(tmp_path: Path) -> None:
    fake = make_fake(client_secret="another")
    source = make_source(fake, tmp_path)
    with pytest.raises(AuthError) as caught:
        await source.fetch_quality()
    message = str(caught.value)
    assert "invalid_client: invalid client credentials" in message
    assert "mopstui auth set sfdc client_secret" in message and "\n" not in message
    assert CLIENT_SECRET not in message


async def test_request_limit_exceeded_stops_calls(tmp_path: Path) -> None:
    fake = make_fake(limit_exceeded=True)
    source = make_source(fake, tmp_path)
    with pytest.raises(QuotaError, match=r"REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded\."):
        await source.fetch_workflows()
    sent = len(fake.log)
    with pytest.raises(QuotaError):
        await source.fetch_quality()
    assert len(fake.log) == sent  # every refused call would count against the limit too


@pytest.mark.parametrize("abort", [False, True])
async def test_a_failed_job_reports_its_error_message(tmp_path: Path, abort: bool) -> None:
    fake = make_fake(fail_with="Query timed out after 10 retries", abort=abort)
    source = make_source(fake, tmp_path)
    with pytest.raises(SourceError) as caught:
        await source.fetch_quality()
    state = "aborted" if abort else "failed"
    assert str(caught.value).startswith(
        f"sfdc: the Bulk API query job 750fake00000001 for Lead {state}: Query timed out"
    )
    fake.fail_with = ""
    await source.fetch_quality()  # the next refresh starts a new job
    assert len(fake.jobs) == 2


async def test_a_mapped_field_the_object_lacks_is_named_with_its_fields(tmp_path: Path) -> None:
    fake = make_fake()
    source = make_source(fake, tmp_path, columns={"country": "Region__c"}, required_fields=["email", "country"])
    with pytest.raises(SourceError) as caught:
        await source.fetch_quality()
    message = str(caught.value)
    assert message.startswith("sfdc: Lead has no field 'Region__c' (mapped from columns.country); its fields are ")
    assert "Company, Country, CreatedDate, Email" in message
    assert not fake.jobs  # no job was started


async def test_an_unknown_object_is_one_line(tmp_path: Path) -> None:
    source = make_source(make_fake(), tmp_path, objects=["Leed"])
    with pytest.raises(SourceError, match=r"^sfdc: Salesforce has no object 'Leed'"):
        await source.fetch_quality()


@pytest.mark.parametrize(
    ("remaining", "severity"), [(14_000, None), (2_400, "warning"), (600, "critical")]
)  # of 15,000
async def test_daily_api_requests_become_a_problem_when_they_bite(
    tmp_path: Path, remaining: int, severity: str | None
) -> None:
    fake = make_fake(api_remaining=remaining)
    source = make_source(fake, tmp_path)
    scan = await source.fetch_workflows()
    limits = [p for p in scan.problems if p.problem == "api-limit"]
    used = 15_000 - remaining
    assert f"API {100 * used / 15_000:.0f}% of daily requests used ({used:,} of 15,000)" in source.health
    if severity is None:
        assert limits == []
    else:
        [problem] = limits
        assert problem.severity == severity and "the MAP's sync stops when they run out" in problem.detail


async def test_setup_changes_of_the_last_day_are_info_problems(tmp_path: Path) -> None:
    fake = make_fake(
        audit_rows=[
            {
                "Id": "0Ym1",
                "Action": "changedValidationFormula",
                "Section": "Validation Rules",
                "Display": "Changed Lead validation formula Require_Country \x1b]52;c;evil\x07",
                "CreatedDate": "2026-12-03T07:15:00.000+0000",
                "CreatedBy": {"attributes": {"type": "User"}, "Name": "Ann Admin"},
            },
            {
                "Id": "0Ym2",
                "Action": "PermSetAssign",
                "Section": "Manage Users",
                "Display": "Permission set Marketing Sync: assigned to user Sync User",
                "CreatedDate": "2026-12-02T23:01:00.000+0000",
                "CreatedBy": {"Name": "Bob Ops"},
            },
        ]
    )
    source = make_source(fake, tmp_path)
    scan = await source.fetch_workflows()
    changes = [p for p in scan.problems if p.problem == "setup-change"]
    assert [(p.severity, p.name) for p in changes] == [
        ("info", "Validation Rules changed by Ann Admin"),
        ("info", "Manage Users changed by Bob Ops"),
    ]
    assert changes[0].detail.startswith("Ann Admin: Changed Lead validation formula Require_Country ")
    assert "\x1b" not in changes[0].detail and "\x07" not in changes[0].detail
    assert changes[0].since == datetime(2026, 12, 3, 7, 15, tzinfo=UTC)
    [query] = [r for r in fake.calls("GET", "/query/") if "SetupAuditTrail" in r.url.params["q"]]
    assert "CreatedDate >= 2026-12-02T09:00:00Z" in query.url.params["q"]


async def test_drilldown_reads_the_export(tmp_path: Path) -> None:
    source = make_source(make_fake(), tmp_path)
    await source.fetch_quality()
    names, rows = await source.sample_rows("Lead · duplicates")
    assert rows and rows[0][names.index("Email")] == " ANN@acme.com"
    with pytest.raises(SourceError, match="no exported rows"):
        await source.sample_rows("Contact · duplicates")


def test_options_are_checked_in_one_line() -> None:
    with pytest.raises(ValueError, match="instance_url"):
        SalesforceOptions(instance_url="acme.my.salesforce.com", client_id="x")
    with pytest.raises(ValueError, match="api_version"):
        SalesforceOptions(instance_url="https://a.my.salesforce.com", client_id="x", api_version="62")
    with pytest.raises(ValueError, match="columns.colour"):
        SalesforceOptions(instance_url="https://a.my.salesforce.com", client_id="x", columns={"colour": "X"})


async def test_a_hostile_error_message_reaches_no_terminal_raw(tmp_path: Path) -> None:
    fake = make_fake(fail_with="bad\x1b]0;pwned\x07 query\nsecond line")
    source = make_source(fake, tmp_path)
    with pytest.raises(SourceError) as caught:
        await source.fetch_quality()
    message = str(caught.value)
    assert "\x1b" not in message and "\x07" not in message and "\n" not in message
    assert "pwned" in message  # shown, but harmless
