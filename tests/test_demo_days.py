"""The demo with a yesterday: what was done stays done between runs, `--next-day` plants a night
(a trigger switched off, an urgent request at 00:14, duplicates regrown), `--reset` starts over,
and a garbled state file is one line and a fresh start."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime
from pathlib import Path

import pytest

from mopstui import paths
from mopstui.adapters.demo import DemoOptions, DemoSource, bulk, days
from mopstui.cli import main
from mopstui.config import load_config
from mopstui.core.source import SourceContext
from mopstui.runtime import build_cockpit
from mopstui.tui.app import MopsApp

from fakes.pilot import loaded
from fakes.scripted import Script, use_scripted_kind

NIGHT_TRIGGER = "1106"  # the trigger the seed's first night switches off
NIGHT_REQUEST = "MOPS-125"  # the urgent request of the first night


async def _cockpit_run(*actions: tuple[str, str]):  # type: ignore[no-untyped-def]
    """One run over the demo with the state dir kept: refresh, then `actions`; the result after."""
    cockpit = build_cockpit(load_config(paths.config_path(), demo=True))
    await cockpit.refresh()
    for action, target in actions:
        receipt = await cockpit.perform("demo", action, target)
        assert receipt.ok, receipt
    await cockpit.refresh()
    await cockpit.aclose()
    return cockpit.results["demo"]


def _check_json(capsys: pytest.CaptureFixture[str], *flags: str) -> dict:  # type: ignore[type-arg]
    main(["check", "--demo", "--format", "json", *flags])
    return json.loads(capsys.readouterr().out)


async def test_what_was_done_in_the_demo_stays_done_after_a_restart(state_dir: Path) -> None:
    await _cockpit_run(("activate", "1001"), ("take", "MOPS-102"), ("decline", "MOPS-105"))
    again = await _cockpit_run()  # a new process: the workspace is rebuilt from the kept state
    assert "1001" not in {p.id for p in again.problems}  # still active
    requests = {r.id: r for r in again.requests}
    assert requests["MOPS-102"].assignee == "you"  # still yours
    assert "MOPS-105" not in requests  # still gone
    state = state_dir / "demo-demo.json"
    if os.name == "posix":
        assert stat.S_IMODE(state.stat().st_mode) == 0o600


async def test_a_start_that_changes_nothing_leaves_the_kept_state_alone(state_dir: Path) -> None:
    await _cockpit_run(("activate", "1001"))
    state = state_dir / "demo-demo.json"
    written = state.read_bytes()
    os.utime(state, (0, 0))  # an mtime no write can leave behind
    again = await _cockpit_run()  # the same day, nothing done: no rewrite
    assert state.stat().st_mtime == 0 and state.read_bytes() == written
    assert "1001" not in {p.id for p in again.problems}
    await _cockpit_run(("take", "MOPS-102"))  # an action still lands in the file, at once
    kept = json.loads(state.read_text(encoding="utf-8"))
    assert [(e["do"], e.get("target")) for e in kept["events"]] == [("activate", "1001"), ("take", "MOPS-102")]


async def test_without_a_state_dir_the_demo_is_the_first_morning_every_time() -> None:
    first = DemoSource("demo", DemoOptions())
    await first.perform("activate", "1001", {})
    again = DemoSource("demo", DemoOptions(), SourceContext(state_dir=None))
    assert "1001" in {p.id for p in (await again.fetch_workflows()).problems}


def test_next_day_plants_a_night(capsys: pytest.CaptureFixture[str], state_dir: Path) -> None:
    first = _check_json(capsys)
    second = _check_json(capsys, "--next-day")
    problems = {p["id"]: p for p in second["workflows"]}
    assert NIGHT_TRIGGER not in {p["id"] for p in first["workflows"]}
    assert problems[NIGHT_TRIGGER]["problem"] == "inactive" and problems[NIGHT_TRIGGER]["new"]
    request = next(r for r in second["requests"] if r["id"] == NIGHT_REQUEST)
    assert request["priority"] == "Highest" and request["title"].startswith("URGENT")
    assert datetime.fromisoformat(request["created"]).astimezone().strftime("%H:%M") == "00:14"
    dupes = next(m for m in second["quality"] if m["metric"] == "duplicates")
    assert dupes["delta"] > 0
    third = _check_json(capsys)  # the same day again: no second night
    assert len(third["requests"]) == len(second["requests"])


def test_reset_starts_over_from_the_first_morning(capsys: pytest.CaptureFixture[str], state_dir: Path) -> None:
    _check_json(capsys, "--next-day")
    assert NIGHT_TRIGGER in {p["id"] for p in _check_json(capsys)["workflows"]}
    fresh = _check_json(capsys, "--reset")
    assert NIGHT_TRIGGER not in {p["id"] for p in fresh["workflows"]}
    assert len(fresh["requests"]) == 24


def test_a_garbled_state_file_is_one_line_and_a_fresh_start(
    capsys: pytest.CaptureFixture[str], state_dir: Path
) -> None:
    (state_dir / "demo-demo.json").write_text('{"version": 1, "born": ', encoding="utf-8")
    code = main(["check", "--demo"])
    out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in out + err  # critical, as the first morning is
    lines = [line for line in out.splitlines() if "demo-demo.json" in line]
    assert len(lines) == 1 and "unusable (not JSON); started a fresh workspace" in lines[0]
    assert "24 open requests" in out.splitlines()[0]
    json.loads((state_dir / "demo-demo.json").read_text(encoding="utf-8"))  # written afresh


def test_the_day_flags_want_a_demo_source(capsys, write_config, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    use_scripted_kind(monkeypatch)["mkto"] = Script()
    config = write_config('[sources.mkto]\nkind = "scripted"\n')
    code = main(["check", "--config", str(config), "--next-day"])
    err = capsys.readouterr().err
    assert code == 3  # check's exit for a config it cannot use
    assert err.strip() == "mopstui: --next-day: no demo source in the config (add --demo)"


async def test_the_second_morning_marks_the_night_new_with_a_rising_delta(state_dir: Path) -> None:
    config = load_config(paths.config_path(), demo=True)
    app = MopsApp(config)
    async with app.run_test(size=(120, 40)) as pilot:  # the first morning
        await loaded(pilot)
        await pilot.press("q")  # quitting finishes the snapshot tomorrow compares with
    days.ask_next_day(days.diary_path(state_dir, "demo"))  # what --next-day does
    app = MopsApp(load_config(paths.config_path(), demo=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        main_screen = app.main
        assert main_screen is not None
        workflows, requests, quality = (main_screen.pane(n) for n in ("workflows", "requests", "quality"))
        trigger, urgent = workflows.items[f"demo:{NIGHT_TRIGGER}:inactive"], requests.items[f"demo:{NIGHT_REQUEST}"]
        assert workflows.marker(trigger, trigger.severity).plain.endswith("•")
        assert requests.marker(urgent, "").plain.endswith("•")
        assert not workflows.marker(workflows.items["demo:1002:invalid"], "critical").plain.endswith("•")  # yesterday's
        dupes = next(k for k in quality.items if k.endswith("duplicates"))
        assert (quality.deltas[dupes] or 0) > 0


def test_nights_replayed_in_a_row_regrow_the_same_contacts_as_nights_planted_one_by_one() -> None:
    now = datetime.fromisoformat("2026-12-05T09:00:00+00:00")
    carried, scanned = (bulk.build(7, now, 40, 24, 2000) for _ in range(2))
    clean = None
    for night in range(1, 6):
        clean = days.plant_night(carried, 7, night, now, clean)  # found once, then handed on
        days.plant_night(scanned, 7, night, now)  # found afresh each night
    assert carried.contacts == scanned.contacts
    assert len(carried.contacts) == 2000 + 5 * days.REGROWN_DUPLICATES
    assert clean == days.clean_contacts(carried.contacts)
