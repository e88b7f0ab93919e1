"""The TUI's shape: no import cycles between its modules, no mixins, no Textual internals."""

from __future__ import annotations

import ast
from pathlib import Path

import mopstui.tui

TUI = Path(mopstui.tui.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(TUI.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _tui_imports() -> dict[str, set[str]]:
    """Each mopstui.tui module -> the mopstui.tui modules it imports anywhere (TYPE_CHECKING and
    function-local imports included: a cycle held apart by them is still a cycle to read)."""
    modules = {_module_name(p): p for p in TUI.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
        graph[name] = {m for m in found if m in modules and m != name and not name.startswith(f"{m}.")}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a list of modules, or [] when there is none."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return []


def test_no_import_cycles_in_the_tui() -> None:
    assert _cycle(_tui_imports()) == []


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]


def test_the_app_and_the_main_screen_are_no_web_of_mixins() -> None:
    from textual.app import App
    from textual.screen import Screen

    from mopstui.tui.app import MopsApp
    from mopstui.tui.screens.main import MainScreen

    assert MainScreen.__bases__ == (Screen,)
    assert MopsApp.__bases__ == (App,)


def test_no_private_textual_api_in_mopstui() -> None:
    """No `x._name` where `_name` is one of Textual's own private attributes (`_notifications`,
    `_refresh_truecolor_filter`, `_watch_theme`...), read, called or defined over."""
    from textual.app import App
    from textual.screen import ModalScreen, Screen
    from textual.widget import Widget
    from textual.widgets import Input, Static

    private = {
        n
        for cls in (App, Screen, ModalScreen, Widget, Static, Input)
        for n in dir(cls)
        if n.startswith("_") and not n.startswith("__")
    }
    hits = []
    for path in sorted(TUI.parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = (
                node.attr
                if isinstance(node, ast.Attribute)
                else node.name
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                else None
            )
            if name in private:
                hits.append(f"{path.relative_to(TUI.parent.parent)}:{node.lineno} {name}")  # type: ignore[attr-defined]
    assert hits == []


async def test_data_arrives_as_messages_and_an_action_finished_reaches_the_app(state_dir: Path) -> None:
    """Each source's answer and the end of the refresh are messages to the app; an action's end is
    a message on the main screen that bubbles on to the app (which saves the snapshot)."""
    from textual.message import Message

    from mopstui import paths
    from mopstui.config import load_config
    from mopstui.tui.app import MopsApp
    from mopstui.tui.messages import ActionFinished, RefreshFinished, SourceAnswered

    from fakes.pilot import loaded

    app = MopsApp(load_config(paths.config_path()))
    seen: list[str] = []
    post = app.post_message

    def recording(message: Message) -> bool:
        seen.append(type(message).__name__)
        return post(message)

    app.post_message = recording  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert seen.count(SourceAnswered.__name__) == 1 and seen.count(RefreshFinished.__name__) == 1
        await pilot.press("a", "y")
        for _ in range(60):
            await pilot.pause(0.05)
            if ActionFinished.__name__ in seen:
                break
        assert ActionFinished.__name__ in seen
        assert "demo:1001:inactive" not in app.main.pane("workflows").items
