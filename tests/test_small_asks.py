"""Small things users ask for: the palette's theme pick is remembered (in the state dir, never in
the config file), and export is in the palette."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mopstui.config import parse_config
from mopstui.tui.app import MopsApp
from mopstui.tui.palette_commands import COMMANDS

from fakes.pilot import loaded, record_notices


def _config(config_theme: str | None):  # type: ignore[no-untyped-def]
    extra = {"theme": config_theme} if config_theme else {}
    return parse_config({"sources": {"demo": {"kind": "demo"}}, **extra}, Path("t.toml"))


async def _pick_in_palette(theme: str, config_theme: str | None = None) -> None:
    app = MopsApp(_config(config_theme))
    async with app.run_test(size=(100, 30)) as pilot:
        app.search_themes()  # the palette's "Theme" command: a search over the themes
        await pilot.pause()
        await pilot.press(*theme)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == theme


async def _theme_at_start(theme: str | None = None, config_theme: str | None = None) -> str:
    app = MopsApp(_config(config_theme), theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        return app.theme


async def test_the_palettes_theme_pick_is_remembered_in_the_state_dir(state_dir: Path, config_dir: Path) -> None:
    config_file = config_dir / "config.toml"
    config_file.write_text('theme = "mops-dark"\n', encoding="utf-8")
    await _pick_in_palette("mops-light", config_theme="mops-dark")
    assert await _theme_at_start(config_theme="mops-dark") == "mops-light"  # the pick beats config.theme
    assert await _theme_at_start("mops-high-contrast") == "mops-high-contrast"  # --theme beats the pick
    assert await _theme_at_start() == "mops-light"  # and --theme was for that run only
    assert config_file.read_text(encoding="utf-8") == 'theme = "mops-dark"\n'  # config untouched
    if os.name == "posix":
        assert stat.S_IMODE((state_dir / "theme").stat().st_mode) == 0o600


async def test_a_remembered_theme_that_is_gone_falls_back_to_the_config(state_dir: Path) -> None:
    (state_dir / "theme").write_text("mops-deleted-theme\n", encoding="utf-8")
    assert await _theme_at_start(config_theme="mops-light") == "mops-light"


async def test_export_is_in_the_palette() -> None:
    assert any(action == "screen.export" for _, action, _ in COMMANDS)
    app = MopsApp(_config(None))
    notices = record_notices(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p", *"Export rows")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        # the demo has no contact rows to export: the palette ran the same action as `e`
        assert any("Export works on a data-quality metric" in str(n.message) for n in notices)
