"""The Source contract is checked and open: a capability typo is refused when the adapter class is
defined (one line at start, naming the adapter), and an adapter's own workflow kind, problem,
severity or action shows in the cockpit and the report without a KeyError."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import ClassVar

import pytest

from mopstui.cli import main
from mopstui.config import load_config
from mopstui.core.errors import ConfigError
from mopstui.core.models import ActionOutcome, WorkflowProblem, WorkflowScan
from mopstui.core.source import AdapterError, Source
from mopstui.tui.app import MopsApp
from mopstui.tui.screens.confirm import ConfirmScreen
from mopstui.tui.screens.detail import DetailScreen

from fakes.pilot import loaded

JOURNEYS = '[sources.jny]\nkind = "journeys"\n'


def test_a_capability_typo_is_refused_when_the_adapter_is_defined() -> None:
    with pytest.raises(AdapterError) as err:

        class TypoSource(Source):
            capabilities = frozenset({"workflow", "actions"})

    message = str(err.value)
    assert "TypoSource" in message and "'workflow'" in message and "workflows" in message
    assert "\n" not in message


def test_capabilities_given_as_one_string_are_refused() -> None:
    with pytest.raises(AdapterError, match="must be a set of names"):

        class StringSource(Source):
            capabilities = "workflows"  # type: ignore[assignment]


def _typo_kind(kind: str) -> type[Source]:
    class TypoSource(Source):  # defined when the kind is loaded, as a plugin's import would
        capabilities = frozenset({"qualty"})

    return TypoSource


def test_a_broken_adapter_is_one_config_line_naming_the_source(
    write_config,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    import mopstui.config as config_mod

    monkeypatch.setattr(config_mod, "load_kind", _typo_kind)
    path = write_config('[sources.crm]\nkind = "typo"\n')
    with pytest.raises(ConfigError, match=r"sources\.crm\.kind: adapter .*TypoSource: unknown capability 'qualty'"):
        load_config(path)
    assert main(["--config", str(path), "check"]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown capability 'qualty'" in err and "Traceback" not in err


class JourneySource(Source):
    """A platform with its own workflow kind, problem, severity and actions."""

    kind = "journeys"
    capabilities = frozenset({"workflows", "actions"})
    action_labels: ClassVar[Mapping[str, str]] = {"activate": "Activate", "pause": "Pause"}

    async def fetch_workflows(self) -> WorkflowScan:
        if ("activate", "j-1") in PERFORMED:
            return WorkflowScan([])
        return WorkflowScan(
            [
                WorkflowProblem(
                    source=self.name,
                    id="j-1",
                    name="Welcome journey",
                    kind="journey",  # type: ignore[arg-type]
                    problem="paused-by-platform",
                    severity="critical",
                    detail="Paused after a bounce spike.",  # type: ignore[arg-type]
                    actions=("activate", "pause"),
                ),
                WorkflowProblem(
                    source=self.name,
                    id="j-2",
                    name="Renewal journey",
                    kind="journey",  # type: ignore[arg-type]
                    problem="throttled",
                    severity="major",
                    detail="Sends held back.",  # type: ignore[arg-type]
                    actions=("pause",),
                ),
            ]
        )

    async def perform(self, action: str, target: str, params: Mapping[str, str]) -> ActionOutcome:
        PERFORMED.append((action, target))
        return ActionOutcome(True, f"{action}: {target} done")


PERFORMED: list[tuple[str, str]] = []


@pytest.fixture
def journeys(write_config, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    import mopstui.config as config_mod

    real = config_mod.load_kind
    monkeypatch.setattr(config_mod, "load_kind", lambda kind: JourneySource if kind == "journeys" else real(kind))
    PERFORMED.clear()
    return write_config(JOURNEYS)


async def test_an_adapters_own_kind_and_action_show_and_run_in_the_cockpit(journeys) -> None:  # type: ignore[no-untyped-def]
    app = MopsApp(load_config(journeys))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        pane = app.main.pane("workflows")
        assert {item.name for item in pane.items.values()} == {"Welcome journey", "Renewal journey"}
        assert pane.selected().name == "Welcome journey"  # the known severity sorts before the unknown one
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("escape", "a")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Welcome journey" in app.screen.body and "'jny'" in app.screen.body
        await pilot.press("y")
        for _ in range(40):
            await pilot.pause(0.05)
            if "jny:j-1:paused-by-platform" not in pane.items:
                break
        assert PERFORMED == [("activate", "j-1")]
        assert "jny:j-1:paused-by-platform" not in pane.items
        assert app.is_running


async def test_an_adapters_own_kind_shows_in_the_report(journeys, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("text", "markdown", "json"):
        await asyncio.to_thread(main, ["--config", str(journeys), "check", "--format", fmt])
        out, err = capsys.readouterr()
        assert "Welcome journey" in out and "Renewal journey" in out and "Traceback" not in err
