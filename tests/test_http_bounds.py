"""An answer larger than its source's cap (`max_response_mb`, 32 MB by default) fails that source with
a clear error, and is never read past the cap: endless streams and gzip bombs included."""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mopstui.adapters.http import HttpClient, HttpPolicy
from mopstui.adapters.http import client as client_mod
from mopstui.adapters.http.source import HttpOptions
from mopstui.config import load_config
from mopstui.core.errors import BadAnswerError, ConfigError

BASE = "https://api.example.test"
MB = 1 << 20
CHUNK = 64 * 1024


def client(handler: Any, max_mb: float = 1.0) -> HttpClient:
    return HttpClient(
        "src", BASE, policy=HttpPolicy(retries=0, max_response_mb=max_mb), transport=httpx.MockTransport(handler)
    )


class Stream:
    """An answer body made on demand, `total` bytes of it; counts what was actually produced."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.produced = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.produced < self.total:
            self.produced += CHUNK
            yield b" " * CHUNK


async def test_an_answer_over_the_cap_fails_with_a_clear_error() -> None:
    body = json.dumps({"values": ["x" * 1000] * 2000}).encode()  # 2 MB
    http = client(lambda request: httpx.Response(200, content=body))
    with pytest.raises(BadAnswerError) as info:
        await http.get("/rest/api/3/search/jql")
    message = str(info.value)
    assert message == (
        "src: the answer from api.example.test to /rest/api/3/search/jql is larger than 1 MB; "
        "if that is expected, raise max_response_mb in [sources.src]"
    )


async def test_an_endless_answer_is_not_read_past_the_cap() -> None:
    endless = Stream(64 * MB)  # as good as endless: 64 times the cap
    http = client(lambda request: httpx.Response(200, content=endless))
    with pytest.raises(BadAnswerError, match="larger than 1 MB"):
        await http.get("/feed")
    assert endless.produced <= MB + CHUNK, f"read {endless.produced / MB:.1f} MB of it"


async def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    body = Stream(8 * MB)
    http = client(lambda request: httpx.Response(200, content=body, headers={"Content-Length": str(8 * MB)}))
    with pytest.raises(BadAnswerError, match="larger than 1 MB"):
        await http.get("/big")
    assert body.produced == 0


async def test_a_gzip_bomb_is_counted_as_it_unpacks() -> None:
    bomb = gzip.compress(b" " * (64 * MB))  # 64 KB on the wire
    assert len(bomb) < MB
    http = client(lambda request: httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(BadAnswerError, match="larger than 1 MB"):
        await http.get("/bomb")


async def test_answers_under_the_cap_read_as_before_compressed_or_not() -> None:
    data = {"issues": [{"key": "MOPS-1", "title": "ü" * 100}]}
    raw = json.dumps(data).encode()
    answers = iter(
        [
            httpx.Response(200, content=raw, headers={"Content-Type": "application/json"}),
            httpx.Response(200, content=gzip.compress(raw), headers={"Content-Encoding": "gzip"}),
            httpx.Response(200, content=Stream(0)),
        ]
    )
    http = client(lambda request: next(answers))
    assert await http.get("/a") == data
    assert await http.get("/b") == data
    assert await http.get("/c", expect=None) is None


# -- the config key ---------------------------------------------------------------------------------
JIRA = (
    "[sources.jira]\nkind = 'jira'\nbase_url = 'https://acme.atlassian.net'\nemail = 'ops@acme.test'\n"
    "jql = 'project = MOPS'\n"
)


def test_every_http_source_takes_max_response_mb(write_config) -> None:
    config = load_config(write_config(JIRA + "max_response_mb = 64\n"))
    assert config.source("jira").shared_options == HttpOptions(max_response_mb=64.0)
    assert load_config(write_config(JIRA)).source("jira").shared_options == HttpOptions()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0", "above 0"),
        ("-1", "above 0"),
        ("nan", "finite"),
        ("inf", "finite"),
        ("2048", "at most 1024"),
        ("'big'", "a number"),
    ],
)
def test_max_response_mb_must_be_a_sane_size(write_config, value: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write_config(JIRA + f"max_response_mb = {value}\n"))
    assert "max_response_mb" in str(info.value) and expected in str(info.value)


def test_a_source_without_http_does_not_take_it(write_config) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write_config("[sources.demo]\nkind = 'demo'\nmax_response_mb = 8\n"))
    assert "sources.demo.max_response_mb: unknown key" in str(info.value)


def test_the_cap_fails_that_source_in_a_check_and_names_the_key(
    write_config,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    state_dir: Path,
) -> None:
    from mopstui.cli import main

    monkeypatch.setenv("MOPSTUI_JIRA_API_TOKEN", "t0ken-for-tests")
    huge = Stream(256 * MB)
    monkeypatch.setattr(
        client_mod,
        "transport_factory",
        lambda source: httpx.MockTransport(lambda request: httpx.Response(200, content=huge)),
    )
    path = write_config(JIRA + "max_response_mb = 2\n[sources.demo]\nkind = 'demo'\n")
    main(["check", "--config", str(path), "--format", "json"])
    out, _ = capsys.readouterr()
    [jira] = [s for s in json.loads(out)["sources"] if s["name"] == "jira"]
    assert (
        not jira["ok"]
        and "is larger than 2 MB; if that is expected, raise max_response_mb in [sources.jira]" in jira["error"]
    )
    assert huge.produced <= 2 * MB + CHUNK


def test_init_sets_max_response_mb_on_an_http_source(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import tomllib

    from mopstui.cli import main

    code = main(
        [
            "init",
            "--non-interactive",
            "--no-check",
            "--source",
            "jira",
            "--set",
            "jira.base_url=https://acme.atlassian.net",
            "--set",
            "jira.email=ops@acme.test",
            "--set",
            "jira.jql=project = MOPS",
            "--set",
            "jira.max_response_mb=64",
        ]
    )
    assert code == 0, capsys.readouterr()
    written = tomllib.loads((config_dir / "config.toml").read_text())
    assert written["sources"]["jira"]["max_response_mb"] == 64.0
    assert (
        main(
            [
                "init",
                "--non-interactive",
                "--no-check",
                "--force",
                "--source",
                "demo",
                "--set",
                "demo.max_response_mb=64",
            ]
        )
        == 2
    )
    assert "unknown setting 'max_response_mb' for kind 'demo'" in capsys.readouterr().err
