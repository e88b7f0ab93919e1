"""Small terminals (the footer's keys and `? more`, help that scrolls, a confirmation at 60x20) and
the decline editor (the canned reply filled in, edited, posted as edited, audited as edited)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console
from textual.widgets import Button, Static, TextArea

from mopstui import paths
from mopstui.adapters.jira import JiraOptions, JiraSource
from mopstui.config import load_config
from mopstui.core.audit import AuditLog
from mopstui.core.service import Cockpit, SourceHandle
from mopstui.core.source import SourceContext
from mopstui.tui.app import MopsApp
from mopstui.tui.screens.confirm import ConfirmScreen
from mopstui.tui.screens.help import HelpScreen
from mopstui.tui.screens.reply_editor import ReplyEditorScreen
from mopstui.tui.widgets.keyhints import KeyHints

from fakes.jira import TOKEN, FakeJira, adf_text, make_issue
from fakes.pilot import loaded


def jira(fake: FakeJira) -> JiraSource:
    opts = JiraOptions(base_url="https://acme.atlassian.net", email="ops@acme.com", jql="project = MOPS")
    return JiraSource("requests", opts, SourceContext(secret=lambda f: TOKEN), transport=fake.transport())


def demo_app() -> MopsApp:
    return MopsApp(load_config(paths.config_path()))


def keys_for(text: str) -> list[str]:
    """Pilot key names that type `text`."""
    names = {" ": "space", ",": "comma", ".": "full_stop", "!": "exclamation_mark"}
    return [names.get(ch, ch) for ch in text]


async def test_the_80x24_footer_shows_the_morning_keys_and_more() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        hints = app.main.query_one(KeyHints)
        text = str(hints.render())
        for hint in ("a Activate", "t Take", "x Decline", "m Done", "r Refresh", "s Since", "q Quit"):
            assert hint in text
        assert text.rstrip().endswith("? more") and len(text.rstrip()) <= hints.content_region.width


async def test_a_narrow_footer_drops_the_lowest_keys_but_keeps_more() -> None:
    app = demo_app()
    async with app.run_test(size=(50, 24)) as pilot:
        await loaded(pilot)
        text = str(app.main.query_one(KeyHints).render()).rstrip()
        assert text.startswith("a Activate  t Take") and text.endswith("? more")
        assert "q Quit" not in text


async def test_help_scrolls_with_j_and_k_and_explains_the_marks() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("#help")
        assert box.scroll_y == 0
        await pilot.press("j", "j", "j", "down")
        await pilot.pause()
        assert box.scroll_y == 4
        await pilot.press("k")
        await pilot.pause()
        assert box.scroll_y == 3
        await pilot.press("G")  # the marks are at the end
        await pilot.pause()
        legend_box = app.screen.query_one("#legend", Static)
        assert app.screen.region.contains_region(legend_box.region)
        console = Console(width=80, record=True, file=io.StringIO())
        console.print(legend_box.content)
        legend = console.export_text()
        for mark in ("✖  critical", "!  overdue", "•  new since you last looked", "…  action pending", "?  count"):
            assert mark in legend


async def test_a_60x20_confirmation_with_a_long_body_still_shows_yes_and_no() -> None:
    app = demo_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await loaded(pilot)
        answers: list[bool | None] = []
        app.push_screen(ConfirmScreen("Decline this request?", "Decline MOPS-1. " + "Words. " * 150), answers.append)
        await pilot.pause()
        screen = app.screen.region
        for button in app.screen.query(Button):
            assert screen.contains_region(button.region), f"{button.id} is cut off at {button.region}"
        await pilot.press("y")
        assert answers == [True]


async def open_editor(pilot, key: str) -> TextArea:  # type: ignore[no-untyped-def]
    pane = pilot.app.main.pane("requests")
    await pilot.press("2")
    pane.table.move_to(key)
    await pilot.press("x", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReplyEditorScreen)
    return pilot.app.screen.query_one(TextArea)


async def test_the_edited_reply_is_what_the_demo_declines_with_and_the_audit_says_edited(state_dir: Path) -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        request = app.main.pane("requests").items["demo:MOPS-102"]
        area = await open_editor(pilot, "demo:MOPS-102")
        # the suggested reply (the title says "whole database"), addressed to the requester by name
        assert area.text.startswith("Hi Rick Alvarez, thanks for the request. We can't email the whole database")
        assert "{" not in area.text and request.requester.startswith("Rick Alvarez")
        await pilot.press(*keys_for(" See you Monday."))
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert "demo:MOPS-102" not in app.main.pane("requests").items
    entries = [json.loads(line) for line in (state_dir / "audit.jsonl").read_text().splitlines()]
    decline = [e for e in entries if e["action"] == "decline"]
    assert [e["outcome"] for e in decline] == ["attempt", "ok"]
    assert all("reply 'whole-database' (edited)" in e["message"] for e in decline)


async def test_an_unedited_reply_is_audited_as_the_canned_one_and_escape_sends_nothing(state_dir: Path) -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await open_editor(pilot, "demo:MOPS-103")
        await pilot.press("escape")
        await pilot.pause()
        assert "demo:MOPS-103" in app.main.pane("requests").items
        await open_editor(pilot, "demo:MOPS-103")
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert "demo:MOPS-103" not in app.main.pane("requests").items
    messages = [json.loads(line)["message"] for line in (state_dir / "audit.jsonl").read_text().splitlines()]
    assert messages[-1].endswith("reply 'needs-brief'") and "(edited)" not in messages[-1]


async def test_jira_receives_the_edited_text_as_its_comment(tmp_path: Path) -> None:
    fake = FakeJira()
    fake.add(make_issue("MOPS-7", "Email the whole database about the sale", reporter="Dana Whitfield"))
    audit = AuditLog(tmp_path / "audit.jsonl")
    cockpit = Cockpit({"requests": SourceHandle(jira(fake))}, audit=audit)
    app = MopsApp(load_config(paths.config_path()), cockpit=cockpit)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.main is not None and app.main.pane("requests").items:
                break
        area = await open_editor(pilot, "requests:MOPS-7")
        assert area.text.startswith("Hi Dana Whitfield,")
        area.text = "Dana, let's pick a segment together on Monday."  # rewritten whole
        await pilot.press("ctrl+s")
        for _ in range(100):
            await pilot.pause(0.05)
            if fake.comments.get("MOPS-7"):
                break
    posted = [adf_text(c["body"]) for c in fake.comments["MOPS-7"]]
    assert posted == ["Dana, let's pick a segment together on Monday."]
    assert "reply 'whole-database' (edited)" in audit.read()[-1]["message"]


async def test_ctrl_s_in_the_picker_posts_the_previewed_reply_as_it_is(state_dir: Path) -> None:
    from mopstui.tui.screens.decline import DeclineScreen

    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        app.main.pane("requests").table.move_to("demo:MOPS-102")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, DeclineScreen)
        preview = str(app.screen.query_one("#reply-preview", Static).render())
        # what is read here is what is posted: filled in for the requester, no placeholders
        assert preview.startswith("Hi Rick Alvarez, thanks for the request. We can't email the whole database")
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, (DeclineScreen, ReplyEditorScreen))
        assert "demo:MOPS-102" not in app.main.pane("requests").items
    messages = [json.loads(line)["message"] for line in (state_dir / "audit.jsonl").read_text().splitlines()]
    assert messages[-1].endswith("reply 'whole-database'") and "(edited)" not in messages[-1]


async def test_the_next_actions_box_is_not_covered_by_the_toasts_of_the_last(state_dir: Path) -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("a", "y")
        for _ in range(50):
            await pilot.pause(0.05)
            if app.screen.query("Toast"):
                break
        assert len(app.screen.query("Toast")) > 0  # "activate ✓" shows on the cockpit
        await pilot.press("2", "t")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ConfirmScreen)
        assert len(app.screen.query("Toast")) == 0  # and is gone from over the take confirmation
