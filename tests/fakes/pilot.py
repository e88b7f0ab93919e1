"""Pilot helpers shared by the TUI tests."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.message import Message
from textual.notifications import Notification, Notify


async def loaded(pilot: Any) -> None:
    """Wait until the first refresh has finished and the Workflows pane has items."""
    app = pilot.app
    for _ in range(100):
        await pilot.pause(0.05)
        if not app.cockpit.refreshing and app.main is not None and app.main.pane("workflows").items:
            return
    raise AssertionError("cockpit did not load")


def record_notices(app: App[Any]) -> list[Notification]:
    """Every notification `app` shows from now on, in order, as shown (call before run_test).

    Textual's `App.notify` posts each one as a public `Notify` message; this keeps a copy of
    each (after the app's own cleaning), so tests need not read Textual's private store."""
    shown: list[Notification] = []
    post = app.post_message

    def recording(message: Message) -> bool:
        if isinstance(message, Notify):
            shown.append(message.notification)
        return post(message)

    app.post_message = recording  # type: ignore[method-assign]
    return shown
