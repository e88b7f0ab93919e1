"""One overdue rule (core.models.OverdueRule) for every source: past the due date, else past the
priority's SLA from creation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mopstui.adapters.demo import workspace
from mopstui.adapters.jira import DEFAULT_SLA_HOURS, issue_to_request
from mopstui.core.models import OverdueRule

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_due_date_first_then_the_priority_sla() -> None:
    rule = OverdueRule({"High": 24.0}, NOW)
    assert rule(NOW - timedelta(days=9), NOW + timedelta(hours=1), "High") is False  # due later wins
    assert rule(NOW, NOW - timedelta(minutes=1), "Low") is True  # past due, whatever the SLA
    assert rule(NOW - timedelta(hours=24, seconds=1), None, "High") is True
    assert rule(NOW - timedelta(hours=24), None, "High") is False  # exactly at the SLA: not yet
    assert rule(NOW - timedelta(days=99), None, "Unknown") is False  # no SLA for that priority


def issue(priority: str, created: datetime, status_category: str = "new") -> dict:  # type: ignore[type-arg]
    return {
        "key": "MOPS-1",
        "fields": {
            "summary": "x",
            "priority": {"name": priority},
            "created": created.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "status": {"name": "Open", "statusCategory": {"key": status_category}},
        },
    }


def test_jira_and_the_demo_apply_the_same_rule() -> None:
    for hours in (1, 23, 25, 71, 73, 200):
        created = NOW - timedelta(hours=hours)
        jira = issue_to_request(
            "jira", issue("High", created), base_url="https://x", sla_hours=DEFAULT_SLA_HOURS, now=NOW
        )
        demo = workspace.Workspace().ticket("MOPS-1", "x", "Sam", "High", "Open", created, None, None, NOW)
        assert jira.overdue is demo.overdue is OverdueRule({"High": 24.0}, NOW)(created, None, "High")
    done = issue_to_request(
        "jira",
        issue("High", NOW - timedelta(days=9), "done"),
        base_url="https://x",
        sla_hours=DEFAULT_SLA_HOURS,
        now=NOW,
    )
    assert done.overdue is False  # a finished issue is never overdue
