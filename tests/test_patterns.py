"""One shell-pattern matcher for `expect_active`, whatever the platform."""

from __future__ import annotations

from mopstui.adapters import hubspot
from mopstui.adapters.marketo import campaigns
from mopstui.core.patterns import matching_pattern


def test_shell_patterns_match_case_insensitively() -> None:
    assert matching_pattern("US - Lead Routing", ["Scoring*", "*lead routing*"]) == "*lead routing*"
    assert matching_pattern("STRASSE Welcome", ["straße*"]) == "straße*"  # full case folding
    assert matching_pattern("Lead Scoring", ["Scoring - *"]) is None


def test_marketo_and_hubspot_use_it() -> None:
    assert hubspot.matching_pattern is campaigns.matching_pattern is matching_pattern
