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
