"""`mopstui check --notify`: the Slack post (faked at the transport), when it stays quiet, failures."""

from __future__ import annotations

import json
import re

import httpx
import pytest

import mopstui.notify as notify
from mopstui.cli import main

from fakes.scripted import Script, problem, request, use_sample_kind, use_scripted_kind

WEBHOOK = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX"
SCRIPTED = '[sources.mkto]\nkind = "scripted"\n'
#: The demo workspace's data as if from a real platform (a demo report is never posted).
SAMPLE = '[sources.demo]\nkind = "sample"\n'


class FakeSlack:
    """Answers like an incoming webhook and keeps every body it was sent."""

    def __init__(self, status: int = 200, body: str = "ok") -> None:
        self.status, self.body = status, body
        self.posts: list[dict] = []  # type: ignore[type-arg]
        self.urls: list[str] = []

    def __call__(self, req: httpx.Request) -> httpx.Response:
        self.urls.append(str(req.url))
        self.posts.append(json.loads(req.content))
        return httpx.Response(self.status, text=self.body)


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> FakeSlack:
    fake = FakeSlack()
    monkeypatch.setattr(notify, "TRANSPORT", httpx.MockTransport(fake))
    monkeypatch.setenv("MOPSTUI_NOTIFY_SLACK_WEBHOOK", WEBHOOK)
    return fake


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch) -> Script:
    scripts = use_scripted_kind(monkeypatch)
    scripts["mkto"] = Script()
    return scripts["mkto"]


@pytest.fixture
def sample(monkeypatch: pytest.MonkeyPatch, write_config) -> str:  # type: ignore[no-untyped-def]
    use_sample_kind(monkeypatch)
    return str(write_config(SAMPLE, name="sample.toml"))


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", "--notify", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_posts_counts_and_new_items_with_links(slack: FakeSlack, sample, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = check(capsys, "--config", sample)
    assert code == 2 and err == ""
    assert slack.urls == [WEBHOOK]
    [payload] = slack.posts
    text = payload["text"]
    assert text.startswith("*mopstui check: CRITICAL*")
    # the demo's overdue count follows the wall clock, so only its shape is checked
    # 4 warnings: the VP's blocked campaign and "send to everyone" (adapters/demo/sends.py) among them
    assert re.search(r"3 critical · 4 warning workflow problems · 24 open requests \(\d+ overdue\)", text)
    assert "<https://demo.mopstui.invalid/campaigns/1001|Lead Routing - Inbound MQL>" in text
    assert "…and " in text  # more new items than the default five
    assert sum(line.startswith("• ") for line in text.splitlines()) == 5


def test_stays_quiet_when_nothing_is_new_or_worse(slack: FakeSlack, sample, capsys) -> None:  # type: ignore[no-untyped-def]
    check(capsys, "--config", sample)
    code, _, err = check(capsys, "--config", sample)
    assert code == 2 and err == ""
    assert len(slack.posts) == 1


def test_notify_always_posts_anyway(slack: FakeSlack, sample, capsys) -> None:  # type: ignore[no-untyped-def]
    check(capsys, "--config", sample)
    check(capsys, "--config", sample, "--notify-always")
    assert len(slack.posts) == 2


def test_posts_again_when_something_new_breaks(slack: FakeSlack, script: Script, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    config = str(write_config(SCRIPTED))
    script.problems = [problem("1001")]
    check(capsys, "--config", config)
    check(capsys, "--config", config)
    script.problems = [problem("1001"), problem("1002", name="Webinar <Recording> & Replay")]
    script.requests = [request("MOPS-9", overdue=True)]
    check(capsys, "--config", config)
    assert len(slack.posts) == 2
    text = slack.posts[-1]["text"]
    assert "New since last check (2)" in text
    assert "Webinar &lt;Recording&gt; &amp; Replay" in text  # Slack's control characters escaped
    assert "Campaign 1001" not in text
    assert "<https://jira.example.test/browse/MOPS-9|MOPS-9 Request MOPS-9> (High, overdue)" in text


def test_max_items_from_the_config(slack: FakeSlack, script: Script, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    script.problems = [problem(str(n)) for n in range(1, 6)]
    check(capsys, "--config", str(write_config("[notify]\nmax_items = 2\n" + SCRIPTED)))
    text = slack.posts[0]["text"]
    assert sum(line.startswith("• ") for line in text.splitlines()) == 2
    assert "…and 3 more" in text


def test_a_failed_post_is_one_line_and_keeps_the_exit_status(slack: FakeSlack, sample, capsys) -> None:  # type: ignore[no-untyped-def]
    slack.status, slack.body = 404, "no_service"
    code, out, err = check(capsys, "--config", sample)
    assert code == 2
    assert out.startswith("mopstui CRITICAL")
    assert err == "mopstui: notify: Slack post failed: Slack answered 404 (no_service)\n"
    assert "XXXXsecretXXXX" not in out + err


def test_an_unreachable_slack_never_prints_the_url(monkeypatch, sample, capsys) -> None:  # type: ignore[no-untyped-def]
    def refuse(req: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"connection refused for {req.url}", request=req)

    monkeypatch.setattr(notify, "TRANSPORT", httpx.MockTransport(refuse))
    monkeypatch.setenv("MOPSTUI_NOTIFY_SLACK_WEBHOOK", WEBHOOK)
    code, out, err = check(capsys, "--config", sample)
    assert code == 2
    assert err.count("\n") == 1 and "could not reach Slack" in err
    assert "hooks.slack.com" not in out + err and "XXXXsecretXXXX" not in out + err


def test_no_webhook_configured_says_which_variable(monkeypatch, sample, capsys) -> None:  # type: ignore[no-untyped-def]
    def never(req: httpx.Request) -> httpx.Response:  # pragma: no cover - must not be called
        raise AssertionError("posted without a webhook")

    monkeypatch.setattr(notify, "TRANSPORT", httpx.MockTransport(never))
    code, _, err = check(capsys, "--config", sample)
    assert code == 2
    assert err.count("\n") == 1 and "MOPSTUI_NOTIFY_SLACK_WEBHOOK" in err


def test_a_failed_source_is_named_in_the_post(slack: FakeSlack, write_config, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    use_sample_kind(monkeypatch)
    config = write_config(
        '[sources.demo]\nkind = "sample"\nfail = "error"\ncampaigns = 0\nrequests = 0\ncontacts = 0\n'
    )
    code, _, _ = check(capsys, "--config", str(config))
    assert code == 3
    assert ":warning: demo failed: demo: cannot reach" in slack.posts[0]["text"]
