"""`mopstui check`: exit codes per status, the JSON contract, and what a second run remembers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mopstui.cli import main

from fakes.scripted import Script, metric, problem, request, state, use_scripted_kind

SCRIPTED = '[sources.mkto]\nkind = "scripted"\n'
FAILING_DEMO = '[sources.demo]\nkind = "demo"\nfail = "error"\ncampaigns = 0\nrequests = 0\ncontacts = 0\n'


@pytest.fixture
def scripts(monkeypatch: pytest.MonkeyPatch) -> dict[str, Script]:
    scripts = use_scripted_kind(monkeypatch)
    scripts["mkto"] = Script()
    return scripts


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys: pytest.CaptureFixture[str], config: Path) -> tuple[int, dict]:  # type: ignore[type-arg]
    code, out, err = run(capsys, "--config", str(config), "--format", "json")
    return code, json.loads(out)


# -- exit codes -----------------------------------------------------------------------------------
def test_ok_when_nothing_needs_a_person(scripts, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    scripts["mkto"].problems = [problem("1006", "info", "stalled")]
    scripts["mkto"].requests = [request("MOPS-1")]
    scripts["mkto"].metrics = [metric("duplicates", 3)]
    code, out, _ = run(capsys, "--config", str(write_config(SCRIPTED)))
    assert code == 0
    assert out.startswith("mopstui OK:")


def test_warning_for_warning_findings_only(scripts, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    scripts["mkto"].problems = [problem("1005", "warning", "failed-run")]
    code, out, _ = run(capsys, "--config", str(write_config(SCRIPTED)))
    assert code == 1
    assert out.startswith("mopstui WARNING:")


def test_an_overdue_request_is_a_warning(scripts, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    scripts["mkto"].requests = [request("MOPS-101", overdue=True)]
    code, out, _ = run(capsys, "--config", str(write_config(SCRIPTED)))
    assert code == 1
    assert "MOPS-101" in out and "overdue" in out


def test_a_quality_metric_over_its_warning_threshold_is_a_warning(scripts, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    scripts["mkto"].metrics = [metric("duplicates", 30, severity="warning")]
    code, _, _ = run(capsys, "--config", str(write_config(SCRIPTED)))
    assert code == 1


def test_critical_on_the_demo_workspace(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "--demo")
    assert code == 2
    assert out.startswith("mopstui CRITICAL:")
    assert "Lead Routing - Inbound MQL" in out


def test_unknown_when_a_source_failed_and_nothing_is_critical(scripts, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    scripts["mkto"].problems = [problem("1005", "warning", "failed-run")]
    code, out, _ = run(capsys, "--config", str(write_config(SCRIPTED + FAILING_DEMO)))
    assert code == 3
    assert "FAILED: demo: cannot reach" in out


def test_unknown_names_the_sources_whose_counts_are_missing(scripts, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "--config", str(write_config(SCRIPTED + FAILING_DEMO)))
    assert code == 3
    assert out.startswith("mopstui UNKNOWN: counts missing from demo (no answer); ")
    _, data = check_json(capsys, write_config(SCRIPTED + FAILING_DEMO))
    assert data["status"] == "unknown" and [s["ok"] for s in data["sources"]] == [True, False]


def test_critical_beats_a_failed_source(scripts, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    scripts["mkto"].problems = [problem("1002")]
    code, _, _ = run(capsys, "--config", str(write_config(SCRIPTED + FAILING_DEMO)))
    assert code == 2


def test_an_unusable_config_is_unknown_with_one_line(write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write_config('refresh_minutes = "often"\n[sources.demo]\nkind = "demo"\n')
    code, out, err = run(capsys, "--config", str(path))
    assert code == 3
    assert out == ""
    assert err.count("\n") == 1 and "refresh_minutes" in err and str(path) in err
    assert "Traceback" not in err


def test_common_flags_work_after_the_subcommand(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "--demo", "--read-only", "--format", "markdown")
    assert code == 2
    assert out.startswith("## mopstui check: CRITICAL")
    assert "[Lead Routing - Inbound MQL](https://demo.mopstui.invalid/campaigns/1001)" in out


# -- the JSON contract ----------------------------------------------------------------------------
def test_json_follows_the_contract(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "--demo", "--format", "json")
    data = json.loads(out)
    assert code == 2
    assert set(data) == {"generated_at", "status", "demo", "sources", "workflows", "requests", "quality"}
    assert data["demo"] is True
    assert data["status"] == "critical"
    [source] = data["sources"]
    assert set(source) == {"name", "kind", "ok", "error", "calls", "fetched_at"}
    assert source["ok"] is True and source["error"] is None and source["calls"] == 3
    assert set(data["workflows"][0]) == {"source", "id", "name", "kind", "problem", "severity", "detail", "url", "new"}
    assert data["workflows"][0]["severity"] == "critical"
    assert set(data["requests"][0]) == {
        "source",
        "id",
        "title",
        "requester",
        "priority",
        "status",
        "created",
        "due",
        "overdue",
        "assignee",
        "url",
        "new",
    }
    assert data["requests"][0]["overdue"] is True  # overdue first
    assert set(data["quality"][0]) == {"source", "metric", "label", "count", "total", "severity", "delta"}
    assert all(q["delta"] is None for q in data["quality"])  # first check
    assert all(w["new"] for w in data["workflows"])


def test_json_of_a_failed_source_names_the_error(write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    code, data = check_json(capsys, write_config(FAILING_DEMO))
    assert code == 3 and data["status"] == "unknown"
    [source] = data["sources"]
    assert source["ok"] is False and "cannot reach" in source["error"]


# -- memory across two runs -----------------------------------------------------------------------
def test_second_run_knows_what_is_new_resolved_and_how_counts_moved(scripts, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    config = write_config(SCRIPTED)
    s = scripts["mkto"]
    s.problems = [problem("1001"), problem("1002", "warning", "failed-run")]
    s.requests = [request("MOPS-1")]
    s.metrics = [metric("duplicates", 40, severity="warning")]
    check_json(capsys, config)

    s.problems = [problem("1001"), problem("1003", name="Webinar - Send Recording")]
    s.requests = [request("MOPS-1"), request("MOPS-2")]
    s.metrics = [metric("duplicates", 52, severity="warning")]
    _, data = check_json(capsys, config)
    assert {w["id"]: w["new"] for w in data["workflows"]} == {"1001": False, "1003": True}
    assert {r["id"]: r["new"] for r in data["requests"]} == {"MOPS-1": False, "MOPS-2": True}
    assert data["quality"][0]["delta"] == 12


def test_text_report_marks_new_items_and_lists_what_was_resolved(scripts, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    config = write_config(SCRIPTED)
    s = scripts["mkto"]
    s.problems = [problem("1001"), problem("1002", "warning", "failed-run")]
    run(capsys, "--config", str(config))
    s.problems = [problem("1001"), problem("1003", name="Webinar - Send Recording")]
    _, out, _ = run(capsys, "--config", str(config))
    assert "[critical] NEW Webinar - Send Recording" in out
    assert "[critical] Campaign 1001" in out
    assert "Resolved since last check (1)\n  Campaign 1002 https://mkto.example.test/campaigns/1002" in out


def test_deactivated_trigger_shows_up_in_the_next_check(scripts, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    config = write_config(SCRIPTED)
    scripts["mkto"].states = [state("1001", active=True)]
    assert check_json(capsys, config)[0] == 0
    scripts["mkto"].states = [state("1001", active=False)]
    code, data = check_json(capsys, config)
    assert code == 2
    [w] = data["workflows"]
    assert (w["id"], w["problem"], w["severity"], w["new"]) == ("1001", "inactive", "critical", True)
    assert "deactivated since" in w["detail"]


def test_a_corrupt_store_is_reported_and_the_check_still_runs(state_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (state_dir / "state.db").write_bytes(b"\x00garbage" * 512)
    code, out, err = run(capsys, "--demo", "--format", "json")
    assert code == 2
    assert json.loads(out)["status"] == "critical"
    assert err.count("\n") == 1 and "unreadable" in err and "corrupt-" in err
    assert len(list(state_dir.glob("state.db.corrupt-*"))) == 1
    code, _, err = run(capsys, "--demo")
    assert err == ""


def test_an_unusable_state_dir_still_checks(monkeypatch, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the state dir should be")
    monkeypatch.setenv("MOPSTUI_STATE_DIR", str(blocker / "state"))
    code, out, err = run(capsys, "--demo")
    assert code == 2
    assert "checking without memory" in err
    assert out.startswith("mopstui CRITICAL")


def test_check_is_listed_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "check" in capsys.readouterr().out
