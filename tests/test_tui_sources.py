"""The sources view: S or the palette opens it; state, calls and where credentials came from."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from mopstui import adapters
from mopstui.config import load_config
from mopstui.tui.app import MopsApp
from mopstui.tui.screens.sources import SourcesScreen, source_rows

from fakes.secret_source import KIND, TARGET

SECRET = "planted-sources-view-31337"
CONFIG = '[sources.crm]\nkind = "vault-test"\nbase_url = "https://crm.invalid"\n\n[sources.demo]\nkind = "demo"\n'


@pytest.fixture
def app(monkeypatch, memory_keyring, write_config) -> MopsApp:
    monkeypatch.setitem(adapters.BUILTIN_KINDS, KIND, TARGET)
    memory_keyring.set_password("mopstui", "crm.api_key", SECRET)
    return MopsApp(load_config(write_config(CONFIG)))


def rendered(screen: SourcesScreen) -> str:
    console = Console(width=110, record=True, file=io.StringIO())
    console.print(screen._table())
    return console.export_text()


async def settled(pilot) -> None:
    for _ in range(100):
        await pilot.pause(0.05)
        if all(s.state in ("ok", "error") for s in pilot.app.cockpit.statuses):
            return
    raise AssertionError("sources did not answer")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_S_opens_the_sources_view(app, size):
    async with app.run_test(size=size) as pilot:
        await settled(pilot)
        await pilot.press("S")
        assert isinstance(app.screen, SourcesScreen)
        text = rendered(app.screen)
        assert "crm" in text and "demo" in text and "api_key: keyring" in text and "none needed" in text
        assert SECRET not in text
        await pilot.press("escape")
        assert not isinstance(app.screen, SourcesScreen)


async def test_rows_say_state_calls_and_credential_origin(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        rows = {row.name: row for row in source_rows(app.cockpit)}
        assert rows["crm"].state == "error" and rows["crm"].secrets == "api_key: keyring"
        assert "api_key=***" in rows["crm"].error and SECRET not in rows["crm"].error
        assert rows["demo"].state == "ok" and rows["demo"].secrets == "none needed"
        assert int(rows["demo"].calls) > 0 and rows["demo"].fetched != "never"


async def test_palette_offers_the_sources_view(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await app.run_action("app.sources")  # what the palette entry runs
        await pilot.pause()
        assert isinstance(app.screen, SourcesScreen)
    from mopstui.tui.palette_commands import COMMANDS

    assert any(action == "app.sources" for _, action, _ in COMMANDS)
    assert ("S", "Sources", "sources") in [(k, d, i) for k, d, i in app.binding_rows()]


async def test_r_refreshes_from_the_sources_view(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        before = app.cockpit.results["demo"].status.fetched_at
        await pilot.press("S")
        await pilot.pause(0.05)
        await pilot.press("r")
        await settled(pilot)
        for _ in range(40):
            if app.cockpit.results["demo"].status.fetched_at != before:
                break
            await pilot.pause(0.05)
        assert app.cockpit.results["demo"].status.fetched_at != before
        assert isinstance(app.screen, SourcesScreen)
