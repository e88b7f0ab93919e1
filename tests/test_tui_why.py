"""`w` (why won't it send?), fixing from the diagnosis, and the audience guard, driven by Pilot
on the demo workspace (the VP's blocked campaign, "send to everyone" at 97% of the database)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button

from mopstui import paths
from mopstui.config import load_config
from mopstui.tui.app import MopsApp
from mopstui.tui.screens.confirm import ConfirmScreen
from mopstui.tui.screens.guard import GuardedConfirmScreen, typed_number
from mopstui.tui.screens.why import WhyScreen

from fakes.pilot import loaded, record_notices

VP = "demo:1007:unapproved-asset"
EVERYONE = "demo:1008:failed-run"


def make_app(read_only: bool = False) -> MopsApp:
    return MopsApp(load_config(paths.config_path()), read_only=read_only)


def audit(state_dir: Path) -> list[dict[str, Any]]:
    path = state_dir / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def until(pilot: Any, test: Any, what: str) -> None:
    for _ in range(100):
        await pilot.pause(0.05)
        if test():
            return
    raise AssertionError(f"waited in vain for {what}")


def lines(screen: WhyScreen) -> str:
    return str(screen.query_one("#why-checks").render()) + str(screen.query_one("#why-hint").render())


async def open_why(pilot: Any, key: str) -> WhyScreen:
    app = pilot.app
    app.main.pane("workflows").table.move_to(key)
    await pilot.press("w")
    await until(pilot, lambda: isinstance(app.screen, WhyScreen) and app.screen.audience is not None, "the diagnosis")
    screen = app.screen
    assert isinstance(screen, WhyScreen)
    return screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_w_tells_why_the_vps_campaign_wont_send(size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        screen = await open_why(pilot, VP)
        diagnosis = screen.shown
        assert diagnosis is not None and diagnosis.blocked
        failing = [c.key for c in diagnosis.ordered if c.state == "fail"]
        assert failing == ["email:2071", "program"]  # failing first
        assert [f.action for f in screen.fixes] == ["approve_email", "approve_program"]
        text = lines(screen)
        assert "✖" in text and "Atlas Launch - VP Letter" in text and "not approved" in text
        assert "[1] Approve the draft of email" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, WhyScreen)


async def test_approving_from_the_diagnosis_is_confirmed_audited_and_rediagnosed(state_dir: Path) -> None:
    app = make_app()
    notices = record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        screen = await open_why(pilot, VP)
        await pilot.press("2")  # the program first: Marketo refuses, its email is a draft
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: any("refused" in n.message for n in notices), "the refusal")
        assert any("'Atlas Launch - VP Letter' is not approved (709)" in n.message for n in notices)
        await pilot.press("1")
        assert isinstance(app.screen, ConfirmScreen) and "Approve the draft" in app.screen.body
        await pilot.press("y")
        await until(pilot, lambda: screen.fixes and screen.fixes[0].action == "approve_program", "a new diagnosis")
        assert any("Approved email 'Atlas Launch - VP Letter'" in n.message for n in notices)
        await pilot.press("1", "y")  # now the program
        await until(pilot, lambda: screen.shown is not None and not screen.shown.blocked, "nothing blocking")
        assert "nothing blocks it" in lines(screen)
        await pilot.press("escape")
        await until(pilot, lambda: VP not in app.main.pane("workflows").items, "the problem to go")
    assert [(e["action"], e["outcome"]) for e in audit(state_dir)] == [
        ("approve_program", "attempt"),
        ("approve_program", "failed"),
        ("approve_email", "attempt"),
        ("approve_email", "ok"),
        ("approve_program", "attempt"),
        ("approve_program", "ok"),
    ]


async def test_the_audience_guard_refuses_y_and_accepts_the_typed_number(state_dir: Path) -> None:
    app = make_app()
    notices = record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        screen = await open_why(pilot, EVERYONE)
        assert screen.audience is not None and screen.audience.percent == pytest.approx(97, abs=0.5)
        text = lines(screen)
        assert "97% of the 2,000 in the database" in text and "above the audience guard of 25%" in text
        assert "above its person limit of 500" in text
        assert screen.fixes[0].action == "schedule"
        await pilot.press("1")
        guard = app.screen
        assert isinstance(guard, GuardedConfirmScreen)
        await until(pilot, lambda: guard.counted, "the count")
        assert guard.typed_required
        warning = str(guard.query_one("#guard-audience").render())
        assert "reaches 1,940 people: 97% of the 2,000 in the database" in warning and "Type the number" in warning
        guard.action_confirm()  # `y` alone, even with the focus away from the typing line
        guard.query_one("#yes", Button).press()  # nor the Yes button
        await pilot.press("y", "enter")  # in the typing line: "y" is not the number
        await pilot.pause(0.1)
        assert app.screen is guard and audit(state_dir) == []
        assert any("y alone does not" in n.message for n in notices)
        assert any("is not the number of people" in n.message for n in notices)
        await pilot.press("backspace", *"1,940", "enter")
        await until(pilot, lambda: any(e["outcome"] == "ok" for e in audit(state_dir)), "the schedule")
    assert [(e["action"], e["outcome"]) for e in audit(state_dir)] == [("schedule", "attempt"), ("schedule", "ok")]


async def test_activating_says_who_it_reaches_and_a_small_audience_takes_y(state_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("a")  # Lead Routing - Inbound MQL, selected first
        guard = app.screen
        assert isinstance(guard, GuardedConfirmScreen)
        await until(pilot, lambda: guard.counted, "the count")
        assert not guard.typed_required
        assert "of the 2,000 in the database" in str(guard.query_one("#guard-audience").render())
        await pilot.press("y")
        await until(pilot, lambda: "demo:1001:inactive" not in app.main.pane("workflows").items, "the activation")
    assert [e["outcome"] for e in audit(state_dir)] == ["attempt", "ok"]


async def test_a_read_only_cockpit_refuses_the_fix_and_audits_the_refusal(state_dir: Path) -> None:
    app = make_app(read_only=True)
    notices = record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await open_why(pilot, VP)
        await pilot.press("1")
        await until(pilot, lambda: any("Read-only" in n.message for n in notices), "the refusal")
    assert [(e["action"], e["outcome"]) for e in audit(state_dir)] == [("approve_email", "refused")]


def test_a_typed_number_may_have_separators() -> None:
    assert typed_number("48,211") == typed_number("48 211") == typed_number("48211") == 48211
    assert typed_number("y") is None and typed_number("") is None
