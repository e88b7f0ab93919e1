"""What an action has already done on the platform, told by the adapter while the action runs.

An action is often a write and then a read-back (Marketo's GET after activate), or two writes (Jira's
reply, then its transition). When a later step fails or times out, the first one still happened:
calling the whole action "failed" invites a second activation or a second reply. The cockpit opens a
`Receipt` around each `Source.perform`; an adapter calls `accepted()` right after the write that is
the action, or `progressed()` after a step that leaves it half-done, and the cockpit words what
follows from that. An adapter that calls neither is treated as before: an error means not done.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from mopstui.core.models import ActionOutcome

#: Audit outcomes (the `outcome` field of audit.jsonl).
ATTEMPT, OK, UNCONFIRMED, FAILED, REFUSED, INTERRUPTED = (
    "attempt",
    "ok",
    "ok-unconfirmed",
    "failed",
    "refused",
    "interrupted",
)


@dataclass
class Receipt:
    """One running action: what the platform accepted so far, and the outcome once known."""

    source: str
    action: str
    target: str
    #: The write the action is, as the platform acknowledged it ("Marketo accepted activate of 'X'").
    accepted: str = ""
    #: A step that leaves the action half-done if what follows fails ("reply posted on MOPS-2").
    progress: str = ""
    #: The outcome so far (set once the adapter answered; the re-fetch may still be running).
    outcome: ActionOutcome | None = None

    def after_error(self, reason: str) -> ActionOutcome:
        """The outcome of an action whose adapter raised or timed out with `reason`."""
        if self.accepted:
            return unconfirmed(self.accepted, f"reading it back failed ({reason})")
        if self.progress:
            return ActionOutcome(False, f"{self.progress}; then: {reason}")
        return ActionOutcome(False, reason)

    def interrupted(self) -> tuple[str, str]:
        """The audit outcome and message of this action when the cockpit stops before it finished."""
        if self.outcome is not None:
            if self.outcome.ok and self.outcome.confirmed is None:
                return UNCONFIRMED, (
                    f"done; could not confirm: {self.outcome.message}, but mopstui stopped before re-reading it"
                )
            return audit_outcome(self.outcome), self.outcome.message
        if self.accepted:
            return UNCONFIRMED, f"done; could not confirm: {self.accepted}, but mopstui stopped before reading it back"
        step = f" after: {self.progress}" if self.progress else ""
        return (
            INTERRUPTED,
            f"mopstui stopped before the platform answered{step}; its state is unknown, refresh to see it",
        )


def audit_outcome(outcome: ActionOutcome) -> str:
    """How the audit log names a finished action's outcome."""
    if not outcome.ok:
        return FAILED
    return UNCONFIRMED if outcome.confirmed is False else OK


def unconfirmed(what: str, why: str) -> ActionOutcome:
    """An action the platform accepted (`what`) whose state could not be read back (`why`)."""
    return ActionOutcome(
        True,
        f"done; could not confirm: {what}, but {why}; refresh to see its state before trying again",
        confirmed=False,
    )


_current: ContextVar[Receipt | None] = ContextVar("mopstui_action_receipt", default=None)


def accepted(what: str) -> None:
    """The platform accepted the write this action is; an error after this is "could not confirm"."""
    receipt = _current.get()
    if receipt is not None:
        receipt.accepted = what


def progressed(what: str) -> None:
    """A step of this action happened on the platform; an error after this names it."""
    receipt = _current.get()
    if receipt is not None:
        receipt.progress = what


@contextmanager
def receiving(receipt: Receipt) -> Iterator[Receipt]:
    """Make `receipt` the one `accepted()` and `progressed()` write to, for this task and its children."""
    token = _current.set(receipt)
    try:
        yield receipt
    finally:
        _current.reset(token)
