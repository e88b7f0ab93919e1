"""`mopstui log`: the audit log, newest first, `--limit`, `--json`."""

from __future__ import annotations

import json

import pytest

from mopstui import runtime
from mopstui.cli import main


def log(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["log", *argv])
    return code, capsys.readouterr().out


@pytest.fixture
def three_actions() -> None:
    audit = runtime.audit_log()
    audit.append("demo", "activate", "1001", "attempt")
    audit.append("demo", "activate", "1001", "ok", "Activated 'Lead Routing - Inbound MQL'")
    audit.append("demo", "decline", "MOPS-102", "refused", "read-only: decline refused for MOPS-102 on demo")


def test_newest_first(three_actions, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out = log(capsys)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3
    assert "refused" in lines[0] and "decline MOPS-102" in lines[0]
    assert "ok" in lines[1] and "Activated 'Lead Routing - Inbound MQL'" in lines[1]
    assert "attempt" in lines[2]


def test_limit(three_actions, capsys) -> None:  # type: ignore[no-untyped-def]
    _, out = log(capsys, "--limit", "1")
    assert len(out.splitlines()) == 1 and "MOPS-102" in out


def test_json_lines_as_stored(three_actions, capsys) -> None:  # type: ignore[no-untyped-def]
    _, out = log(capsys, "--json", "--limit", "2")
    entries = [json.loads(line) for line in out.splitlines()]
    assert [e["outcome"] for e in entries] == ["refused", "ok"]
    assert set(entries[0]) == {"time", "user", "source", "action", "target", "outcome", "message"}


def test_an_empty_log_says_so(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out = log(capsys)
    assert code == 0 and out.startswith("No actions recorded yet")


def test_a_bad_limit_is_one_clear_error(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as info:
        main(["log", "--limit", "zero"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--limit" in err and "expected a whole number" in err and "Traceback" not in err
