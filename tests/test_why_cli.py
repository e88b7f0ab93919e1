"""`mopstui why SOURCE CAMPAIGN_ID [--format json]`: text and json, exit 0 / 1, one-line errors."""

from __future__ import annotations

import json

import pytest

from mopstui.adapters.http import client as http_client
from mopstui.adapters.marketo import bulk
from mopstui.cli import main

from fakes.marketo import BASE_URL, CLIENT_ID, CLIENT_SECRET, FakeMarketo
from fakes.marketo_contract import swagger_contract  # noqa: F401  (autouse: each request against Adobe's Swagger)


def why(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["why", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_vps_campaign_is_blocked_exit_1_failing_checks_first(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = why(capsys, "--demo", "demo", "1007")
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines[0] == "VP Launch - Announcement Send (trigger 1007 on demo): blocked"
    assert lines[1].startswith("  ✖ Email 'Atlas Launch - VP Letter'") and "[fix: Approve the draft" in lines[1]
    assert lines[2].startswith("  ✖ Email program 'VP Launch - Atlas Announcement' is not approved")
    assert lines[3] == "  ✓ The trigger campaign is active."
    assert any("reaches 160 people: 8% of the 2,000 in the database" in line for line in lines)


def test_json_names_every_check_and_the_audience(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = why(capsys, "--demo", "demo", "1008", "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["blocked"] is True and doc["id"] == "1008"
    assert doc["audience"] == {
        "people": 1940,
        "database": 2000,
        "percent": 97.0,
        "how": "the demo's smart list",
        "error": "",
    }
    states = {c["check"]: c["state"] for c in doc["checks"]}
    assert states["audience"] == "fail" and states["person-limit"] == "fail" and states["campaign"] == "fail"
    assert doc["checks"][0]["fix"] == {
        "action": "schedule",
        "target": "1008",
        "label": "Schedule the batch campaign to run (Marketo waits at least five minutes)",
    }
    assert [c["ok"] for c in doc["checks"] if c["state"] == "fail"] == [
        False
    ] * 4  # campaign, a draft, person limit, audience


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("nope", "1"), "mopstui: why: no source named 'nope' (configured: demo)\n"),
        (("demo", "999999"), "mopstui: why: demo: no campaign 999999 in the demo workspace\n"),
    ],
)
def test_unknown_source_or_campaign_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], argv, message) -> None:  # type: ignore[no-untyped-def]
    code, out, err = why(capsys, "--demo", *argv)
    assert (code, out, err) == (2, "", message)


@pytest.fixture
def marketo(monkeypatch: pytest.MonkeyPatch, memory_keyring, write_config):  # type: ignore[no-untyped-def]
    fake = FakeMarketo()
    fake.add_program("Scoring", id=7002, type="Default")
    fake.add_campaign("Scoring - Web", id=1400, program=7002)
    fake.add_email("Score Alert", program=7002, id=2201)
    fake.list_people[6400] = 1200
    memory_keyring.set_password("mopstui", "marketo-prod.client_secret", CLIENT_SECRET)
    monkeypatch.setattr(http_client, "transport_factory", lambda source: fake.transport())
    monkeypatch.setattr(bulk, "POLL_SECONDS", 0.0)  # Adobe's once-a-minute status, without the wait
    path = write_config(
        f'[sources.marketo-prod]\nkind = "marketo"\nbase_url = "{BASE_URL}"\nclient_id = "{CLIENT_ID}"\n'
        "database_size = 79000\n"
    )
    return fake, path


def test_a_campaign_nothing_blocks_exits_0_on_marketo(capsys: pytest.CaptureFixture[str], marketo) -> None:  # type: ignore[no-untyped-def]
    fake, path = marketo
    code, out, err = why(capsys, "--config", str(path), "marketo-prod", "1400")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "Scoring - Web (trigger 1400 on marketo-prod): nothing blocks it"
    assert "✖" not in out and "reaches 1,200 people: 2% of the 79,000 in the database" in out
    # token, campaign, program, emails; create, enqueue, three status polls; no file download
    assert "(9 API calls)" in out and fake.count("/file.json") == 0
    assert fake.count("/activate.json") + fake.count("approve") + fake.count("schedule") == 0  # read-only


def test_an_audience_guard_percent_out_of_range_is_a_config_error(
    capsys: pytest.CaptureFixture[str], write_config
) -> None:  # type: ignore[no-untyped-def]
    path = write_config('audience_guard_percent = 250\n[sources.demo]\nkind = "demo"\n')
    code, out, err = why(capsys, "--config", str(path), "demo", "1007")
    assert code == 2 and "audience_guard_percent: expected a percentage, 0 to 100, got 250" in err
