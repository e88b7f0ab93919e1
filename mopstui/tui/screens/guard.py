"""The confirmation of a send: who it reaches, and the audience guard.

Like ConfirmScreen (`y` confirms, `n` or escape cancels), but it first counts the audience (on
demand: the cockpit never counts on a refresh) and says "reaches 48,211 people: 61% of the 79,000
in the database". Above `audience_guard_percent` of the database it says so in the warning colour
and asks for the number of people typed; `y` alone then does not go ahead. Leaving the screen while
it counts cancels the count (and the export job behind it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static

from mopstui.core.diagnosis import Audience, needs_typed_count
from mopstui.core.safe_text import visible
from mopstui.tui.colours import Colours
from mopstui.tui.screens.confirm import ConfirmScreen

Counter = Callable[[], Awaitable[Audience]]


def typed_number(text: str) -> int | None:
    """'48,211', '48 211' or '48211' -> 48211; anything else None."""
    digits = text.replace(",", "").replace(" ", "").replace("_", "").replace(".", "")
    return int(digits) if digits.isdigit() else None


class GuardedConfirmScreen(ConfirmScreen):
    """`counter` counts the audience (or `audience` is already known); `guard` is the percent.
    A ConfirmScreen (same keys, same binding ids) that first says who it reaches."""

    DEFAULT_CSS = """
    GuardedConfirmScreen #guard-count { display: none; margin-bottom: 1; }
    GuardedConfirmScreen.-typed #guard-count { display: block; }
    """

    def __init__(
        self, title: str, body: str, guard: float, counter: Counter | None = None, audience: Audience | None = None
    ) -> None:
        super().__init__(title, body)
        self.guard = guard
        self.counter = counter
        self.audience = audience

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="dialog dialog-docked"):
            yield Static(Text(visible(self.title_text)), classes="dialog-title")
            yield Static(Text(visible(self.body, keep_newlines=True)), classes="dialog-body")
            yield Static(Text("Counting who it reaches…"), id="guard-audience", classes="dialog-body")
            yield Input(placeholder="the number of people", id="guard-count")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Text("y  Yes, do it"), id="yes", variant="warning")
                yield Button(Text("n  No"), id="no")

    def on_mount(self) -> None:
        # (ConfirmScreen.on_mount runs after this one and focuses "No", as for any confirmation)
        if self.audience is not None or self.counter is None:
            self.show_audience(self.audience or Audience(None, error="no audience count for this source"))
        else:
            self.count()

    @work(exclusive=True, group="guard-count", exit_on_error=False)
    async def count(self) -> None:
        assert self.counter is not None
        self.show_audience(await self.counter())

    @property
    def counted(self) -> bool:
        return self.audience is not None

    @property
    def typed_required(self) -> bool:
        return needs_typed_count(self.audience, self.guard)

    def show_audience(self, audience: Audience) -> None:
        self.audience = audience
        line = self.query_one("#guard-audience", Static)
        text = f"It {audience.sentence()}." if audience.people is not None else audience.sentence().capitalize() + "."
        if not self.typed_required:
            line.update(Text(visible(text)))
            return
        warning = Colours.from_app(self.app)["warning"]
        line.update(
            Text(
                visible(
                    f"{text}\nThat is above the audience guard of {self.guard:g}% of the database. "
                    f"Type the number of people ({audience.people:,}) and press enter to go ahead."
                ),
                style=warning,
            )
        )
        self.add_class("-typed")
        # after ConfirmScreen.on_mount's focus on "No", when the audience was known at once
        self.call_after_refresh(self.query_one("#guard-count", Input).focus)

    def action_confirm(self) -> None:
        if not self.counted:
            self.notify("Still counting who it reaches: wait, or press escape", severity="warning")
            return
        if self.typed_required:
            self.notify("Type the number of people to go ahead: y alone does not", severity="warning")
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Input.Submitted, "#guard-count")
    def typed(self, event: Input.Submitted) -> None:
        people = self.audience.people if self.audience is not None else None
        if people is not None and typed_number(event.value) == people:
            self.dismiss(True)
            return
        self.notify(f"{visible(event.value)!r} is not the number of people: nothing was sent", severity="warning")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.prevent_default()  # not ConfirmScreen's handler: "Yes" goes through the guard too
        if event.button.id == "yes":
            self.action_confirm()
        else:
            self.dismiss(False)
