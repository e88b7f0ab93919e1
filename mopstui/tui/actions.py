"""The words of the one-key item actions: why one cannot run, what a confirmation says, the outcome.

Plain functions of the item and the outcome; the main screen asks, confirms and runs (see
screens/main.py). An action the platform accepted but whose state could not be read back is a
warning: done, not confirmed.
"""

from __future__ import annotations

from mopstui.core.models import ActionOutcome, Request, WorkflowProblem

WORKFLOW_CONSEQUENCE = {
    "activate": "It starts listening for triggers at once: people who qualify from now on run through its flow.",
    "deactivate": "It stops listening for triggers: people who qualify after this are not processed.",
}

_WORKFLOW_KINDS = {"trigger": "trigger campaign", "batch": "batch campaign", "flow": "workflow"}


def workflow_refusal(item: WorkflowProblem, action: str) -> str | None:
    """Why `action` cannot run on this workflow from here, or None when it can."""
    if action in item.actions:
        return None
    why = {
        "invalid": "it is invalid: fix its smart list or flow in the platform (y copies the link)",
        "unapproved-asset": "its email needs approving in the platform (y copies the link)",
        "failed-run": "a batch run is fixed and rescheduled in the platform (y copies the link)",
    }.get(item.problem, f"it is {item.problem}")
    return f"'{item.name}' cannot be {action}d from here: {why}"


def workflow_confirmation(item: WorkflowProblem, action: str) -> tuple[str, str]:
    """(title, body) of the confirmation, naming the action, the workflow and its source."""
    kind = _WORKFLOW_KINDS.get(item.kind, item.kind)
    body = (
        f"{action.capitalize()} {kind} '{item.name}' (id {item.id}) on source '{item.source}'.\n\n"
        f"{WORKFLOW_CONSEQUENCE.get(action, '')}"
    ).rstrip()
    return f"{action.capitalize()} {kind}?", body


def take_body(item: Request) -> str:
    return f"Assign {item.id} “{item.title}” to you on source '{item.source}'."


def done_body(item: Request) -> str:
    return f"Mark {item.id} “{item.title}” done on source '{item.source}' (it leaves the queue)."


def outcome_notice(outcome: ActionOutcome, action: str, source: str) -> tuple[str, str, str, float | None]:
    """(message, title, severity, timeout) of the notification telling how an action went."""
    if outcome.ok:
        if outcome.unconfirmed:  # done: a warning, so nobody does it a second time
            return outcome.message, f"{action}: done, not confirmed", "warning", 10
        return outcome.message, f"{action} ✓", "information", None
    if outcome.message.startswith("read-only"):
        return f"Read-only: {action} refused, nothing was sent to {source}", "", "warning", None
    return outcome.message, f"{action} failed", "error", 10
