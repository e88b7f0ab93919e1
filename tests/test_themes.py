"""Themes as data and the [keys] keymap: shipped themes load, bad files are reported and skipped,
unknown ids and conflicts are reported in the app, help shows remapped keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from mopstui.config import parse_config
from mopstui.tui import keymap, themes

from fakes.pilot import record_notices


def _config(**extra: object):  # type: ignore[no-untyped-def]
    return parse_config({"sources": {"demo": {"kind": "demo"}}, **extra}, Path("t.toml"))


def test_shipped_themes_load_with_our_tokens() -> None:
    found = themes.load_themes(user_dir=Path("/nonexistent"))
    assert found.problems == []
    assert {"mops-dark", "mops-light", "mops-high-contrast", "mops-ansi"} <= set(found.themes)
    for theme in found.themes.values():
        assert all(token in theme.variables for token in themes.TOKENS), theme.name
    assert found.themes["mops-ansi"].ansi is True
    for file in themes.shipped_theme_files():  # start-up skips this full check for shipped themes
        themes.parse_theme(file.read_text("utf-8"), str(file), derive=True)  # raises if unusable


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('name = "x"\nprimary = "nope"', "'primary' = 'nope' is not a colour"),
        ('name = "x"', "'primary' is required"),
        ('name = "x"\nprimary = "#fff"\ncolour = "#fff"', "unknown key 'colour'"),
        ('name = "x"\nprimary = "#fff"\n[variables]\nmops-critical = "reddish"', "'variables.mops-critical'"),
        ('name = "x"\nprimary = "#fff"\ndark = "yes"', "'dark' expected true or false"),
        ("name = ", "invalid TOML"),
    ],
)
def test_bad_theme_file_says_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(themes.ThemeFileError, match=None) as err:
        themes.parse_theme(text)
    assert fragment in str(err.value)


def test_user_theme_dir_bad_file_skipped_good_one_kept(config_dir: Path) -> None:
    folder = config_dir / "themes"
    folder.mkdir()
    (folder / "broken.toml").write_text('name = "broken"\nprimary = "nope"\n')
    (folder / "mine.toml").write_text('name = "mine"\nprimary = "#336699"\n[variables]\nmops-critical = "#ff0000"\n')
    found = themes.load_themes()
    assert "mine" in found.themes and "broken" not in found.themes
    assert len(found.problems) == 1 and found.problems[0].path.endswith("broken.toml")


def test_choose_theme_falls_back_with_a_warning() -> None:
    assert themes.choose_theme(None, ["mops-dark", "textual-dark"]) == ("mops-dark", None)
    name, warning = themes.choose_theme("nope", ["mops-dark"])
    assert name == "mops-dark" and warning and "'nope'" in warning


def test_keymap_reports_unknown_id_and_conflict_and_applies_the_rest() -> None:
    from mopstui.tui.app import MopsApp
    from mopstui.tui.screens.main import MainScreen
    from mopstui.tui.widgets.table import ItemTable

    keymap.import_tui_modules()
    scopes = keymap.discover_scopes(MopsApp, MainScreen, [ItemTable])
    valid, problems = keymap.check_keymap({"activate": "A", "take": "q", "bogus": "z"}, scopes)
    assert valid == {"activate": "A"}
    assert any("'bogus'" in p for p in problems)
    assert any("take" in p and "'quit'" in p for p in problems)
    # Swapping two keys is not a conflict.
    valid, problems = keymap.check_keymap({"activate": "d", "deactivate": "a"}, scopes)
    assert problems == [] and valid == {"activate": "d", "deactivate": "a"}


async def test_app_notifies_problems_and_help_shows_remapped_keys(config_dir: Path) -> None:
    from mopstui.tui.app import MopsApp

    (config_dir / "themes").mkdir()
    (config_dir / "themes" / "bad.toml").write_text("primary = 1\n")
    app = MopsApp(_config(theme="mops-light", keys={"activate": "A", "bogus": "z"}))
    notices = record_notices(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "mops-light"
        messages = [n.message for n in notices]
        assert any("bad.toml" in m for m in messages)
        assert any("'bogus'" in m for m in messages)
        rows = {binding_id: keys for keys, _, binding_id in app.binding_rows()}
        assert rows["activate"] == "A"
        app.theme = "mops-high-contrast"  # as the command palette's theme picker does
        await pilot.pause()
        assert app.main is not None


async def test_no_color_starts_and_keeps_glyphs(monkeypatch: pytest.MonkeyPatch) -> None:
    from mopstui.tui.app import MopsApp

    monkeypatch.setenv("NO_COLOR", "1")
    app = MopsApp(_config())
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            if all(s.state == "ok" for s in app.cockpit.statuses):
                break
            await pilot.pause(0.01)
        await pilot.pause()
        assert app.no_color
        text = "".join(str(app.main.pane("workflows").table.render_line(y).text) for y in range(1, 4))
        assert "✖" in text


async def test_chosen_theme_paints_first_and_a_switch_restyles_everything() -> None:
    from mopstui.tui.app import MopsApp

    app = MopsApp(_config(theme="mops-light"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        light = app.available_themes["mops-light"]
        assert "-theme-mops-light" in app.classes and "-light-mode" in app.classes
        assert app.screen.styles.background.hex.lower() == light.background.lower()
        app.theme = "mops-dark"  # switching later (command palette) restyles everything
        await pilot.pause()
        assert "-theme-mops-light" not in app.classes and "-dark-mode" in app.classes
        assert app.screen.styles.background.hex.lower() == app.available_themes["mops-dark"].background.lower()


@pytest.mark.parametrize("theme", ["mops-dark", "mops-high-contrast"])
async def test_the_chosen_theme_costs_no_second_css_parse_at_start(monkeypatch: pytest.MonkeyPatch, theme: str) -> None:
    """The stylesheet is parsed once, already in the chosen theme's colours (Textual re-parses
    all CSS when `theme` changes, which before the start is work for nothing). Themes that differ
    from Textual's default in darkness or ANSI colour keep Textual's watcher (its colour filter)."""
    from textual.css.stylesheet import Stylesheet

    from mopstui.tui.app import MopsApp

    reparsed: list[int] = []
    reparse = Stylesheet.reparse
    monkeypatch.setattr(Stylesheet, "reparse", lambda self: (reparsed.append(1), reparse(self))[1])
    app = MopsApp(_config(), theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert f"-theme-{theme}" in app.classes
        assert app.screen.styles.background.hex.lower() == app.available_themes[theme].background.lower()
        assert reparsed == []
        app.theme = "textual-dark"  # a later switch still re-styles everything
        await pilot.pause()
        assert reparsed == [1]


@pytest.mark.parametrize("theme", ["mops-dark", "mops-light", "mops-high-contrast", "mops-ansi"])
async def test_every_shipped_theme_starts_and_draws_the_cockpit(theme: str) -> None:
    """A theme's colours reach Rich styles (key hints, severities): mops-ansi's `ansi_yellow`
    once crashed the cockpit at its first paint."""
    from mopstui.tui.app import MopsApp

    app = MopsApp(_config(), theme=theme)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            if app.main is not None and app.main.pane("workflows").items:
                break
            await pilot.pause(0.01)
        await pilot.pause()
        assert app.theme == theme and app.main is not None
        hints = app.main.query_one("#keyhints").render()
        assert "palette" in str(hints)
        rows = "".join(str(app.main.pane("workflows").table.render_line(y).text) for y in range(1, 4))
        assert "✖" in rows
