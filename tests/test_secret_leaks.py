"""The planted-secret scan: plant known secrets, run the commands and a cockpit refresh and action
against sources that are refused, then look for the secrets in everything printed or written."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import sys
from pathlib import Path

import httpx
import pytest

from mopstui import adapters, runtime
from mopstui.adapters.http import client as http_client
from mopstui.cli import main
from mopstui.config import load_config

from fakes.secret_source import KIND, TARGET

CRM_KEY = "planted-crm-key-4c0ffee"
JIRA_TOKEN = "planted-jira-token-7beef"
WEBHOOK = "https://hooks.slack.com/services/T000/B000/planted-hook-9dead"
EMAIL = "ops@acme.example"

CONFIG = f"""
[notify]
max_items = 3

[sources.crm]
kind = "vault-test"
base_url = "https://crm.invalid"

[sources.jira]
kind = "jira"
base_url = "https://acme.atlassian.invalid"
email = "{EMAIL}"
jql = "project = MOPS"

[sources.demo]
kind = "demo"
"""


def forms(secret: str) -> list[str]:
    """The secret as it could leak: verbatim, and inside HTTP Basic credentials."""
    basic = base64.b64encode(f"{EMAIL}:{secret}".encode()).decode()
    return [secret, basic]


PLANTED = [*forms(CRM_KEY), *forms(JIRA_TOKEN), WEBHOOK, "planted-hook-9dead"]


def hostile_jira(request: httpx.Request) -> httpx.Response:
    """A platform that refuses and quotes back everything it was sent."""
    body = {"errorMessages": [f"bad credentials {request.headers.get('authorization')} for {request.url}"]}
    return httpx.Response(401, json=body, request=request)


@pytest.fixture
def planted(monkeypatch, memory_keyring, write_config) -> Path:
    monkeypatch.setitem(adapters.BUILTIN_KINDS, KIND, TARGET)
    monkeypatch.setattr(http_client, "transport_factory", lambda source: httpx.MockTransport(hostile_jira))
    memory_keyring.set_password("mopstui", "crm.api_key", CRM_KEY)
    memory_keyring.set_password("mopstui", "jira.api_token", JIRA_TOKEN)
    monkeypatch.setenv("MOPSTUI_NOTIFY_SLACK_WEBHOOK", WEBHOOK)
    return write_config(CONFIG)


def assert_clean(text: str, where: str) -> None:
    for secret in PLANTED:
        assert secret not in text, f"a planted secret leaked into {where}"


def test_no_planted_secret_in_output_or_anything_written(planted, capsys, monkeypatch, isolated_home):
    printed = []
    for argv in (
        ["auth", "status"],
        ["config", "check"],
        ["config", "path"],
        ["check", "--format", "json"],
        ["check"],
        ["auth", "delete", "nobody", "nothing"],
    ):
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        main(argv)
        out, err = capsys.readouterr()
        printed.append((argv, out + err))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    main(["init", "--non-interactive", "--add", "--source", "demo-2:demo"])
    out, err = capsys.readouterr()
    printed.append((["init"], out + err))
    assert "FAILED  crm" in out and "FAILED  jira" in out  # the refusals really happened

    config = load_config(planted)

    async def cockpit_morning() -> list[str]:
        cockpit = await runtime.build_cockpit_async(config)
        try:
            results = await cockpit.refresh()
            outcomes = [
                await cockpit.perform("crm", "activate", "campaign-1"),
                await cockpit.perform("jira", "take", "MOPS-1"),
            ]
        finally:
            await cockpit.aclose()
        errors = {r.name: r.status.error for r in results}
        assert errors["crm"] and errors["jira"] and not errors["demo"]
        return [repr(r.status) for r in results] + [repr(o) for o in outcomes] + [cockpit.summary()]

    seen = asyncio.run(cockpit_morning())
    out, err = capsys.readouterr()
    printed.append((["cockpit"], "\n".join(seen) + out + err))

    for argv, text in printed:
        assert_clean(text, f"the output of {' '.join(argv)}")
    audit = runtime.audit_log().path
    assert audit.exists() and "activate" in audit.read_text()
    written = [p for p in isolated_home.rglob("*") if p.is_file()]
    assert written, "expected config, state and audit files to scan"
    for path in written:
        assert_clean(path.read_bytes().decode("utf-8", "replace"), str(path))
    for entry in (json.loads(line) for line in audit.read_text().splitlines()):
        assert_clean(json.dumps(entry), "the audit log")
