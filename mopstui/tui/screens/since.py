"""Since you last looked: what appeared, what was resolved and which quality counts moved.

The cockpit compares with what the previous cockpit session last showed, whatever cron checks ran
in between, so the view answers "what happened while I was away" and names the moment it compares
with.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mopstui.core.memory import ChangedItem, SinceLastCheck, when
from mopstui.core.safe_text import visible
from mopstui.tui.format import SEVERITY_GLYPH
from mopstui.tui.screens.dialog import Dialog


class SinceScreen(Dialog[None]):
    """A read-only summary; escape (or s) closes it."""

    BINDINGS = [Binding("escape,q,s", "close", "Close", id="since_close")]

    def __init__(self, since: SinceLastCheck, reviewed: set[str], now: datetime | None = None) -> None:
        super().__init__()
        self.since = since
        self.reviewed = reviewed
        self.now = now or datetime.now(UTC)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="since", classes="dialog"):
            yield Static(f"{self._title()}  (escape to close)", classes="dialog-title")
            yield Static(self._baselines())
            yield Static(self._items(f"Appeared ({len(self.since.appeared)})", self.since.appeared, mark_reviewed=True))
            yield Static(self._items(f"Resolved ({len(self.since.resolved)})", self.since.resolved))
            yield Static(self._metrics())

    def _title(self) -> str:
        """`Since you last looked: yesterday 17:42` (the latest moment compared with), or the check's."""
        mine = [at for at in self.since.baseline_at.values() if at is not None]
        words = "Since you last looked" if self.since.origin == "cockpit" else "Since last check"
        return f"{words}: {when(max(mine), self.now)}" if mine else words

    def _baselines(self) -> Text:
        text = Text()
        for name, at in sorted(self.since.baseline_at.items()):
            if name in self.since.failed:
                text.append(f"{name}: failed this time, nothing to compare\n", style="bold")
            elif at is None:
                text.append(f"{name}: first look, everything is new\n", style="dim")
            elif self.since.origin == "cockpit":
                text.append(f"{name}: since you last looked, {when(at, self.now)}\n", style="dim")
            else:
                text.append(f"{name}: since the check at {when(at, self.now)}\n", style="dim")
        if not self.since.baseline_at:
            text.append("Waiting for the first answers…", style="dim italic")
        return text

    def _items(self, title: str, items: list[ChangedItem], *, mark_reviewed: bool = False) -> Table:
        table = _section(title)
        table.add_column(no_wrap=True, width=2)
        table.add_column(ratio=3)
        table.add_column(ratio=4, style="dim")
        if not items:
            table.add_row("", Text("nothing", style="dim"), "")
        for item in items:
            glyph = SEVERITY_GLYPH.get(item.severity, "·") if item.what == "workflow" else "□"
            label = Text(visible(f"{item.id}  {item.title}" if item.what == "request" else item.title))
            if mark_reviewed and item.key in self.reviewed:
                label.append("  (reviewed)", style="dim")
            table.add_row(glyph, label, Text(visible(item.detail)))  # platform text: never markup nor controls
        return table

    def _metrics(self) -> Table:
        table = _section("Quality counts that moved")
        table.add_column(ratio=3)
        table.add_column(justify="right")
        table.add_column(justify="right")
        if not self.since.metrics:
            table.add_row(Text("no change", style="dim"), "", "")
        for change in self.since.metrics:
            table.add_row(
                Text(visible(change.label)),
                str(change.count),
                Text(f"{change.delta:+d}", style="bold" if change.delta > 0 else "dim"),
            )
        return table

    def action_close(self) -> None:
        self.dismiss(None)


def _section(title: str) -> Table:
    """A titled, borderless table: one section of the view."""
    return Table(
        title=title, title_justify="left", title_style="bold", show_header=False, box=None, padding=(0, 1), expand=True
    )
