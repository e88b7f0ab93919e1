"""The status bar: `N/N sources ok · updated HH:MM` (or `refreshing…`), then each source's state.

While a refresh runs, each source that has not answered yet says `⟳ name refreshing…`."""

from __future__ import annotations

from rich.text import Text

from mopstui.core.service import SourceStatus
from mopstui.tui.colours import Colours
from mopstui.tui.format import local_hhmm
from mopstui.tui.widgets.oneline import OneLine

STATE_GLYPH = {"ok": "✓", "error": "✖", "loading": "⟳", "idle": "·"}


class StatusBar(OneLine):
    """Clicking it opens the sources view (the `S` key does the same)."""

    async def on_click(self) -> None:
        await self.app.run_action("app.sources")

    def show(self, palette: Colours, statuses: list[SourceStatus], summary: str, read_only: bool) -> None:
        text = Text()
        if read_only:
            text.append(" READ-ONLY ", style="bold reverse")
            text.append(" ")
        # The summary first: on a narrow terminal it is what must not be cut off.
        if statuses and all(s.state in ("ok", "error") for s in statuses):
            ok = all(s.state == "ok" for s in statuses)
            text.append(summary, style=palette["ok"] if ok else palette["critical"])
            latest = max((s.fetched_at for s in statuses if s.fetched_at), default=None)
            text.append(f" · updated {local_hhmm(latest)}")
        else:
            text.append("refreshing…", style="dim")
        for status in statuses:
            style = {"ok": palette["ok"], "error": palette["critical"]}.get(status.state, "dim")
            text.append(" │ ", style="dim")
            text.append(f"{STATE_GLYPH.get(status.state, '?')} {status.name}", style=style)
            if status.state == "ok":
                text.append(f" {status.calls} calls", style="dim")
            elif status.state == "loading":
                text.append(" refreshing…", style="dim")
            if status.health:
                text.append(f" {status.health}", style=palette["warning"])
        self.set_text(text)
