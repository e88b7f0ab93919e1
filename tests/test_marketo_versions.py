"""An approved email with a pending edit is listed twice (approved and draft) and is not draft-only.

Only the transport is fake; the assertions are on the problems the Workflows pane would list.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from mopstui.adapters.marketo import MarketoOptions, MarketoSource
from mopstui.adapters.marketo.campaigns import scan_campaigns
from mopstui.core.models import WorkflowScan
from mopstui.core.source import SourceContext

from fakes.clock import FakeClock
from fakes.marketo import BASE_URL, CLIENT_ID, CLIENT_SECRET, FakeMarketo
from fakes.marketo_contract import swagger_contract  # noqa: F401  (autouse: each request against Adobe's Swagger)

INVITE = 2100  # approved, then edited
THANKS = 2101  # never approved


def build(fake: FakeMarketo, clock: FakeClock) -> MarketoSource:
    options = MarketoOptions(base_url=BASE_URL, client_id=CLIENT_ID)
    return MarketoSource(
        "marketo-prod",
        options,
        SourceContext(secret=lambda _field: CLIENT_SECRET),
        transport=fake.transport(),
        clock=clock,
        sleep=clock.sleep,
        rng=lambda: 0.5,
        now=lambda: fake.now,
    )


def instance(clock: FakeClock, *, drafts_first: bool = False) -> FakeMarketo:
    fake = FakeMarketo(clock=clock)
    fake.drafts_first = drafts_first
    fake.add_campaign("Webinar Follow-up", id=3, active=True, program=502)
    fake.add_email("Webinar Invite", id=INVITE, program=502, program_name="2026-03 Webinar", status="approved")
    return fake


def draft_only(scan: WorkflowScan) -> list[str]:
    """The unapproved-asset rows as the pane shows them: the campaign and its detail."""
    return [f"{p.name}: {p.detail}" for p in scan.problems if p.problem == "unapproved-asset"]


def later(fake: FakeMarketo, clock: FakeClock, minutes: int) -> None:
    fake.now += timedelta(minutes=minutes)
    clock.advance(minutes * 60)


async def test_an_approved_email_with_a_pending_edit_is_not_draft_only_in_either_order() -> None:
    for drafts_first in (False, True):
        clock = FakeClock()
        fake = instance(clock, drafts_first=drafts_first)
        fake.edit_email(INVITE, name="Webinar Invite (new subject)")
        listed = [(r["id"], r["status"]) for r in fake.email_records()]
        assert sorted(listed) == [(INVITE, "approved"), (INVITE, "draft")]
        scan = await build(fake, clock).fetch_workflows()
        assert draft_only(scan) == [], f"drafts_first={drafts_first}"


async def test_an_incremental_refresh_after_the_edit_keeps_the_email_approved() -> None:
    clock = FakeClock()
    fake = instance(clock)
    source = build(fake, clock)
    assert draft_only(await source.fetch_workflows()) == []
    later(fake, clock, 5)
    fake.edit_email(INVITE, name="Webinar Invite (new subject)")
    scan = await source.fetch_workflows()
    asked = [q for _, path, q in fake.calls if path.endswith("emails.json")][-1]
    assert "earliestUpdatedAt" in asked  # the changes since the last check...
    answer: list[dict[str, Any]] = fake._browse(fake.email_records(), asked).json()["result"]
    assert [(r["id"], r["status"]) for r in answer] == [(INVITE, "draft")]  # ...hold only the draft
    assert draft_only(scan) == []


async def test_a_full_listing_with_no_approved_version_left_is_draft_only() -> None:
    clock = FakeClock()
    fake = instance(clock)
    fake.add_email("Webinar Thank You", id=THANKS, program=502, status="draft")
    source = build(fake, clock)
    fake.edit_email(INVITE, name="Webinar Invite (new subject)")
    [row] = draft_only(await source.fetch_workflows())
    assert "'Webinar Thank You'" in row and "Webinar Invite" not in row
    later(fake, clock, 5)
    fake.unapprove_email(INVITE)
    # the changes since show the draft alone: seen approved, it stays so until a full listing
    [row] = draft_only(await source.fetch_workflows())
    assert "Webinar Invite" not in row
    later(fake, clock, 61)  # a new token: the full listing has no approved version left
    [row] = draft_only(await source.fetch_workflows())
    assert "earliestUpdatedAt" not in [q for _, path, q in fake.calls if path.endswith("emails.json")][-1]
    assert row == (
        "Webinar Follow-up: Emails 'Webinar Invite (new subject)', 'Webinar Thank You' in this active "
        "program are still draft-only: a Send Email step with it sends nothing until approved."
    )


@pytest.mark.parametrize("drafts_first", [False, True])
def test_the_rule_alone_takes_both_versions_in_either_order(drafts_first: bool) -> None:
    campaign = {
        "id": 3,
        "name": "Webinar Follow-up",
        "type": "trigger",
        "isActive": True,
        "status": "Active",
        "parentProgramId": 502,
    }
    folder = {"type": "Program", "value": 502, "folderName": "2026-03 Webinar"}
    approved = {"id": INVITE, "name": "Webinar Invite", "status": "approved", "folder": folder}
    draft = {**approved, "status": "draft"}
    emails = [draft, approved] if drafts_first else [approved, draft]
    assert draft_only(scan_campaigns("mk", [campaign], emails, [])) == []
    assert len(draft_only(scan_campaigns("mk", [campaign], [draft], []))) == 1
