"""Which definitions a refresh reads: the drift first, then the missing baselines, capped."""

from __future__ import annotations

from mopstui.adapters.hubspot import definitions as flows
from mopstui.adapters.marketo import smartlists


def test_marketo_reads_moved_campaigns_first_triggers_before_batch_and_never_system_ones() -> None:
    campaigns = {
        "10": {"type": "batch", "updatedAt": "2026-12-01"},
        "9": {"type": "trigger", "updatedAt": "2026-12-01"},
        "30": {"type": "batch", "updatedAt": "2026-12-02"},  # edited since kept: drift
        "40": {"type": "trigger", "updatedAt": "2026-11-01"},  # unchanged
        "50": {"type": "trigger", "updatedAt": "x", "isSystem": True},
    }
    known = {"30": "2026-11-30", "40": "2026-11-01"}
    assert smartlists.to_read(campaigns, known, most=10) == ["30", "9", "10"]
    assert smartlists.to_read(campaigns, known, most=2) == ["30", "9"]
    assert smartlists.to_read(campaigns, known, most=0) == []


def test_hubspot_reads_moved_flows_first_in_numeric_id_order_and_skips_flows_without_an_id() -> None:
    listing = [
        {"id": "100", "revisionId": "3"},
        {"id": "20", "revisionId": "1"},
        {"id": "9", "revisionId": "1"},
        {"id": "", "revisionId": "1"},
        {"revisionId": "1"},
        {"id": "7", "revisionId": "2"},  # moved from 1
    ]
    assert flows.to_read(listing, {"7": "1", "100": "3"}, most=10) == ["7", "9", "20"]


def test_two_rules_of_one_name_keep_apart_as_name_and_name_2() -> None:
    from mopstui.core.drift import facts_of

    facts = facts_of([("filter Country", "is US"), ("filter Country", "is DE"), ("filter Country", "is FR")])
    assert facts == (("filter Country", "is US"), ("filter Country #2", "is DE"), ("filter Country #3", "is FR"))
