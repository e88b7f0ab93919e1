"""Messages that carry data into the screen: a source answered, a refresh or an action finished.

Workers post them; handlers (`@on(...)`) update the panes, so the worker never touches a widget.
"""

from __future__ import annotations

from textual.message import Message

from mopstui.core.models import ActionOutcome
from mopstui.core.service import SourceResult


class SourceAnswered(Message):
    """One source's answer arrived during a refresh (the others may still be on their way)."""

    def __init__(self, result: SourceResult) -> None:
        super().__init__()
        self.result = result


class RefreshFinished(Message):
    """Every source has answered (or timed out): the whole refresh is in."""

    def __init__(self, results: list[SourceResult]) -> None:
        super().__init__()
        self.results = results


class ActionFinished(Message):
    """An item action ran on its source; `outcome` says how. Bubbles from the screen to the app."""

    def __init__(self, source: str, action: str, outcome: ActionOutcome) -> None:
        super().__init__()
        self.source = source
        self.action = action
        self.outcome = outcome
