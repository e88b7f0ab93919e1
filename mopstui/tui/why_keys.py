"""What `w` and a guarded `a` need from the cockpit screen: which items can be diagnosed, and the
screens they open (the main screen binds the keys; see screens/main.py)."""

from __future__ import annotations

from typing import Any, Protocol

from mopstui.config import Config
from mopstui.core import why
from mopstui.core.models import ActionOutcome, WorkflowProblem
from mopstui.core.service import Cockpit
from mopstui.tui.messages import ActionFinished


class MainScreen(Protocol):
    """What these keys use of the cockpit screen (screens/main.py), named here without importing it."""

    cockpit: Cockpit
    config: Config

    @property
    def app(self) -> Any: ...

    def pane(self, name: str) -> Any: ...

    def notify(self, message: str, *, severity: Any = ...) -> None: ...

    def post_message(self, message: Any) -> bool: ...

    def run_confirmed(self, pane: str, item: Any, action: str) -> None: ...


def can_diagnose(screen: MainScreen, item: object) -> bool:
    """A workflow of a source that can diagnose its workflows (Marketo, HubSpot, the demo)."""
    if not isinstance(item, WorkflowProblem):
        return False
    handle = screen.cockpit.handles.get(item.source)
    return handle is not None and "why" in handle.source.capabilities


def open_why(screen: MainScreen) -> None:
    """`w`: the diagnosis of the selected workflow."""
    item = screen.pane("workflows").selected()
    if not isinstance(item, WorkflowProblem):
        screen.notify("Select a campaign or flow first: press 1, then j/k", severity="warning")
        return
    if not can_diagnose(screen, item):
        screen.notify(f"Source '{item.source}' cannot tell why a workflow won't send", severity="warning")
        return
    from mopstui.tui.screens.why import WhyScreen

    def finished(source: str, action: str, outcome: ActionOutcome) -> None:
        screen.post_message(ActionFinished(source, action, outcome))  # told and redrawn as any action

    screen.app.push_screen(WhyScreen(screen.cockpit, item, screen.config.audience_guard_percent, finished))


def confirm_activation(screen: MainScreen, item: WorkflowProblem, title: str, body: str) -> None:
    """`a` on a source that counts audiences: the confirmation says who it reaches, and guards."""
    from mopstui.tui.screens.guard import GuardedConfirmScreen

    cockpit, source, target = screen.cockpit, item.source, item.id

    def answered(ok: bool | None) -> None:
        if ok:
            screen.run_confirmed("workflows", item, "activate")
        else:
            screen.notify(f"Cancelled: nothing was changed on {source}", severity="information")

    counter = lambda: why.count_audience(cockpit, source, target)  # noqa: E731
    screen.app.push_screen(GuardedConfirmScreen(title, body, screen.config.audience_guard_percent, counter), answered)
