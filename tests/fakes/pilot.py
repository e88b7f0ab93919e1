"""Pilot helpers shared by the TUI tests."""

from __future__ import annotations

from typing import Any


async def loaded(pilot: Any) -> None:
    """Wait until the first refresh has finished and the Workflows pane has items."""
    app = pilot.app
    for _ in range(100):
        await pilot.pause(0.05)
        if not app.cockpit.refreshing and app.main is not None and app.main.pane("workflows").items:
            return
    raise AssertionError("cockpit did not load")
