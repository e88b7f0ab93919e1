"""Command palette: the same actions as the keys, next to Textual's own (theme switch, quit...)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

COMMANDS: list[tuple[str, str, str]] = [
    ("Refresh all sources", "app.refresh_all", "Fetch every source again"),
    ("Activate selected workflow", "screen.activate", "Switch the selected trigger campaign or flow on"),
    ("Deactivate selected workflow", "screen.deactivate", "Switch the selected trigger campaign or flow off"),
    ("Take selected request", "screen.take", "Assign the selected request to me"),
    ("Decline selected request", "screen.decline", "Decline with a polite canned reply"),
    ("Mark selected request done", "screen.done", "Close the selected request as done"),
    ("Copy link of selected item", "screen.copy_link", "Copy the deep link (OSC 52, works over SSH)"),
    ("Open detail of selected item", "screen.detail", "Every field of the selected item"),
    ("Export rows of selected metric", "screen.export", "Write every offending row to a CSV (mode 0600)"),
    ("Filter the focused pane", "screen.filter", "Narrow the list by any visible text"),
    ("Go to Workflows", "screen.show_pane('workflows')", "Failing workflows pane"),
    ("Go to Requests", "screen.show_pane('requests')", "Request queue pane"),
    ("Go to Data quality", "screen.show_pane('quality')", "Data-quality pane"),
    ("Requests scope: all / unassigned / mine", "screen.scope", "Show every request, the unassigned or mine"),
    ("Help: list every key", "app.help", "Every key binding and its id"),
    ("Since last check", "app.since", "What appeared and what was resolved since the last check"),
    ("Mark selected item reviewed", "screen.review", "Hide its new mark for today (again to undo)"),
    (
        "Sources: state, API calls, credentials",
        "app.sources",
        "Each source's state, last fetch, API calls, health and where its credentials came from",
    ),
]


class MopsCommands(Provider):
    """Offers the cockpit's actions; runs them through the same action strings as the keys."""

    async def discover(self) -> Hits:
        for name, action, help_text in self._commands():
            yield DiscoveryHit(name, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self.app.run_action, action), help=help_text)

    def _commands(self) -> list[tuple[str, str, str]]:
        return COMMANDS
