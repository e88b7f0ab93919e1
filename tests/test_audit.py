"""The audit log under a bad day: torn last lines, unreadable lines, `mopstui log` never a traceback."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from mopstui import runtime
from mopstui.cli import main
from mopstui.core.audit import AuditLog


def entry(outcome: str, target: str = "1001") -> str:
    return json.dumps(
        {
            "time": "2026-03-02T09:00:00+00:00",
            "user": "ops",
            "source": "demo",
            "action": "activate",
            "target": target,
            "outcome": outcome,
            "message": "",
        }
    )


def test_a_torn_last_line_does_not_swallow_the_next_entry(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    # A crash mid-write: the second entry lost its end and its newline.
    path.write_text(entry("attempt") + "\n" + entry("ok")[:37], encoding="utf-8")
    log = AuditLog(path)
    log.append("demo", "deactivate", "1002", "attempt")
    log.append("demo", "deactivate", "1002", "ok", "Deactivated 'Scoring'")
    assert [(e["action"], e["outcome"]) for e in log.read()] == [
        ("activate", "attempt"),
        ("deactivate", "attempt"),
        ("deactivate", "ok"),
    ]
    assert [n for n, e in log.lines() if e is None] == [2]
    assert path.read_bytes().endswith(b"\n")


def test_appending_to_a_whole_log_adds_no_blank_lines(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    for outcome in ("attempt", "ok", "attempt"):
        log.append("demo", "activate", "1001", outcome)
    assert (tmp_path / "audit.jsonl").read_text(encoding="utf-8").count("\n") == 3
    assert [n for n, _ in log.lines()] == [1, 2, 3]


def test_a_new_log_is_private_to_its_user(tmp_path: Path) -> None:
    path = tmp_path / "state" / "audit.jsonl"
    old = os.umask(0o022)
    try:
        AuditLog(path).append("demo", "activate", "1001", "attempt")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_target_with_a_lone_surrogate_is_written_not_raised(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append("files", "export", "contacts-\udcff.csv", "ok")  # a badly encoded file name
    assert log.read()[0]["target"] == "contacts-\udcff.csv"


@pytest.fixture
def damaged_log() -> Path:
    """Five lines on disk: an entry, garbage, odd values, a JSON list, brackets nested 100,000 deep."""
    path = runtime.audit_log().path
    path.parent.mkdir(parents=True, exist_ok=True)
    odd = json.dumps({"time": None, "user": 7, "outcome": None, "source": ["x"], "action": {}, "target": 1.5})
    path.write_text("\n".join([entry("ok", "1001"), "{not json", odd, "[1, 2]", "[" * 100_000, ""]), encoding="utf-8")
    return path


def test_log_shows_unreadable_lines_by_number_never_a_traceback(damaged_log: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["log"])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in out + err
    lines = out.splitlines()
    assert lines[0] == "line 5: unreadable entry"
    assert lines[1] == "line 4: unreadable entry"
    assert lines[2].startswith("None  7  None")  # odd values are shown as they are
    assert lines[3] == "line 2: unreadable entry"
    assert "activate 1001" in lines[4]
    assert len(lines) == 5


def test_log_json_keeps_stdout_to_entries_and_names_the_rest_on_stderr(damaged_log: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["log", "--json"])
    out, err = capsys.readouterr()
    assert code == 0
    assert [json.loads(line)["target"] for line in out.splitlines()] == [1.5, "1001"]
    assert err.splitlines() == [f"mopstui: audit log {damaged_log}: line {n}: unreadable entry" for n in (5, 4, 2)]


def test_log_after_a_torn_line_shows_the_entries_written_since(capsys) -> None:  # type: ignore[no-untyped-def]
    log = runtime.audit_log()
    log.path.parent.mkdir(parents=True, exist_ok=True)
    log.path.write_text(entry("attempt")[:50], encoding="utf-8")
    log.append("demo", "activate", "1001", "ok-unconfirmed", "done; could not confirm: ...")
    main(["log"])
    lines = capsys.readouterr().out.splitlines()
    assert "ok-unconfirmed" in lines[0] and "activate 1001 - done; could not confirm" in lines[0]
    assert lines[1] == "line 1: unreadable entry"
