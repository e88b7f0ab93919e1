"""One-key actions on the selected item: check, confirm (naming action, item and source), run.

While an action runs its row shows … ; on success a notice, and the service re-fetches the source so
the pane shows what the platform now says; on failure the platform's reason, and nothing changes.
An action the platform accepted but whose state could not be read back is a warning: done, not confirmed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mopstui.core.models import Request, WorkflowProblem

if TYPE_CHECKING:
    from mopstui.tui.app import MopsApp
    from mopstui.tui.panes.base import Pane

WORKFLOW_CONSEQUENCE = {
    "activate": "It starts listening for triggers at once: people who qualify from now on run through its flow.",
    "deactivate": "It stops listening for triggers: people who qualify after this are not processed.",
}


class ActionsMixin:
    """Item actions for the main screen (which provides `pane()`, `notify` and `app`)."""

    if TYPE_CHECKING:  # provided by the screen this is mixed into
        app: MopsApp

        def pane(self, name: str) -> Pane: ...

        def notify(self, message: str, **kw: Any) -> None: ...

    # -- workflows ------------------------------------------------------------------------------
    def action_activate(self) -> None:
        self._workflow_action("activate")

    def action_deactivate(self) -> None:
        self._workflow_action("deactivate")

    def _workflow_action(self, action: str) -> None:
        item = self.pane("workflows").selected()
        if not isinstance(item, WorkflowProblem):
            self.notify(f"Select a workflow to {action} first: press 1, then j/k", severity="warning")
            return
        if action not in item.actions:
            why = {
                "invalid": "it is invalid: fix its smart list or flow in the platform (y copies the link)",
                "unapproved-asset": "its email needs approving in the platform (y copies the link)",
                "failed-run": "a batch run is fixed and rescheduled in the platform (y copies the link)",
            }.get(item.problem, f"it is {item.problem}")
            self.notify(f"'{item.name}' cannot be {action}d from here: {why}", severity="warning")
            return
        kind = {"trigger": "trigger campaign", "batch": "batch campaign", "flow": "workflow"}[item.kind]
        body = (f"{action.capitalize()} {kind} '{item.name}' (id {item.id}) on source '{item.source}'.\n\n"
                f"{WORKFLOW_CONSEQUENCE[action]}")
        self._confirm("workflows", item, action, f"{action.capitalize()} {kind}?", body)

    # -- requests -------------------------------------------------------------------------------
    def _selected_request(self, verb: str) -> Request | None:
        item = self.pane("requests").selected()
        if not isinstance(item, Request):
            self.notify(f"Select a request to {verb} first: press 2, then j/k", severity="warning")
            return None
        return item

    def action_take(self) -> None:
        item = self._selected_request("take")
        if item is None:
            return
        if "take" not in item.actions:
            self.notify(f"{item.id} is already yours", severity="information")
            return
        body = f"Assign {item.id} “{item.title}” to you on source '{item.source}'."
        self._confirm("requests", item, "take", "Take this request?", body)

    def action_done(self) -> None:
        item = self._selected_request("mark done")
        if item is None:
            return
        body = f"Mark {item.id} “{item.title}” done on source '{item.source}' (it leaves the queue)."
        self._confirm("requests", item, "done", "Mark done?", body)

    def action_decline(self) -> None:
        item = self._selected_request("decline")
        if item is None:
            return
        # screens and replies are imported when first used: the first paint needs none of them
        from mopstui.core.replies import replies_for, suggest_reply, title_for
        from mopstui.tui.screens.decline import DeclineScreen

        replies = replies_for(self.app.config.replies)

        def picked(reply_id: str | None) -> None:
            if reply_id is None:
                return
            requester = item.requester.split(" (")[0]
            body = (f"Decline {item.id} “{item.title}” on source '{item.source}': post the reply "
                    f"“{title_for(reply_id)}” to {requester}, then close it as declined.\n\n"
                    f"{replies[reply_id]}")
            self._confirm("requests", item, "decline", "Decline this request?", body,
                          {"reply": replies[reply_id], "reply_id": reply_id})

        if self._refuse_if_read_only("requests", item, "decline"):
            return
        self.app.push_screen(DeclineScreen(f"{item.id}", replies, suggest_reply(item.title, replies)), picked)

    # -- shared ---------------------------------------------------------------------------------
    def _refuse_if_read_only(self, pane: str, item: Any, action: str) -> bool:
        if not self.app.cockpit.is_read_only(item.source):
            return False
        self.app.run_worker(self._run(pane, item, action, {}), group="actions")
        return True

    def _confirm(self, pane: str, item: Any, action: str, title: str, body: str,
                 params: dict[str, str] | None = None) -> None:
        if action != "decline" and self._refuse_if_read_only(pane, item, action):
            return

        from mopstui.tui.screens.confirm import ConfirmScreen

        def answered(ok: bool | None) -> None:
            if ok:
                self.app.run_worker(self._run(pane, item, action, params or {}), group="actions")
            else:
                self.notify(f"Cancelled: nothing was changed on {item.source}", severity="information")

        self.app.push_screen(ConfirmScreen(title, body), answered)

    async def _run(self, pane_name: str, item: Any, action: str, params: dict[str, str]) -> None:
        pane = self.pane(pane_name)
        pane.pending.add(item.key)
        pane.rebuild()
        try:
            outcome = await self.app.cockpit.perform(item.source, action, item.id, params, record=False)
        finally:
            pane.pending.discard(item.key)
        if outcome.ok:
            self.app.record_after_paint([self.app.cockpit.results[item.source]])
            if outcome.unconfirmed:  # done: a warning, so nobody does it a second time
                self.notify(outcome.message, title=f"{action}: done, not confirmed", severity="warning", timeout=10)
            else:
                self.notify(outcome.message, title=f"{action} ✓")
        elif outcome.message.startswith("read-only"):
            self.notify(f"Read-only: {action} refused, nothing was sent to {item.source}", severity="warning")
        else:
            self.notify(outcome.message, title=f"{action} failed", severity="error", timeout=10)
        self.app.show_results()
