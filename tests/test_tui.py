"""The cockpit driven by keys through Textual's Pilot, at 80x24 and 120x40."""

from __future__ import annotations

import json
from datetime import UTC

import pytest
from textual.widgets import Input

from mopstui import paths
from mopstui.config import load_config
from mopstui.tui.app import MopsApp
from mopstui.tui.screens.confirm import ConfirmScreen
from mopstui.tui.screens.help import HelpScreen
from mopstui.tui.screens.reply_editor import ReplyEditorScreen
from mopstui.tui.widgets.status import StatusBar

from fakes.pilot import loaded, record_notices

SIZES = [(80, 24), (120, 40)]


def make_app(read_only: bool = False, config_text: str | None = None, write_config=None) -> MopsApp:
    path = write_config(config_text) if config_text else paths.config_path()
    return MopsApp(load_config(path), read_only=read_only)


def row_names(app: MopsApp, pane: str) -> list[str]:
    return [row.key for row in app.main.pane(pane).table.rows]


def status_text(app: MopsApp) -> str:
    return str(app.main.query_one(StatusBar).render())


@pytest.mark.parametrize("size", SIZES)
async def test_panes_load_with_the_most_important_item_selected(size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        main = app.main
        assert main.pane("workflows").selected().name == "Lead Routing - Inbound MQL"
        assert main.pane("requests").selected().id == "MOPS-101"
        assert len(main.pane("requests").items) == 24
        assert main.pane("quality").selected().severity == "critical"
        assert "1/1 sources ok" in status_text(app) and "updated" in status_text(app)
        assert main.has_class("-compact") == (size == (80, 24))
        banner = main.query_one("#banner")
        assert "mopstui init" in str(banner.render())


@pytest.mark.parametrize("size", [(120, 40), (200, 50)])
async def test_the_demo_banner_is_one_line_with_the_panes_right_under_it(size):
    """No blank line between the banner and the panes, at start and after a compact spell."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        for step in ("start", "back from 80x24"):
            banner, workflows = app.main.query_one("#banner").region, app.main.pane("workflows").region
            assert banner.height == 1, step
            assert workflows.y == banner.y + 1, step
            await pilot.resize_terminal(80, 24)
            await pilot.pause()
            assert app.main.has_class("-compact")
            await pilot.resize_terminal(*size)
            await pilot.pause()


async def test_pane_switching_by_number_and_tab():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        assert app.main.active == "requests" and app.main.pane("requests").display
        assert not app.main.pane("workflows").display  # compact: one pane at a time
        await pilot.press("tab")
        assert app.main.active == "quality"
        await pilot.press("shift+tab", "shift+tab")
        assert app.main.active == "workflows"


@pytest.mark.parametrize("size", SIZES)
async def test_filter_is_live_enter_selects_first_match_escape_clears(size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        pane = app.main.pane("workflows")
        total = len(pane.table.rows)
        await pilot.press("slash", *"scoring")
        assert isinstance(app.focused, Input)
        assert [pane.items[k].name for k in row_names(app, "workflows")] == ["Scoring - Website Behaviour"]
        await pilot.press("enter")
        assert pane.selected().name == "Scoring - Website Behaviour"
        assert app.focused is pane.table
        await pilot.press("slash", "escape")
        assert len(pane.table.rows) == total


@pytest.mark.parametrize("size", SIZES)
async def test_activate_with_confirmation(size, state_dir):
    app = make_app()
    notices = record_notices(app)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, ConfirmScreen)
        body = str(app.screen.body)
        assert "Lead Routing - Inbound MQL" in body and "'demo'" in body and "Activate" in body
        await pilot.press("y")
        for _ in range(40):
            await pilot.pause(0.05)
            if "demo:1001:inactive" not in app.main.pane("workflows").items:
                break
        assert "demo:1001:inactive" not in app.main.pane("workflows").items
        assert any("Activated" in n.message for n in notices)
    log = [json.loads(line) for line in (state_dir / "audit.jsonl").read_text().splitlines()]
    assert [e["outcome"] for e in log] == ["attempt", "ok"]


async def test_cancel_changes_nothing(state_dir):
    app = make_app()
    notices = record_notices(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        await pilot.press("n")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "demo:1001:inactive" in app.main.pane("workflows").items
        assert any("Cancelled" in n.message for n in notices)
    assert not (state_dir / "audit.jsonl").exists()


async def test_read_only_refuses_with_a_notice(state_dir):
    app = make_app(read_only=True)
    notices = record_notices(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "demo:1001:inactive" in app.main.pane("workflows").items
        assert any("Read-only" in n.message for n in notices)
        assert "READ-ONLY" in status_text(app)
    assert '"refused"' in (state_dir / "audit.jsonl").read_text()


async def test_take_and_decline_with_a_canned_reply():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "t", "y")
        await pilot.pause(0.3)
        assert app.main.pane("requests").items["demo:MOPS-101"].assignee == "you"
        pane = app.main.pane("requests")
        pane.table.move_to("demo:MOPS-102")
        await pilot.press("x")
        await pilot.press("enter")  # the title says "whole database": that reply is already highlighted
        assert isinstance(app.screen, ReplyEditorScreen)
        assert "whole database" in app.screen.text
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert "demo:MOPS-102" not in pane.items


async def test_help_lists_every_key():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = {row[2] for row in app.screen.rows}
        for binding_id in (
            "activate",
            "deactivate",
            "take",
            "decline",
            "done",
            "refresh",
            "filter",
            "detail",
            "copy_link",
            "help",
            "quit",
            "next_pane",
            "pane_workflows",
            "cursor_down",
            "cursor_top",
        ):
            assert binding_id in ids
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_failing_source_shows_inline_error_and_the_rest_loads(write_config):
    text = "[sources.good]\nkind='demo'\ncontacts=300\n[sources.down]\nkind='demo'\nfail='error'\n"
    app = make_app(config_text=text, write_config=write_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        rows = app.main.pane("workflows").table.rows
        notice = " ".join(r.cells[0].plain.strip() for r in rows if r.key == "notice:down")  # wrapped lines
        assert "connection refused" in notice and "r retry" in notice
        assert any(r.key.startswith("good:") for r in rows)
        assert app.main.pane("workflows").selected().source == "good"  # an item, not the notice
        assert "1/2 sources ok (failed: down)" in status_text(app)
        assert status_text(app).startswith("1/2 sources ok")  # the summary leads: never cut at 80 columns
        await pilot.press("g", "enter")  # the inline error row, then its full text
        assert app.screen.title_text == "Source down"
        assert "connection refused" in str(app.screen.item.error)


async def test_detail_and_copy_link():
    app = make_app()
    notices = record_notices(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("enter")
        assert "Lead Routing" in app.screen.title_text
        await pilot.press("escape", "y")
        assert any("Copied https://demo.mopstui.invalid/campaigns/1001" in n.message for n in notices)


async def test_command_palette_offers_the_same_actions():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"activate selected")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Lead Routing - Inbound MQL" in str(app.screen.body)


async def test_auto_refresh_rearms_after_each_refresh(write_config):
    app = make_app(
        config_text="refresh_minutes = 0.005\n[sources.demo]\nkind='demo'\ncontacts=100\n", write_config=write_config
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        source = app.cockpit.handles["demo"].source
        fetches = 0
        original = source.fetch_requests

        async def counting():
            nonlocal fetches
            fetches += 1
            return await original()

        source.fetch_requests = counting  # type: ignore[method-assign]
        await pilot.pause(1.5)  # 0.3 s period: several refreshes, one after another
        assert fetches >= 2


async def test_selection_follows_the_top_item_until_the_user_moves(write_config):
    from dataclasses import replace

    from mopstui.core.models import WorkflowProblem

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        pane = app.main.pane("workflows")
        result = app.cockpit.results["demo"]
        from datetime import datetime

        worse = WorkflowProblem(
            "demo",
            "9999",
            "AAA Newly broken routing",
            "trigger",
            "inactive",
            "critical",
            "Trigger campaign is not active.",
            datetime.now(UTC),
            "",
            ("activate",),
        )
        # A more important item arrives while the top item is selected: the new top is selected.
        arrived = replace(result, problems=[worse, *result.problems], new_keys=result.new_keys | {worse.key})
        pane.update_results({"demo": arrived}, False)
        assert pane.selected().name == "AAA Newly broken routing"
        # Once the user moved away from the top, their selection stays put.
        await pilot.press("j")
        chosen = pane.selected().key
        pane.update_results({"demo": replace(result, problems=list(result.problems))}, False)
        assert pane.selected().key == chosen


async def test_clicking_the_status_bar_opens_the_sources_view():
    from mopstui.tui.screens.sources import SourcesScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.click(StatusBar)
        await pilot.pause(0.1)
        assert isinstance(app.screen, SourcesScreen)


async def test_help_title_names_the_keys_table_literally():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        title = app.screen.query(".dialog-title").first()
        assert "[keys] config table" in str(title.render())


async def test_bracketed_names_are_shown_exactly_in_confirmations_and_notices(monkeypatch):
    from mopstui.adapters.demo import workspace

    original = workspace._plant_campaigns

    def bracketed(ws, now):
        original(ws, now)
        ws.campaigns["1001"].name = "[OPS] Lead Routing [MQL] [bold]v2[/bold]"

    monkeypatch.setattr(workspace, "_plant_campaigns", bracketed)
    app = make_app()
    notices = record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        body = app.screen.query(".dialog-body").first()
        assert "'[OPS] Lead Routing [MQL] [bold]v2[/bold]' (id 1001)" in str(body.render())
        await pilot.press("y")
        await pilot.pause(0.3)
        note = next(n for n in notices if n.message.startswith("Activated"))
        assert not note.markup and "[OPS]" in note.message


async def test_key_hint_line_ends_in_more_and_shows_remapped_keys(write_config):
    from mopstui.tui.widgets.keyhints import KeyHints

    app = make_app(
        config_text="[keys]\nactivate = \"A\"\n[sources.demo]\nkind='demo'\ncontacts=100\n", write_config=write_config
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        hints = str(app.main.query_one(KeyHints).render())
        assert hints.rstrip().endswith("? more")
        assert "A Activate" in hints and "a Activate" not in hints


def test_requests_order_overdue_then_priority_then_new_then_oldest():
    from datetime import datetime, timedelta

    from mopstui.core.models import Request
    from mopstui.tui.panes.requests import RequestsPane

    start = datetime(2026, 11, 1, tzinfo=UTC)
    rows = [
        ("late-low", "Low", True, 0),
        ("high-new", "High", False, 9),
        ("high-old", "High", False, 1),
        ("high-newer", "High", False, 2),
        ("late-high", "High", True, 5),
        ("odd", "Odd", False, 0),
    ]
    items = {}
    for name, priority, overdue, minutes in rows:
        r = Request("demo", name, "t", "r", priority, "Open", start + timedelta(minutes=minutes), overdue=overdue)
        items[r.key] = r
    pane = RequestsPane(id="requests")
    pane.items = items
    pane.new_keys = {"demo:high-new"}
    assert [k.removeprefix("demo:") for k in pane.order()] == [
        "late-high",
        "late-low",
        "high-new",
        "high-old",
        "high-newer",
        "odd",
    ]


async def test_keys_typed_right_after_slash_go_to_the_filter():
    """A fast typist's `/scor`: no key may slip past the filter and run as a command (`s`)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        for key in ("slash", "s", "c", "o", "r"):
            app.post_message(__import__("textual.events", fromlist=["Key"]).Key(key, None if key == "slash" else key))
        await pilot.pause(0.3)
        assert app.screen is app.main
        assert app.main.pane("workflows").filter_text == "scor"


async def test_filter_on_a_big_queue_paints_a_screenful_first_then_every_match(write_config, monkeypatch):
    """With more requests than a keystroke searches at once, the rest follows: in the end the rows
    are exactly the matching requests, and "No match" is never claimed before the search is over."""
    from mopstui.tui.panes import base

    monkeypatch.setattr(base, "FIRST_SEARCHED", 500)
    app = make_app(config_text="[sources.demo]\nkind = 'demo'\nrequests = 6000\n", write_config=write_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "slash", *"suppress")
        pane = app.main.pane("requests")
        seen_no_match = []
        for _ in range(40):
            seen_no_match.append(any(k == "notice:empty" for k in row_names(app, "requests")))
            await pilot.pause(0.02)
        expected = [k for k in pane.order() if "suppress" in pane.search_text(pane.items[k]).lower()]
        assert len(expected) > 200
        assert row_names(app, "requests") == expected
        assert not any(seen_no_match)
        await pilot.press(*"zzq")
        await pilot.pause(0.3)
        assert row_names(app, "requests") == ["notice:empty"]


def test_requests_order_copes_with_naive_and_aware_times_and_all_new():
    from datetime import datetime, timedelta

    from mopstui.core.models import Request
    from mopstui.tui.panes.requests import RequestsPane

    start = datetime(2026, 11, 1, 12, 0)
    items = {}
    for i in range(200):
        created = start + timedelta(minutes=7 * i % 300)
        if i % 2:
            created = created.astimezone(UTC)  # an adapter that gives aware times, next to one that does not
        r = Request(
            "a" if i % 2 else "b", f"M-{i}", "t", "r", ["High", "Low"][i % 3 == 0], "Open", created, overdue=i % 5 == 0
        )
        items[r.key] = r
    pane = RequestsPane(id="requests")
    pane.items = items
    for new in (set(items), set(list(items)[::4]), set()):
        pane.new_keys = new
        assert pane.order() == [r.key for r in sorted(items.values(), key=pane.sort_key)]


async def test_a_quick_pane_key_then_slash_filters_that_pane_and_digits_type_into_the_filter():
    """`2/su2` in one terminal read: the filter opens on Requests (not on the pane active before
    the `2`), and a digit typed in the filter is text, not a pane switch."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        for key, char in (("2", "2"), ("slash", None), ("s", "s"), ("u", "u"), ("2", "2")):
            app.post_message(events.Key(key, char))
        await pilot.pause(0.3)
        main = app.main
        assert main.active == "requests"
        assert main.pane("requests").filter_text == "su2" and main.pane("workflows").filter_text == ""
        await pilot.press("escape", "3")
        assert main.active == "quality"
        for key, char in (("slash", None), ("d", "d"), ("u", "u"), ("p", "p"), ("enter", None), ("G", "G")):
            app.post_message(events.Key(key, char))  # enter keeps the filter; the G right after moves down
        await pilot.pause(0.3)
        pane = main.pane("quality")
        assert pane.filter_text == "dup" and app.focused is pane.table
