"""Integration health of a Salesforce org: the daily API allowance and the last day's setup changes.

REST API Developer Guide, "Limits" (`GET /services/data/vXX.X/limits/`: `DailyApiRequests` with
`Max` and `Remaining`); Object Reference, "SetupAuditTrail" (`Action`, `Section`, `Display`,
`CreatedDate`, `CreatedBy.Name`). The MAP's sync calls the same allowance: when it runs out, the
sync stops, so 80% used is a warning and 95% critical.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from mopstui.core.errors import BadAnswerError
from mopstui.core.models import Severity, WorkflowProblem
from mopstui.core.safe_text import visible

WARNING_PERCENT = 80.0
CRITICAL_PERCENT = 95.0
#: Setup changes shown at most (the newest first).
MAX_AUDIT_ROWS = 200
SETUP_AUDIT_PAGE = "/lightning/setup/SecurityEvents/home"


def api_usage(source: str, limits: Any) -> tuple[int, int]:
    """(used, max) of `DailyApiRequests` in a limits answer."""
    entry = limits.get("DailyApiRequests") if isinstance(limits, dict) else None
    top = entry.get("Max") if isinstance(entry, dict) else None
    left = entry.get("Remaining") if isinstance(entry, dict) else None
    if not isinstance(top, int) or not isinstance(left, int) or top <= 0 or not 0 <= left <= top:
        raise BadAnswerError(f"{source}: Salesforce's limits answer has no DailyApiRequests Max and Remaining")
    return top - left, top


def usage_text(used: int, top: int) -> str:
    percent = 100.0 * used / top
    flag = " (critical)" if percent >= CRITICAL_PERCENT else " (warning)" if percent >= WARNING_PERCENT else ""
    return f"API {percent:.0f}% of daily requests used ({used:,} of {top:,}){flag}"


def limit_problem(source: str, used: int, top: int, instance_url: str, now: datetime) -> WorkflowProblem | None:
    """A problem once the day's API requests pass 80% (warning) or 95% (critical), else None."""
    percent = 100.0 * used / top
    severity: Severity
    if percent >= CRITICAL_PERCENT:
        severity = "critical"
    elif percent >= WARNING_PERCENT:
        severity = "warning"
    else:
        return None
    return WorkflowProblem(
        source=source,
        id="DailyApiRequests",
        name="Salesforce daily API requests",
        kind="integration",
        problem="api-limit",
        severity=severity,
        detail=(
            f"{used:,} of {top:,} API requests used in the last 24 h ({percent:.0f}%): "
            "the MAP's sync stops when they run out."
        ),
        since=now,
        url=f"{instance_url}/lightning/setup/CompanyProfileInfo/home",
    )


def audit_soql(now: datetime) -> str:
    since = (now - timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        "SELECT Id, Action, Section, Display, CreatedDate, CreatedBy.Name FROM SetupAuditTrail "
        f"WHERE CreatedDate >= {since} ORDER BY CreatedDate DESC LIMIT {MAX_AUDIT_ROWS}"
    )


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:  # Salesforce writes 2026-12-02T10:15:00.000+0000
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return None


def _text(value: Any, limit: int) -> str:
    return visible(" ".join(str(value or "").split()))[:limit]


def audit_problems(source: str, records: list[dict[str, Any]], instance_url: str) -> list[WorkflowProblem]:
    """Each setup change as an `info` problem naming who changed what."""
    problems = []
    for record in records:
        record_id = _text(record.get("Id"), 40)
        if not record_id:
            continue
        by = record.get("CreatedBy")
        who = _text(by.get("Name") if isinstance(by, dict) else "", 80) or "someone"
        section = _text(record.get("Section"), 80) or "Setup"
        what = _text(record.get("Display"), 240) or _text(record.get("Action"), 80)
        problems.append(
            WorkflowProblem(
                source=source,
                id=record_id,
                name=f"{section} changed by {who}",
                kind="integration",
                problem="setup-change",
                severity="info",
                detail=f"{who}: {what}",
                since=_when(record.get("CreatedDate")),
                url=f"{instance_url}{SETUP_AUDIT_PAGE}",
            )
        )
    return problems
