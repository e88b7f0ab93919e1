"""Salesforce in the set-up and the checks: `init` offers it, `auth status`, the sources view and
`check` show it, all against the fake org at the transport (the cockpit builds the source itself)."""

from __future__ import annotations

import io
import json
import sys
import tomllib

import pytest

from mopstui.adapters.http import client as http_client
from mopstui.cli import main
from mopstui.config import load_config
from mopstui.tui.app import MopsApp
from mopstui.tui.screens.sources import SourcesScreen, source_rows

from fakes.salesforce import CLIENT_ID, CLIENT_SECRET, LEAD_FIELDS, FakeObject, FakeSalesforce, synthetic_lead

CONFIG = f"""
[sources.sfdc]
kind = "salesforce"
instance_url = "https://acme.my.salesforce.com"
client_id = "{CLIENT_ID}"
objects = ["Lead"]
"""


@pytest.fixture
def org(monkeypatch: pytest.MonkeyPatch) -> FakeSalesforce:
    fake = FakeSalesforce(objects={"Lead": FakeObject(LEAD_FIELDS, 500, synthetic_lead)}, duplicate_items_today=4)
    transport = fake.transport()
    monkeypatch.setattr(http_client, "transport_factory", lambda source: transport)
    return fake


def run(capsys, monkeypatch, argv: list[str], stdin: str = "") -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_init_offers_salesforce_and_checks_the_connection(capsys, monkeypatch, config_dir, org) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MOPSTUI_SFDC_CLIENT_SECRET", CLIENT_SECRET)
    code, out, err = run(
        capsys,
        monkeypatch,
        [
            "init",
            "--non-interactive",
            "--source",
            "sfdc:salesforce",
            "--set",
            "sfdc.instance_url=https://acme.my.salesforce.com",
            "--set",
            f"sfdc.client_id={CLIENT_ID}",
        ],
    )
    config = tomllib.loads((config_dir / "config.toml").read_text(encoding="utf-8"))
    assert config["sources"]["sfdc"] == {
        "kind": "salesforce",
        "instance_url": "https://acme.my.salesforce.com",
        "client_id": CLIENT_ID,
    }
    assert "sfdc client_secret: from env (MOPSTUI_SFDC_CLIENT_SECRET)" in out
    assert "ok      sfdc" in out and "API 7% of daily requests used" in out and code == 0
    assert CLIENT_SECRET not in out + err


def test_the_wizard_lists_salesforce(capsys, monkeypatch, config_dir) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, monkeypatch, ["init"], stdin="")
    [prompt] = [line for line in (out + err).splitlines() if line.startswith("Which platforms")]
    assert "salesforce" in prompt.split("from:", 1)[1]


def test_auth_status_shows_the_client_secret(capsys, monkeypatch, write_config, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    write_config(CONFIG)
    code, out, err = run(capsys, monkeypatch, ["auth", "status"])
    assert code == 0
    assert "mopstui auth set sfdc client_secret" in out
    memory_keyring.set_password("mopstui", "sfdc.client_secret", CLIENT_SECRET)
    from mopstui import credentials

    credentials.forget()
    code, out, err = run(capsys, monkeypatch, ["auth", "status"])
    rows = {tuple(line.split()[:2]): line.split()[2] for line in out.splitlines()[1:] if line.strip()}
    assert rows[("sfdc", "client_secret")] == "keyring"
    assert CLIENT_SECRET not in out + err


def test_check_includes_salesforce(capsys, monkeypatch, write_config, org) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MOPSTUI_SFDC_CLIENT_SECRET", CLIENT_SECRET)
    path = write_config(CONFIG)
    code, out, err = run(capsys, monkeypatch, ["check", "--config", str(path), "--format", "json"])
    data = json.loads(out)
    [source] = data["sources"]
    assert source["name"] == "sfdc" and source["kind"] == "salesforce" and source["ok"] is True
    metrics = {q["metric"]: q["count"] for q in data["quality"]}
    assert metrics["duplicate_rule_hits"] == 4 and "Lead · duplicates" in metrics and "Lead · invalid_email" in metrics
    assert CLIENT_SECRET not in out + err


async def test_the_sources_view_shows_the_credential_and_the_export(
    monkeypatch, write_config, memory_keyring, org
) -> None:  # type: ignore[no-untyped-def]
    memory_keyring.set_password("mopstui", "sfdc.client_secret", CLIENT_SECRET)
    app = MopsApp(load_config(write_config(CONFIG)))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if all(s.state in ("ok", "error") for s in app.cockpit.statuses):
                break
        [row] = source_rows(app.cockpit)
        assert row.state == "ok" and row.secrets == "client_secret: keyring"
        assert "Lead 500 rows, exported 0 h ago" in row.health and "API 7% of daily requests used" in row.health
        await pilot.press("S")
        assert isinstance(app.screen, SourcesScreen)
