"""The `sources` key (S) and palette entry: opens the sources view. Mixed into MopsApp."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mopstui.core.service import Cockpit


class SourcesKeys:
    """Action `sources` for the app (which provides `cockpit` and `push_screen`)."""

    if TYPE_CHECKING:  # provided by MopsApp
        cockpit: Cockpit

        def push_screen(self, screen: Any) -> Any: ...

    def action_sources(self) -> None:
        from mopstui.tui.screens.sources import SourcesScreen

        self.push_screen(SourcesScreen(self.cockpit))
