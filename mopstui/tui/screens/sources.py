"""Sources: each source's state, last fetch, API calls, health and where its credentials came from.

Reads only what the cockpit and the credential cache already know: opening it never calls a
platform or the keyring. It redraws every second, so a refresh running underneath shows live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mopstui import credentials
from mopstui.core.memory import when
from mopstui.core.safe_text import visible
from mopstui.core.service import Cockpit
from mopstui.tui.screens.dialog import Dialog

STATE_STYLE = {"ok": "bold green", "error": "bold red", "loading": "yellow", "idle": "dim"}


@dataclass(frozen=True)
class SourceRow:
    """One line of the sources view."""

    name: str
    kind: str
    state: str
    fetched: str
    calls: str
    health: str
    secrets: str
    error: str


def source_rows(cockpit: Cockpit, now: datetime | None = None) -> list[SourceRow]:
    """One row per source, in config order; credentials as `field: origin` (never a value)."""
    now = now or datetime.now(UTC)
    rows = []
    for name, handle in cockpit.handles.items():
        status = cockpit.results[name].status
        fields = type(handle.source).secret_fields
        places = []
        for field in fields:
            found = credentials.cached(name, field)
            places.append(f"{field}: {found.origin if found else 'not looked up'}")
        read_only = " (read-only)" if status.read_only else ""
        rows.append(
            SourceRow(
                name=visible(name),
                kind=visible(status.kind) + read_only,
                state=status.state,
                fetched=when(status.fetched_at, now) if status.fetched_at else "never",
                calls=str(status.calls),
                health=visible(status.health or ""),
                secrets=", ".join(places) if places else "none needed",
                error=visible(status.error),
            )
        )
    return rows


class SourcesScreen(Dialog[None]):
    """A read-only table of the sources; escape (or S) closes it."""

    DEFAULT_CSS = """
    #sources { width: 100; }
    """
    BINDINGS = [
        Binding("escape,q,S", "close", "Close", id="sources_close"),
        # A modal stops the app's keys; refreshing while watching the sources is the point of it.
        Binding("r", "app.refresh_all", "Refresh", id="sources_refresh"),
    ]

    def __init__(self, cockpit: Cockpit) -> None:
        super().__init__()
        self.cockpit = cockpit

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="sources", classes="dialog"):
            yield Static("Sources  (escape to close; r refreshes)", classes="dialog-title")
            yield Static(id="sources-table")
            yield Static(
                "Credentials: env, keyring, file (plain text, 0600) or missing. "
                "Change them with `mopstui auth set SOURCE FIELD`; see `mopstui auth status`.",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.redraw()
        self.set_interval(1.0, self.redraw)

    def redraw(self) -> None:
        self.query_one("#sources-table", Static).update(self._table())

    def _table(self) -> Group:
        """One block per source (a wide table would crush the error text at 80 columns)."""
        blocks: list[Text] = []
        for row in source_rows(self.cockpit):
            text = Text()
            text.append(row.name, style="bold")
            text.append(f"  {row.kind}  ", style="dim")
            text.append(row.state, style=STATE_STYLE.get(row.state, ""))
            text.append(f"\n  last fetch {row.fetched} · {row.calls} API calls")
            if row.health:
                text.append(f" · {row.health}")
            text.append(f"\n  credentials: {row.secrets}")
            if row.error:
                # Already redacted by the service, and made visible above (no terminal controls).
                text.append(f"\n  {row.error}", style="red")
            text.append("\n")
            blocks.append(text)
        return Group(*blocks)

    def action_close(self) -> None:
        self.dismiss(None)
