""" "Why won't it send?" (`w` on a campaign or flow): every check, failing first, and the fixes.

The checks come at once (three or four calls); the audience line follows when counted (Marketo's
bulk export moves once a minute), and leaving the screen cancels that count. A failing check that
one API call fixes is numbered: its number asks for the usual confirmation (an activation or a
schedule asks through the audience guard), then runs it through the cockpit (audited, refused on a
read-only source, re-fetched) and diagnoses again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mopstui.core import why
from mopstui.core.diagnosis import Audience, Diagnosis, Fix
from mopstui.core.models import ActionOutcome, WorkflowProblem
from mopstui.core.safe_text import visible
from mopstui.core.service import Cockpit
from mopstui.tui.colours import Colours
from mopstui.tui.screens.dialog import Dialog

MAX_FIXES = 5
#: Fixes that start sending: their confirmation shows the audience and applies the guard.
SENDS = frozenset({"activate", "schedule"})
STATE_STYLE = {"ok": "ok", "fail": "critical", "unknown": "warning"}


class WhyScreen(Dialog[None]):
    """`finished(source, action, outcome)` tells the cockpit an action ran (it notifies and redraws)."""

    DEFAULT_CSS = """
    WhyScreen #why { width: 100; }
    """

    BINDINGS = [
        Binding("escape,q,w", "close", "Close", id="why_close"),
        *[Binding(str(n), f"fix({n - 1})", f"Fix {n}", show=False, id=f"why_fix_{n}") for n in range(1, MAX_FIXES + 1)],
    ]

    def __init__(
        self,
        cockpit: Cockpit,
        item: WorkflowProblem,
        guard: float,
        finished: Callable[[str, str, ActionOutcome], None],
    ) -> None:
        super().__init__()
        self.cockpit = cockpit
        self.item = item
        self.guard = guard
        self.finished = finished
        self.diagnosis: Diagnosis | None = None
        self.audience: Audience | None = None
        self.error = ""
        self.running = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="why", classes="dialog"):
            yield Static(Text(visible(f"Why won't it send? {self.item.name}")), classes="dialog-title")
            yield Static(Text("Diagnosing…"), id="why-checks")
            yield Static(Text(""), id="why-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        self.diagnose()

    @work(exclusive=True, group="why-diagnose", exit_on_error=False)
    async def diagnose(self) -> None:
        try:
            self.diagnosis = await why.diagnose(self.cockpit, self.item.source, self.item.id)
        except why.WhyError as exc:
            self.error = str(exc)
            self.show()
            return
        self.show()
        if self.audience is None:
            self.count()

    @work(exclusive=True, group="why-count", exit_on_error=False)
    async def count(self) -> None:
        """The audience, once per screen (a fix does not change who is in the smart list)."""
        self.audience = await why.count_audience(self.cockpit, self.item.source, self.item.id)
        self.show()

    @property
    def shown(self) -> Diagnosis | None:
        if self.diagnosis is None or self.audience is None:
            return self.diagnosis
        return self.diagnosis.with_audience(self.audience, self.guard)

    @property
    def fixes(self) -> list[Fix]:
        diagnosis = self.shown
        return diagnosis.fixes[:MAX_FIXES] if diagnosis is not None else []

    def show(self) -> None:
        checks = self.query_one("#why-checks", Static)
        hint = self.query_one("#why-hint", Static)
        diagnosis = self.shown
        if diagnosis is None:
            checks.update(Text(visible(self.error or "Diagnosing…")))
            hint.update(Text("escape close"))
            return
        palette = Colours.from_app(self.app)
        text = Text()
        numbers = {id(fix): n for n, fix in enumerate(self.fixes, 1)}
        for check in diagnosis.ordered:
            text.append(f"{check.mark} ", style=palette[STATE_STYLE[check.state]])
            text.append(visible(check.sentence))
            if check.fix is not None and id(check.fix) in numbers:
                text.append(f"  [{numbers[id(check.fix)]}] {visible(check.fix.label)}", style="bold")
            text.append("\n")
        if self.audience is None:
            text.append("… Counting who it reaches (Marketo's bulk export reports once a minute)…\n")
        checks.update(text)
        verdict = "blocked" if diagnosis.blocked else "nothing blocks it"
        keys = " · ".join(f"{n} {visible(f.label)}" for n, f in enumerate(self.fixes, 1))
        running = "running the fix… · " if self.running else ""
        hint.update(Text(f"{verdict} · {running}{keys + ' · ' if keys else ''}escape close"))

    # -- fixes ----------------------------------------------------------------------------------
    def action_fix(self, index: int) -> None:
        fixes = self.fixes
        if index >= len(fixes) or self.running:
            return
        fix = fixes[index]
        source = self.item.source
        if self.cockpit.is_read_only(source):
            self.run_fix(fix)  # the service refuses it, and audits the refusal
            return
        body = f"{fix.label} (id {fix.target}) on source '{source}'."

        def answered(ok: bool | None) -> None:
            if ok:
                self.run_fix(fix)
            else:
                self.notify(f"Cancelled: nothing was changed on {source}", severity="information")

        if fix.action in SENDS:
            from mopstui.tui.screens.guard import GuardedConfirmScreen

            screen = GuardedConfirmScreen(f"{fix.label}?", body, self.guard, self._counter(), self.audience)
            self.app.push_screen(screen, answered)
            return
        from mopstui.tui.screens.confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen(f"{fix.label}?", body), answered)

    def _counter(self) -> Callable[[], Awaitable[Audience]]:
        cockpit, source, target = self.cockpit, self.item.source, self.item.id
        return lambda: why.count_audience(cockpit, source, target)

    @work(exclusive=True, group="why-fix", exit_on_error=False)
    async def run_fix(self, fix: Fix) -> None:
        self.running = True
        self.show()
        try:
            outcome = await self.cockpit.perform(self.item.source, fix.action, fix.target, record=False)
        finally:
            self.running = False
        self.finished(self.item.source, fix.action, outcome)
        self.diagnose()  # what the platform says now

    def action_close(self) -> None:
        self.dismiss(None)
