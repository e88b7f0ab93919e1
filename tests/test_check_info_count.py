"""`mopstui check` text and markdown count `info` problems in their headline, as JSON lists them."""

from __future__ import annotations

import json

import pytest

from mopstui.cli import main

from fakes.scripted import Script, problem, use_scripted_kind

SCRIPTED = '[sources.mkto]\nkind = "scripted"\n'


@pytest.fixture
def three_info(monkeypatch: pytest.MonkeyPatch) -> None:
    scripts = use_scripted_kind(monkeypatch)
    scripts["mkto"] = Script()
    scripts["mkto"].problems = [problem(f"10{n}", "info", "stalled") for n in range(3)]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_count_info_problems(three_info, write_config, capsys, fmt) -> None:  # type: ignore[no-untyped-def]
    code = main(["check", "--config", str(write_config(SCRIPTED)), "--format", fmt])
    out = capsys.readouterr().out
    assert code == 0  # info never changes the status
    assert "0 critical, 0 warning, 3 info workflow problems" in out


def test_json_lists_the_same_info_problems(three_info, write_config, capsys) -> None:  # type: ignore[no-untyped-def]
    main(["check", "--config", str(write_config(SCRIPTED)), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert json.dumps(data).count('"info"') >= 3


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_info_problems_are_listed_while_new_and_only_counted_once_seen(three_info, write_config, capsys, fmt) -> None:  # type: ignore[no-untyped-def]
    config = str(write_config(SCRIPTED))
    main(["check", "--config", config, "--format", fmt])
    first = capsys.readouterr().out
    assert all(f"Campaign 10{n}" in first for n in range(3))  # new since the last check: listed
    main(["check", "--config", config, "--format", fmt])
    second = capsys.readouterr().out
    assert "3 info workflow problems" in second
    assert "Campaign 10" not in second  # seen before and only `info`: counted, not listed again
