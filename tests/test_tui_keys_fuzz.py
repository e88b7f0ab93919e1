"""Fast keys never crash the cockpit: every bound key, in bursts, at every screen.

A terminal hands the app everything typed since the last read at once, so keys arrive before the
screen the previous key opened (or closed) has been drawn. `burst` posts key events the same way,
without waiting between them (Pilot's `press` waits for each key to be handled).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import Button, Input, OptionList

from mopstui import paths
from mopstui.config import load_config
from mopstui.tui.app import MopsApp
from mopstui.tui.screens.command_palette import CockpitPalette
from mopstui.tui.screens.confirm import ConfirmScreen
from mopstui.tui.screens.decline import DeclineScreen
from mopstui.tui.screens.detail import DetailScreen
from mopstui.tui.screens.drilldown import DrilldownScreen
from mopstui.tui.screens.help import HelpScreen
from mopstui.tui.screens.main import MainScreen
from mopstui.tui.screens.reply_editor import ReplyEditorScreen
from mopstui.tui.screens.since import SinceScreen
from mopstui.tui.screens.sources import SourcesScreen
from mopstui.tui.widgets.table import ItemTable

from fakes.pilot import loaded

#: Keys that end the app by design: a burst would stop there and prove nothing more.
QUIT_KEYS = {"q", "ctrl+q"}
EXTRA_KEYS = [
    "ctrl+p",
    "enter",
    "escape",
    "tab",
    "shift+tab",
    "pageup",
    "pagedown",
    "up",
    "down",
    "home",
    "end",
    "space",
    "backspace",
    "a",
    "b",
    "n",
    "z",
    "1",
    "2",
    "3",
]
#: Characters of the named keys that type one (what a terminal would send with them).
KEY_CHARACTERS = {
    "space": " ",
    "question_mark": "?",
    "slash": "/",
    "enter": "\r",
    "tab": "\t",
    "escape": "\x1b",
    "backspace": "\x7f",
}

#: screen name -> (keys pressed, one at a time, to get there; the screen class then on top)
START = {
    "main": ((), MainScreen),
    "help": (("question_mark",), HelpScreen),
    "detail": (("enter",), DetailScreen),
    "confirm": (("a",), ConfirmScreen),  # the selected workflow is an inactive trigger campaign
    "decline": (("2", "x"), DeclineScreen),
    "reply_editor": (("2", "x", "enter"), ReplyEditorScreen),
    "since": (("s",), SinceScreen),
    "sources": (("S",), SourcesScreen),
    "palette": (("ctrl+p",), CockpitPalette),
}
BURSTS_PER_SCREEN = 2
BURST_LENGTH = 200
SEED = 14


def bound_keys() -> list[str]:
    """Every key some binding of the cockpit, its screens or the widgets on them answers."""
    holders: Iterable[type] = (
        MopsApp,
        MainScreen,
        ItemTable,
        Input,
        OptionList,
        Button,
        CommandPalette,
        ConfirmScreen,
        DeclineScreen,
        ReplyEditorScreen,
        DetailScreen,
        DrilldownScreen,
        HelpScreen,
        SinceScreen,
        SourcesScreen,
    )
    keys: set[str] = set(EXTRA_KEYS)
    for holder in holders:
        for klass in holder.__mro__:
            for binding in vars(klass).get("BINDINGS", []):
                if isinstance(binding, Binding):
                    keys.update(k.strip() for k in binding.key.split(","))
    return sorted(keys - QUIT_KEYS)


def burst(app: App, keys: Iterable[str]) -> None:
    """Queue every key at once, as one read of the terminal delivers them."""
    for key in keys:
        character = KEY_CHARACTERS.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


async def back_to_cockpit(pilot) -> None:
    """Escape out of whatever the burst left open (dialogs, palette, filter line)."""
    app = pilot.app
    for _ in range(12):
        if isinstance(app.screen, MainScreen) and not isinstance(app.focused, Input):
            return
        await pilot.press("escape")
        await pilot.pause(0.05)
    raise AssertionError(f"escape did not lead back to the cockpit: {app.screen!r} on top, focus {app.focused!r}")


def test_the_burst_holds_every_kind_of_key():
    keys = bound_keys()
    for key in (
        "ctrl+p",
        "enter",
        "escape",
        "tab",
        "pageup",
        "pagedown",
        "slash",
        "question_mark",
        "space",
        "a",
        "d",
        "t",
        "x",
        "m",
        "y",
        "e",
        "r",
        "s",
        "S",
        "j",
        "k",
        "n",
    ):
        assert key in keys
    assert not QUIT_KEYS & set(keys)


@pytest.mark.parametrize("start", list(START))
async def test_bursts_of_bound_keys_at_every_screen_leave_the_cockpit_answering(start, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the palette's screenshot command writes into the working dir
    keys = bound_keys()
    rng = random.Random(f"{SEED}-{start}")
    path_keys, screen_class = START[start]
    for run in range(BURSTS_PER_SCREEN):
        size = (80, 24) if run % 2 == 0 else (120, 40)
        app = MopsApp(load_config(paths.config_path()))
        sent = [rng.choice(keys) for _ in range(BURST_LENGTH)]
        async with app.run_test(size=size) as pilot:
            await loaded(pilot)
            await pilot.press(*path_keys)
            await pilot.pause(0.1)
            assert isinstance(app.screen, screen_class)
            burst(app, sent)
            await pilot.pause(0.5)
            await app.workers.wait_for_complete()
            await pilot.pause(0.1)
            assert app.return_code is None and app.is_running, f"{start} burst {run} ended the app: {sent}"
            await back_to_cockpit(pilot)
            # and it still does what a key says
            await pilot.press("question_mark")
            await pilot.pause(0.05)
            assert isinstance(app.screen, HelpScreen), f"{start} burst {run}: ? no longer opens help"
            await pilot.press("escape")
            await pilot.press("q")
            await pilot.pause(0.2)
        assert app.return_code == 0, f"{start} burst {run}: the app did not quit cleanly: {sent}"


async def test_two_enters_in_one_read_in_the_decline_picker_open_one_editor():
    app = MopsApp(load_config(paths.config_path()))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "x")
        assert isinstance(app.screen, DeclineScreen)
        burst(app, ["enter", "enter"])
        await pilot.pause(0.3)
        assert app.return_code is None
        assert [type(s).__name__ for s in app.screen_stack] == ["MainScreen", "ReplyEditorScreen"]
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


@pytest.mark.parametrize("page_key", ["pageup", "pagedown"])
async def test_ctrl_p_then_page_keys_in_one_read_leave_the_palette_open(page_key):
    app = MopsApp(load_config(paths.config_path()))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        burst(app, ["ctrl+p", page_key, page_key])
        await pilot.pause(0.3)
        assert app.return_code is None
        assert CommandPalette.is_open(app)
        await pilot.press(page_key, "escape")  # once drawn, paging works and escape closes it
        assert isinstance(app.screen, MainScreen)


async def test_enters_queued_behind_a_palette_command_run_it_once():
    app = MopsApp(load_config(paths.config_path()))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p", *"credentials")  # one match: the sources view
        await pilot.pause(0.3)  # the matching commands are listed
        burst(app, ["enter", "enter", "enter", "enter"])
        await pilot.pause(0.3)
        assert app.return_code is None
        assert [type(s).__name__ for s in app.screen_stack] == ["MainScreen", "SourcesScreen"]
