"""HubSpot flow definitions for drift (pure, no I/O): what a flow's body says it does.

The listing (`GET /automation/v4/flows`) carries each flow's `revisionId`; only a flow whose
revisionId moved since the kept definition (or that has none yet) is read in full
(`GET /automation/v4/flows/{flowId}`, the body the adapter also reads to switch a flow), and its
enrollment criteria, actions, suppression lists and time windows become the definition's facts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from mopstui.core import drift
from mopstui.core.drift import facts_of
from mopstui.core.models import WorkflowDefinition


def revision(flow: Mapping[str, Any]) -> str:
    return str(flow.get("revisionId") or "")


def to_read(flows: Sequence[Mapping[str, Any]], known: Mapping[str, str], most: int) -> list[str]:
    """Flow ids to read in full this refresh, at most `most`: revisionId moved first, then the
    baselines still missing, by id (numeric ids, compared as numbers)."""
    pairs = ((fid, revision(flow)) for flow in flows if (fid := str(flow.get("id") or "")))
    return drift.to_read(pairs, known, most, order=lambda fid: (len(fid), fid))


def definition(flow: Mapping[str, Any], url: str = "") -> WorkflowDefinition:
    fid = str(flow.get("id") or "")
    criteria = flow.get("enrollmentCriteria")
    criteria = criteria if isinstance(criteria, Mapping) else {}
    pairs: list[tuple[str, str]] = [
        ("enrollment", enrollment_words(criteria)),
        ("re-enrollment", "on" if criteria.get("shouldReEnroll") is True else "off"),
        ("unenroll when no longer met", "yes" if criteria.get("unEnrollObjectsNotMeetingCriteria") is True else "no"),
    ]
    for action in _list(flow.get("actions")):
        if isinstance(action, Mapping):
            pairs.append((f"action {action.get('actionId', '?')}", action_words(action)))
    pairs += [
        ("suppression lists", ", ".join(str(i) for i in _list(flow.get("suppressionListIds"))) or "none"),
        ("time windows", "; ".join(_window(w) for w in _list(flow.get("timeWindows"))) or "any time"),
        ("blocked dates", "; ".join(_compact(d) for d in _list(flow.get("blockedDates"))) or "none"),
        ("status", "on" if flow.get("isEnabled") is True else "off"),
    ]
    return WorkflowDefinition(
        id=fid,
        name=str(flow.get("name") or f"flow {fid}"),
        kind="flow",
        revision=revision(flow),
        facts=facts_of(pairs),
        url=url,
    )


def enrollment_words(criteria: Mapping[str, Any]) -> str:
    """`LIST_BASED: lifecyclestage IS_ANY_OF lead, mql` or `EVENT_BASED: ...`; `manual` without criteria."""
    kind = str(criteria.get("type") or "manual")
    branch = criteria.get("listFilterBranch")
    parts = [branch_words(branch)] if isinstance(branch, Mapping) else []
    parts += [branch_words(b) for b in _list(criteria.get("eventFilterBranches")) if isinstance(b, Mapping)]
    shown = " OR ".join(p for p in parts if p) or "no filters"
    return f"{kind}: {shown}"


def branch_words(branch: Mapping[str, Any]) -> str:
    """A filter branch, nested branches in brackets: `country IS_EQUAL_TO US AND (a OR b)`."""
    glue = f" {branch.get('filterBranchType') or 'AND'} "
    items = [_filter(f) for f in _list(branch.get("filters")) if isinstance(f, Mapping)]
    for inner in _list(branch.get("filterBranches")):
        if isinstance(inner, Mapping):
            text = branch_words(inner)
            if text:
                items.append(f"({text})")
    event = branch.get("eventTypeId")
    if event and not items:
        items.append(f"event {event}")
    elif event:
        items.insert(0, f"event {event}")
    return glue.join(items)


def action_words(action: Mapping[str, Any]) -> str:
    """`action type 0-4: content_id=113782603056 → 3`: the type, its fields, where it goes next."""
    fields = action.get("fields")
    shown = ", ".join(f"{k}={_compact(v)}" for k, v in sorted(fields.items())) if isinstance(fields, Mapping) else ""
    text = f"does action type {action.get('actionTypeId', '?')}" + (f": {shown}" if shown else "")
    connection = action.get("connection")
    if isinstance(connection, Mapping) and connection.get("nextActionId"):
        text += f" → {connection['nextActionId']}"
    return text


def _filter(f: Mapping[str, Any]) -> str:
    prop = str(f.get("property") or f.get("filterType") or "?")
    op = f.get("operation")
    if not isinstance(op, Mapping):
        return prop
    values = op.get("values")
    value = ", ".join(str(v) for v in values) if isinstance(values, list) else op.get("value", "")
    return f"{prop} {op.get('operator') or '?'} {value}".rstrip()


def _window(window: Any) -> str:
    if not isinstance(window, Mapping):
        return _compact(window)
    day = window.get("day") or window.get("dayOfWeek") or "?"
    start, end = window.get("startTime"), window.get("endTime")
    return f"{day} {_compact(start)}-{_compact(end)}" if start or end else str(day)


def _compact(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
