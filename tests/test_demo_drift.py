"""The demo plants drift: the first morning is the baseline; the next night the newsletter's smart
list loses its "Country is US" filter and the nurture qualifies people every time, shown by
`mopstui check` as `changed` problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mopstui.cli import main


def _check(capsys: pytest.CaptureFixture[str], *flags: str) -> dict:  # type: ignore[type-arg]
    main(["check", "--demo", "--format", "json", *flags])
    return json.loads(capsys.readouterr().out)


def changed(report: dict) -> dict[str, tuple[str, str, str]]:  # type: ignore[type-arg]
    return {p["id"]: (p["name"], p["severity"], p["detail"]) for p in report["workflows"] if p["problem"] == "changed"}


def test_the_next_night_changes_two_smart_lists(capsys: pytest.CaptureFixture[str], state_dir: Path) -> None:
    first = _check(capsys)
    assert changed(first) == {}  # the first morning is the baseline
    second = _check(capsys, "--next-day")
    assert changed(second) == {
        "1003": ("Newsletter - November Send", "warning", "filter 'Country' removed (was: matches Country is US)."),
        "1006": ("Nurture - Stream 3 Cadence", "warning", "qualification: once → every time."),
    }
    again = _check(capsys)  # the same day: still there, no longer new
    assert set(changed(again)) == {"1003", "1006"}
    assert not any(p["new"] for p in again["workflows"] if p["problem"] == "changed")
