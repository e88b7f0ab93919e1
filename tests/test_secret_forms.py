"""Every form of a secret stays secret: the Authorization values mopstui builds, URL-encoded and
base64 forms, a webhook's path; and a secret inside platform data is redacted before it is stored
or shown. Each test plants its own secrets (the redaction registry lives for the whole run)."""

from __future__ import annotations

import asyncio
import base64
import json
import sqlite3
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from mopstui import notify, runtime
from mopstui.adapters.http import client as http_client
from mopstui.cli import main
from mopstui.config import load_config
from mopstui.core.redact import redact, register_secret
from mopstui.tui.screens.sources import source_rows

from fakes.jira import FakeJira, make_issue

EMAIL = "ops@forms.example"


def jira_config(write_config) -> Path:  # type: ignore[no-untyped-def]
    return write_config(
        f'[sources.jira]\nkind = "jira"\nbase_url = "https://forms.atlassian.invalid"\n'
        f'email = "{EMAIL}"\njql = "project = MOPS"\n'
    )


def basic(token: str) -> str:
    return base64.b64encode(f"{EMAIL}:{token}".encode()).decode()


def echo_authorization(request: httpx.Request) -> httpx.Response:
    """A 400 quoting back the header it was sent, the way a proxy or a debug page does."""
    sent = request.headers.get("authorization")
    return httpx.Response(400, json={"errorMessages": [f'bad request; headers: {{"Authorization": "{sent}"}}']})


@pytest.fixture
def jira(monkeypatch, memory_keyring) -> FakeJira:  # type: ignore[no-untyped-def]
    """A fake Jira on every client mopstui builds, its token in the keyring; unique per test."""
    token = f"forms-token-{id(object()):x}"
    fake = FakeJira(email=EMAIL, token=token)
    fake.add(make_issue("MOPS-1", "Upload the webinar list"))
    memory_keyring.set_password("mopstui", "jira.api_token", token)
    monkeypatch.setattr(http_client, "transport_factory", lambda source: fake.transport())
    return fake


def test_a_400_echoing_the_basic_header_is_redacted_in_check_sources_view_and_audit(
    jira, write_config, capsys, isolated_home
) -> None:  # type: ignore[no-untyped-def]
    config = jira_config(write_config)
    credential = basic(jira.token)
    for fmt in ("text", "markdown", "json"):
        jira.fail_next("/search/jql", echo_authorization)
        main(["check", "--config", str(config), "--format", fmt])
        out, err = capsys.readouterr()
        assert "answered HTTP 400" in out and "Basic ***" in out.replace("\\", ""), out
        assert credential not in out + err, f"the Basic credential leaked into check --format {fmt}"

    async def cockpit_morning() -> tuple[str, str]:
        cockpit = await runtime.build_cockpit_async(load_config(config))
        try:
            [result] = await cockpit.refresh()
            jira.fail_next("/assignee", echo_authorization)
            outcome = await cockpit.perform("jira", "take", "MOPS-1")
            jira.fail_next("/search/jql", echo_authorization)
            await cockpit.refresh()
            [row] = source_rows(cockpit)
        finally:
            await cockpit.aclose()
        assert result.status.state == "ok" and not outcome.ok
        return row.error, outcome.message

    sources_error, action_message = asyncio.run(cockpit_morning())
    assert "HTTP 400" in sources_error and credential not in sources_error
    assert "HTTP 400" in action_message and credential not in action_message
    audit = runtime.audit_log().path.read_text(encoding="utf-8")
    assert "Basic ***" in audit and credential not in audit


def test_a_slack_error_page_quoting_the_webhook_path_is_redacted(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    webhook = "https://hooks.slack.com/services/T0FORMS/B0FORMS/forms-hook-7c0ffee"
    page = "Cannot POST /services/T0FORMS/B0FORMS/forms-hook-7c0ffee (no such team)"
    monkeypatch.setattr(notify, "TRANSPORT", httpx.MockTransport(lambda req: httpx.Response(404, text=page)))
    with pytest.raises(notify.NotifyError) as caught:
        notify.post_slack(webhook, {"text": "hi"})
    message = str(caught.value)
    assert message.startswith("Slack answered 404") and "/services/" not in message and "forms-hook" not in message


def test_check_notify_prints_no_webhook_path(monkeypatch, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    from fakes.scripted import Script, problem, use_scripted_kind

    webhook = "https://hooks.example.test/services/T0CHECK/B0CHECK/check-hook-5eed"  # a relay, not hooks.slack.com
    scripts = use_scripted_kind(monkeypatch)
    scripts["mkto"] = Script(problems=[problem("1001")])
    config = write_config('[sources.mkto]\nkind = "scripted"\n')
    monkeypatch.setenv("MOPSTUI_NOTIFY_SLACK_WEBHOOK", webhook)
    page = "<h1>404</h1> nothing at /services/T0CHECK/B0CHECK/check-hook-5eed"
    monkeypatch.setattr(notify, "TRANSPORT", httpx.MockTransport(lambda req: httpx.Response(404, text=page)))
    main(["check", "--notify", "--config", str(config)])
    _, err = capsys.readouterr()
    assert "Slack post failed" in err and "/services/" not in err and "check-hook" not in err


def test_a_token_inside_a_ticket_title_is_redacted_before_it_is_stored_or_shown(
    jira, write_config, capsys, isolated_home
) -> None:  # type: ignore[no-untyped-def]
    config = jira_config(write_config)
    jira.add(
        make_issue(
            "MOPS-2", f"Rotate the key {jira.token} please", priority="Highest", created="2020-01-01T00:00:00.000+0000"
        )
    )
    for fmt in ("text", "json"):
        main(["check", "--config", str(config), "--format", fmt])
        out, _ = capsys.readouterr()
        assert "Rotate the key *** please" in out and jira.token not in out
    state = isolated_home / "state" / "state.db"
    with sqlite3.connect(state) as db:  # the stored snapshot, whatever its encoding (rows are compressed)
        db.execute("PRAGMA wal_checkpoint(FULL)")
    stored = state.read_bytes()
    assert jira.token.encode() not in stored

    async def cockpit_titles() -> list[str]:
        cockpit = await runtime.build_cockpit_async(load_config(config))
        try:
            [result] = await cockpit.refresh()
        finally:
            await cockpit.aclose()
        return [r.title for r in result.requests]

    assert "Rotate the key *** please" in asyncio.run(cockpit_titles())


def test_every_form_of_a_registered_secret_is_redacted() -> None:
    secret = "forms/unit+secret=42"
    register_secret(secret)
    raw = secret.encode()
    for form in (
        secret,
        quote(secret, safe=""),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
    ):
        assert redact(f"before {form} after") == "before *** after", form
    webhook = "https://relay.example.test/services/T0UNIT/B0UNIT/unit-hook-secret"
    register_secret(webhook)
    assert "unit-hook" not in redact("POST /services/T0UNIT/B0UNIT/unit-hook-secret failed")
    from mopstui.core.redact import register_authorization  # (new with the forms)

    register_authorization("Bearer unit-bearer-token-99")
    assert redact('{"auth": "unit-bearer-token-99"}') == '{"auth": "***"}'


def test_ordinary_words_survive_in_platform_data() -> None:
    """Data is redacted only where a registered secret is, not by the shapes messages are scanned for."""
    from mopstui.core.scrub import REQUEST_TEXT, redact_items

    from fakes.scripted import request

    register_secret("data-only-secret-77")
    items = [request("MOPS-9", title="Bearer of bad news: password=reset needed")]
    assert redact_items(items, REQUEST_TEXT) is items
    hit = [request("MOPS-10", title="key data-only-secret-77 leaked")]
    assert redact_items(hit, REQUEST_TEXT)[0].title == "key *** leaked"
    assert json.dumps(hit[0].title) == '"key data-only-secret-77 leaked"'  # the original is not changed


def test_a_replaced_access_token_is_no_longer_scanned_for() -> None:
    """Marketo hands out a new token every hour: a long session must not scan data for all of them."""
    from mopstui.core.redact import forget_secret, needles

    register_secret("hourly-token-000001")
    register_secret("long-lived-secret-42")
    forget_secret("hourly-token-000001")
    assert redact("hourly-token-000001 long-lived-secret-42") == "hourly-token-000001 ***"
    assert not any("hourly" in n for n in needles())
