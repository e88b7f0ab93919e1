"""A config path someone gave must exist: a typo is an error, never the demo; demo reports say so."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from mopstui import notify
from mopstui.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", [["check"], ["check", "--format", "json"]])
def test_a_missing_config_flag_path_fails_check_with_one_line(tmp_path, capsys, command) -> None:  # type: ignore[no-untyped-def]
    typo = tmp_path / "typo.toml"
    code, out, err = run(capsys, "--config", str(typo), *command)
    assert code == 3
    assert out == ""  # no report of invented problems
    assert err.count("\n") == 1 and str(typo) in err and "not found" in err and "--config" in err


def test_a_missing_env_config_path_fails_check(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "missing.toml"
    monkeypatch.setenv("MOPSTUI_CONFIG", str(missing))
    code, out, err = run(capsys, "check")
    assert code == 3 and out == ""
    assert str(missing) in err and "$MOPSTUI_CONFIG" in err


def test_the_cockpit_refuses_a_missing_config_path_with_exit_2(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "--config", str(tmp_path / "typo.toml"))
    assert code == 2 and "not found" in err and err.count("\n") == 1


def test_a_directory_given_as_config_is_an_error(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "--config", str(tmp_path), "check")
    assert code == 3 and "is a directory" in err and str(tmp_path) in err


def test_a_device_given_as_config_is_an_error_not_an_endless_read(capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "--config", "/dev/zero", "check")
    assert code == 3 and "/dev/zero" in err and "not a regular file" in err


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_config_is_an_error(write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write_config('[sources.demo]\nkind = "demo"\n')
    path.chmod(0)
    code, _, err = run(capsys, "--config", str(path), "check")
    assert code == 3 and "cannot be read" in err


def test_only_the_default_location_may_be_absent(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "check")
    assert code == 2  # the demo's invented critical problems
    assert out.startswith("mopstui CRITICAL: DEMO WORKSPACE")


def test_a_demo_check_says_so_in_text_markdown_and_json(capsys) -> None:  # type: ignore[no-untyped-def]
    _, text, _ = run(capsys, "check")
    assert "DEMO WORKSPACE" in text.splitlines()[0]
    _, markdown, _ = run(capsys, "check", "--format", "markdown")
    assert markdown.splitlines()[0] == "## mopstui check: CRITICAL (demo workspace)"
    _, out, _ = run(capsys, "check", "--format", "json")
    assert json.loads(out)["demo"] is True


def test_a_real_config_check_is_not_a_demo(write_config, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fakes.scripted import Script, use_scripted_kind

    use_scripted_kind(monkeypatch)["mkto"] = Script()
    path = write_config('[sources.mkto]\nkind = "scripted"\n')
    _, out, _ = run(capsys, "--config", str(path), "check", "--format", "json")
    assert json.loads(out)["demo"] is False
    _, text, _ = run(capsys, "--config", str(path), "check")
    assert "DEMO" not in text


@pytest.mark.parametrize("argv", [["check", "--notify"], ["--demo", "check", "--notify", "--notify-always"]])
def test_notify_never_posts_a_demo_report(capsys, monkeypatch, write_config, argv) -> None:  # type: ignore[no-untyped-def]
    posted: list[httpx.Request] = []
    monkeypatch.setattr(
        notify, "TRANSPORT", httpx.MockTransport(lambda r: posted.append(r) or httpx.Response(200, text="ok"))
    )
    monkeypatch.setenv("MOPSTUI_NOTIFY_SLACK_WEBHOOK", "https://hooks.slack.test/services/T0/B0/secret")
    if argv[0] == "--demo":
        argv = ["--config", str(write_config('[sources.demo]\nkind = "demo"\n')), *argv]
    code, _, err = run(capsys, *argv)
    assert posted == []
    assert code == 2  # the status is the report's, unchanged by the refusal
    notes = [line for line in err.splitlines() if "notify" in line]
    assert len(notes) == 1 and "demo workspace" in notes[0]


def test_config_check_still_says_not_found(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "config", "check", "--config", str(tmp_path / "typo.toml"))
    assert code == 2 and "not found" in err
