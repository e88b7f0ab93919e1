"""The pulse header (k9s-style): counts per area at a glance, and which pane is active."""

from __future__ import annotations

from rich.text import Text

from mopstui.tui.colours import Colours
from mopstui.tui.format import count_text
from mopstui.tui.widgets.oneline import OneLine


class Pulse(OneLine):
    """`1 Workflows ✖2 ▲2 i1 │ 2 Requests 24 !8 late │ 3 Quality ✖1 ▲8`: the active pane is reversed."""

    def show(
        self,
        palette: Colours,
        active: str,
        workflows: dict[str, int],
        requests: tuple[int, int],
        quality_over: tuple[int, int],
        unknown: frozenset[str] = frozenset(),
    ) -> None:
        """`unknown`: panes with a source that failed or has not answered (their counts read `?`)."""
        text = Text()

        def n(pane: str, value: int) -> str:
            return count_text(value, pane in unknown)

        def section(number: str, title: str, pane: str) -> None:
            style = "bold reverse" if pane == active else "bold"
            if number != "1":
                text.append("│ ", style="dim")
            text.append(f"{number} {title}", style=style)
            text.append(" ")

        section("1", "Workflows", "workflows")
        text.append(f"✖{n('workflows', workflows.get('critical', 0))} ", style=palette["critical"])
        text.append(f"▲{n('workflows', workflows.get('warning', 0))} ", style=palette["warning"])
        text.append(f"i{n('workflows', workflows.get('info', 0))} ", style=palette["info"])
        section("2", "Requests", "requests")
        open_, overdue = requests
        text.append(f"{n('requests', open_)} ")
        text.append(f"!{n('requests', overdue)} late ", style=palette["critical"] if overdue else "")
        section("3", "Quality", "quality")
        critical, warning = quality_over
        text.append(f"✖{n('quality', critical)} ", style=palette["critical"])
        text.append(f"▲{n('quality', warning)}", style=palette["warning"])
        self.set_text(text)
