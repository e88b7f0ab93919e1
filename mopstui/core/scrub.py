"""Secrets inside platform data (an API token pasted into a ticket title) are redacted as a fetch's
results enter the cockpit, before memory stores them or anything shows them.

Cheap by design: with no secret registered nothing is looked at; otherwise each text field of a
batch is joined into one string and scanned once per secret form (C-speed substring search), and
only an item that holds a form is rebuilt.
"""

from __future__ import annotations

from dataclasses import replace
from operator import attrgetter
from typing import TypeVar

from mopstui.core.models import QualityMetric, Request, WorkflowProblem, WorkflowState
from mopstui.core.redact import any_secret_in, has_secrets, redact_known

T = TypeVar("T")

#: The text fields of each model that come from a platform.
PROBLEM_TEXT = ("id", "name", "detail", "url", "program")
REQUEST_TEXT = ("id", "title", "requester", "priority", "status", "assignee", "url")
METRIC_TEXT = ("metric", "label")
STATE_TEXT = ("id", "name", "url", "program")


def redact_items(items: list[T], names: tuple[str, ...]) -> list[T]:
    """`items` with every secret form in the text fields `names` replaced by ***; the same list
    when no field holds one."""
    if not items or not has_secrets():
        return items
    dirty = [name for name in names if _holds_secret(items, name)]
    if not dirty:
        return items
    return [_redacted(item, dirty) for item in items]


def _holds_secret(items: list[T], name: str) -> bool:
    # filter(None, ...) skips the None of optional fields (assignee); "\0" never joins two halves
    # of a secret into one.
    return any_secret_in("\0".join(filter(None, map(attrgetter(name), items))))


def _redacted(item: T, names: list[str]) -> T:
    changes = {}
    for name in names:
        value = getattr(item, name)
        if value and any_secret_in(value):
            changes[name] = redact_known(value)
    return replace(item, **changes) if changes else item  # type: ignore[type-var]


def redact_fetched(
    problems: list[WorkflowProblem],
    requests: list[Request],
    metrics: list[QualityMetric],
    states: list[WorkflowState],
) -> tuple[list[WorkflowProblem], list[Request], list[QualityMetric], list[WorkflowState]]:
    """One fetch's items, with the secrets inside their texts redacted."""
    return (
        redact_items(problems, PROBLEM_TEXT),
        redact_items(requests, REQUEST_TEXT),
        redact_items(metrics, METRIC_TEXT),
        redact_items(states, STATE_TEXT),
    )
