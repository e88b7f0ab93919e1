"""Items as values: a request's key follows its source and id, through replace() too."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from mopstui.core.models import Request
from mopstui.tui.screens.detail import describe

CREATED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_request_key_follows_source_id_and_replace() -> None:
    r = Request("jira", "MOPS-1", "Build a list", "Sam", "High", "Open", CREATED)
    assert r.key == "jira:MOPS-1"
    moved = replace(r, id="MOPS-2")
    assert moved.key == "jira:MOPS-2" and r.key == "jira:MOPS-1"
    assert replace(r, overdue=True) == replace(r, overdue=True) != r
    assert "_key" not in repr(r)


def test_the_detail_view_shows_fields() -> None:
    r = Request("jira", "MOPS-1", "Build a list", "Sam", "High", "Open", CREATED)
    names = [str(row) for row in describe(r).columns[0].cells]
    assert "title" in names and "_key" not in names
